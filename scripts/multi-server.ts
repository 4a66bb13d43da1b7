import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import postgres from "postgres";
import { createDatabase } from "../db/client";
import { freePort, startEmbeddedPostgres, withDatabase } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { prepareSandbox } from "../lib/amc/sandbox/prepare";
import { seed } from "../lib/demo/seed";

/**
 * Multi-server proof (issue 12): three `next start` servers on one fresh database, each running
 * the engine in process every second (ENGINE_TICKER=1, ENGINE_TICK_MS=1000), plus an external
 * cron hitting /api/cron/tick every second, over 1,000 schedules on the built-in sandbox instance
 * due across three minutes (334/333/333 on three consecutive minute slots). At the end it prints
 * slots due, executions created, duplicates, missed slots and each server's ticks, and exits
 * non-zero unless every slot ran exactly once.
 *
 *   npx next build && npx tsx scripts/multi-server.ts
 *
 * The database: a fresh one on TEST_DATABASE_URL's server if set (dropped afterwards), else an
 * embedded PostgreSQL in a temporary directory. Everything listens on 127.0.0.1 only, and the run
 * is bounded (about six minutes once the servers are up). Run it from a checkout with a build of
 * its own (`.next`): `next start` serves whatever `.next` holds.
 */

const SCHEDULES = 1_000;
const SLOTS = 3;
const SERVERS = 3;
/** product.md: a due schedule is picked up within 60 s. */
const PICKUP_MS = 60_000;
/** After the last slot's pickup window, how long runs may take to finish at most. */
const DRAIN_MS = 3 * 60_000;

const log = (line: string) => console.log(`[multi-server] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!fs.existsSync(path.resolve(".next", "BUILD_ID"))) {
  console.error("[multi-server] no build in .next: run `npx next build` first (next start serves the build).");
  process.exit(2);
}

// 1. A fresh database: migrated, seeded (the built-in sandbox instance and its synthetic data).
let stopEmbedded: (() => Promise<void>) | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
let databaseUrl: string;
const dbName = `amc_multi_${Date.now().toString(36)}`;
if (process.env.TEST_DATABASE_URL) {
  const admin = postgres(process.env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  databaseUrl = withDatabase(process.env.TEST_DATABASE_URL, dbName);
  dropDatabase = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  };
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amc-multi-pg-"));
  const pg = await startEmbeddedPostgres(path.join(dir, "pg"));
  stopEmbedded = async () => {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  databaseUrl = withDatabase(pg.adminUrl, dbName);
}
log(`database ${dbName}`);
await runMigrations(databaseUrl);
const { db, client: sql, close } = createDatabase(databaseUrl, { max: 2 });
await seed(db);
await prepareSandbox(db, { size: "ci" });
// The demo's own schedules and queued runs would only add noise to the figures: off.
await sql`UPDATE report_schedules SET is_active = false`;
await sql`UPDATE report_executions SET status = 'cancelled', completed_at = now() WHERE status IN ('pending', 'running')`;

// 2. Three servers and the cron loop. Throwaway secrets: these servers live for one run.
const secrets = {
  AUTH_SECRET: "multi-server-auth-secret-0123456789abcdef",
  APP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  CRON_SECRET: "multi-server-cron-secret-0123456789abcdef",
};
interface Server {
  n: number;
  port: number;
  proc: ChildProcess;
  ticks: number;
  claimed: number;
  created: number;
  failedTicks: number;
  exited: number | null;
}
const nextBin = path.resolve("node_modules", "next", "dist", "bin", "next");
const servers: Server[] = [];
for (let n = 1; n <= SERVERS; n++) {
  const port = await freePort();
  const proc = spawn(process.execPath, [nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    env: {
      ...process.env,
      ...secrets,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      ENGINE_TICKER: "1",
      ENGINE_TICK_MS: "1000",
      SANDBOX_SIZE: "ci",
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const s: Server = { n, port, proc, ticks: 0, claimed: 0, created: 0, failedTicks: 0, exited: null };
  // The ticker logs one JSON line per tick that did something (or failed): its summary.
  createInterface({ input: proc.stdout! }).on("line", (line) => {
    if (!line.includes('"scheduler tick"')) return;
    try {
      const t = JSON.parse(line) as { ok: boolean; materialize?: { claimed: number; created: number } | null };
      s.ticks += 1;
      if (!t.ok) s.failedTicks += 1;
      s.claimed += t.materialize?.claimed ?? 0;
      s.created += t.materialize?.created ?? 0;
    } catch {
      // Not a summary line.
    }
  });
  createInterface({ input: proc.stderr! }).on("line", (line) => {
    if (/error/i.test(line)) console.error(`[server ${n}] ${line.slice(0, 300)}`);
  });
  proc.on("exit", (code) => (s.exited = code ?? -1));
  servers.push(s);
}
// Whatever happens to this script, the servers it started do not outlive it.
process.on("exit", () => {
  for (const s of servers) if (s.exited === null) s.proc.kill("SIGKILL");
});
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
for (const s of servers) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${s.port}/sign-in`).then((r) => r.status < 500, () => false);
    if (up) break;
    if (Date.now() > deadline || s.exited !== null) throw new Error(`server ${s.n} did not start`);
    await sleep(500);
  }
}
log(`servers up on ports ${servers.map((s) => s.port).join(", ")}`);

const cron = { requests: 0, byStatus: new Map<number, number>(), claimed: 0, created: 0 };
let cronRunning = true;
const cronLoop = (async () => {
  for (let i = 0; cronRunning; i++) {
    const s = servers[i % SERVERS]!;
    try {
      const res = await fetch(`http://127.0.0.1:${s.port}/api/cron/tick`, { method: "POST", headers: { authorization: `Bearer ${secrets.CRON_SECRET}` } });
      const body = (await res.json()) as { materialize?: { claimed: number; created: number } | null; error?: { details?: { materialize?: { claimed: number; created: number } | null } } };
      const m = body.materialize ?? body.error?.details?.materialize;
      cron.claimed += m?.claimed ?? 0;
      cron.created += m?.created ?? 0;
      cron.byStatus.set(res.status, (cron.byStatus.get(res.status) ?? 0) + 1);
    } catch {
      cron.byStatus.set(0, (cron.byStatus.get(0) ?? 0) + 1);
    }
    cron.requests += 1;
    await sleep(1_000);
  }
})();

// 3. 1,000 schedules on the sandbox instance, due on three consecutive minute slots from the
//    next full minute on; each is hourly on its minute, so it falls due once in this run.
const minute = 60_000;
const firstSlot = new Date(Math.ceil((Date.now() + 30_000) / minute) * minute);
const slots = Array.from({ length: SLOTS }, (_, i) => new Date(firstSlot.getTime() + i * minute));
// One text parameter (the drizzle-configured client passes no JS arrays), split in SQL.
const slotList = slots.map((d) => d.toISOString()).join(",");
await sql`
  INSERT INTO report_definitions (report_id, name, template_id, instance_id, timezone, parameters, window_spec)
  SELECT 'rpt_ms' || lpad(g::text, 8, '0'), 'Multi-server ' || g, d.template_id, d.instance_id, 'UTC', d.parameters, d.window_spec
    FROM report_definitions d, generate_series(1, ${SCHEDULES}) AS g
   WHERE d.report_id = 'rpt_demo000001'`;
await sql`
  INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression, timezone, next_run_at)
  SELECT 'sch_' || substr(rd.report_id, 5), rd.id, 'custom',
         extract(minute FROM s.slot)::int || ' * * * *', 'UTC', s.slot
    FROM report_definitions rd
    CROSS JOIN LATERAL (
      SELECT (string_to_array(${slotList}, ',')::timestamptz[])[1 + (substr(rd.report_id, 7)::int % ${SLOTS})] AS slot) s
   WHERE rd.report_id LIKE 'rpt_ms%'`;
log(`${SCHEDULES} schedules due at ${slots.map((d) => d.toISOString().slice(11, 16)).join(", ")} UTC`);

// 4. Wait for every slot's pickup window, then (bounded) for the runs to finish.
const ours = sql`rd.report_id LIKE 'rpt_ms%'`;
async function figures() {
  const [f] = await sql<
    { created: number; slotsRun: number; doubled: number; sharedAmcIds: number; skips: number; finished: number; completed: number; failed: number; latestPickupS: number | null }[]
  >`
    SELECT count(e.id)::int AS created,
           count(DISTINCT (e.schedule_id, e.scheduled_for))::int AS "slotsRun",
           (SELECT count(*)::int FROM (SELECT 1 FROM report_executions e2 JOIN report_definitions rd ON rd.id = e2.report_id
              WHERE ${ours} GROUP BY e2.schedule_id, e2.scheduled_for HAVING count(*) > 1) d) AS doubled,
           (SELECT count(*)::int FROM (SELECT 1 FROM report_executions e3 JOIN report_definitions rd ON rd.id = e3.report_id
              WHERE ${ours} AND e3.amc_execution_id IS NOT NULL GROUP BY e3.amc_execution_id HAVING count(*) > 1) d) AS "sharedAmcIds",
           (SELECT count(*)::int FROM report_schedule_skips k JOIN report_schedules sc ON sc.id = k.schedule_id
              JOIN report_definitions rd ON rd.id = sc.report_id WHERE ${ours}) AS skips,
           count(*) FILTER (WHERE e.status IN ('completed', 'failed', 'cancelled'))::int AS finished,
           count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
           count(*) FILTER (WHERE e.status = 'failed')::int AS failed,
           max(extract(epoch FROM e.created_at - e.scheduled_for))::float AS "latestPickupS"
      FROM report_executions e JOIN report_definitions rd ON rd.id = e.report_id
     WHERE ${ours}`;
  // Each schedule has exactly one slot in the run (hourly on its minute): missed = no run at it.
  const [m] = await sql<{ missed: number }[]>`
    SELECT count(*)::int AS missed FROM report_schedules sc JOIN report_definitions rd ON rd.id = sc.report_id
     WHERE ${ours} AND NOT EXISTS (
       SELECT 1 FROM report_executions e
        WHERE e.schedule_id = sc.id AND e.scheduled_for = ANY(string_to_array(${slotList}, ',')::timestamptz[]))`;
  return { ...f!, missed: m!.missed };
}
const pickupDeadline = slots[SLOTS - 1]!.getTime() + PICKUP_MS;
while (Date.now() < pickupDeadline) {
  await sleep(10_000);
  const f = await figures();
  log(`created ${f.created}/${SCHEDULES}, finished ${f.finished} (${f.completed} completed, ${f.failed} failed)`);
}
const drainDeadline = Date.now() + DRAIN_MS;
for (;;) {
  const f = await figures();
  if (f.finished >= f.created || Date.now() > drainDeadline) break;
  log(`draining: finished ${f.finished}/${f.created}`);
  await sleep(10_000);
}
cronRunning = false;
await cronLoop;
const f = await figures();

// 5. Report, then stop everything this script started.
const ok = f.created === SCHEDULES && f.slotsRun === SCHEDULES && f.doubled === 0 && f.sharedAmcIds === 0 && f.missed === 0 && servers.every((s) => s.exited === null);
console.log(
  [
    "",
    `slots due:            ${SCHEDULES} (${SLOTS} minute slots, ${slots.map((d) => d.toISOString().slice(11, 16)).join(" / ")} UTC)`,
    `executions created:   ${f.created} (${f.slotsRun} distinct slots)`,
    `duplicates:           ${f.doubled} (slots with more than one run), ${f.sharedAmcIds} (AMC executions shared by two runs)`,
    `missed:               ${f.missed} (skips recorded: ${f.skips})`,
    `latest pickup:        ${f.latestPickupS === null ? "-" : `${f.latestPickupS.toFixed(1)} s after its slot`}`,
    `finished:             ${f.finished} (${f.completed} completed, ${f.failed} failed)`,
    ...servers.map(
      (s) => `server ${s.n} (:${s.port}):    ${s.ticks} busy ticks (${s.failedTicks} with errors), claimed ${s.claimed}, created ${s.created}${s.exited === null ? "" : `, EXITED ${s.exited}`}`,
    ),
    `cron loop:            ${cron.requests} requests (${[...cron.byStatus].map(([k, v]) => `${k || "network error"}: ${v}`).join(", ")}), claimed ${cron.claimed}, created ${cron.created}`,
    `result:               ${ok ? "every slot ran exactly once" : "FAILED"}`,
    "",
  ].join("\n"),
);
for (const s of servers) s.proc.kill("SIGTERM");
await Promise.race([Promise.all(servers.map((s) => (s.exited === null ? new Promise((r) => s.proc.once("exit", r)) : null))), sleep(10_000)]);
await close();
await dropDatabase?.();
await stopEmbedded?.();
process.exit(ok ? 0 : 1);
