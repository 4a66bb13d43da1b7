import { boot } from "./boot";

await boot("dev");
