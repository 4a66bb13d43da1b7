import { runMigrations } from "../db/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required (npm run dev migrates the embedded database by itself).");
  process.exit(1);
}
await runMigrations(url);
console.log("migrations applied");
