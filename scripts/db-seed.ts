import { createDatabase } from "../db/client";
import { seed } from "../lib/demo/seed";
import { DEMO_ADMIN } from "../lib/config/demo";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required (npm run dev seeds the embedded database by itself).");
  process.exit(1);
}
const { db, close } = createDatabase(url, { max: 1 });
await seed(db);
await close();
console.log(`seeded. Demo admin: ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
