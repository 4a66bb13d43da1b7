import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { withDatabase } from "../db/embedded";
import { boot } from "../scripts/boot";
import { planSegments } from "../lib/backfill/plan";

// The app as production runs it (`next start` on the build made by `npm run test:e2e`), on a
// database made fresh for this run: on TEST_DATABASE_URL's server if given, else embedded.
const admin = process.env.TEST_DATABASE_URL;
if (admin) {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`DROP DATABASE IF EXISTS amc_e2e WITH (FORCE)`);
  await sql.unsafe(`CREATE DATABASE amc_e2e`);
  await sql.end();
  process.env.DATABASE_URL = withDatabase(admin, "amc_e2e");
  process.env.SEED_ON_START = "1";
} else {
  delete process.env.DATABASE_URL;
  const dir = path.resolve(".data", "e2e");
  fs.rmSync(dir, { recursive: true, force: true });
  process.env.AMC_DATA_DIR = dir;
}
// Throwaway secrets: this server lives for one test run.
process.env.AUTH_SECRET ??= "e2e-auth-secret-0123456789abcdef0123456789";
process.env.APP_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.CRON_SECRET ??= "e2e-cron-secret-0123456789abcdef0123456789";
// A smaller synthetic AMC data set keeps the suite fast; npm run dev uses the full one.
process.env.SANDBOX_SIZE ??= "ci";
// The browser talks to this server over loopback, which stands in for a reverse proxy: specs set
// X-Forwarded-For per browser context to sign in "from" different client addresses.
process.env.TRUSTED_PROXIES ??= "127.0.0.1, ::1";
// The engine runs inside this server, as on a single-node deployment.
process.env.ENGINE_TICKER ??= "1";
process.env.ENGINE_TICK_MS ??= "1000";
// One backfill segment fails once so the suite can retry it: the oldest window of a 90-day weekly
// backfill of rpt_demo000004 (UTC, 14-day lag), a window no other spec runs.
process.env.SANDBOX_FAIL_ONCE_WINDOW_START ??= planSegments({ lookbackDays: 90, segmentType: "weekly", zone: "UTC", lagDays: 14 }).start;
// A demo schedule whose three owed hourly runs fail on the sandbox (lib/demo/failing-schedule.ts):
// the notification spec watches it pause itself, notify, and leave a mail in the outbox.
process.env.DEMO_FAILING_SCHEDULE ??= "1";
await boot("start");
