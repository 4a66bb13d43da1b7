import { boot } from "./boot";

await boot("start");
