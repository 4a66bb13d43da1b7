import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONNECTION_OPTIONS, createDatabase } from "../../db/client";
import { executionResults, reportExecutions, reportSchedules } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeExecution } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { bulkDueSchedules, engineDeps, scheduledWorld } from "../../test/scheduler-world";
import type { ResultFile, SubmitRequest } from "../amc/gateway";
import { insertRuns } from "../scheduler/materialize";
import { runTick, type TickSummary } from "./tick";

/**
 * Issue 12 §3, "survive the database": every backend of the database is terminated (what a
 * PostgreSQL restart or failover does to a server's connections) while a tick is inside a
 * transaction, while AMC is answering a submit, and while a result is being copied in. The
 * process must not see an uncaught exception, the tick reports the outage and does nothing, and
 * the next ticks finish the work with every slot run once and every result stored once.
 *
 * The suite runs on a shared PostgreSQL server that it must not stop, so terminating every
 * backend of this test's database (pg_terminate_backend, as a restart does with 57P01) stands in
 * for the restart itself.
 */

const t = await freshDatabase();
const db = t.db;

// The engine's own pools, built like the app's (CONNECTION_OPTIONS), so the test exercises the
// options the server runs with; the killer is a separate connection that survives its own kill.
const app = createDatabase(t.url, { max: 4 });
const raw = postgres(t.url, { ...CONNECTION_OPTIONS, max: 2 });
const killer = postgres(t.url, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await app.close();
  await raw.end({ timeout: 5 });
  await killer.end({ timeout: 5 });
});

/** What a restart does to every session: terminate all of this database's backends but ours. */
async function terminateEveryBackend(): Promise<number> {
  // OFFSET 0 keeps the filter in the subquery: the planner may not evaluate pg_terminate_backend
  // before `pid <> pg_backend_pid()`, which would kill the killer.
  const killed = await killer<{ pid: number }[]>`
    SELECT pid FROM (SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() OFFSET 0) s
     WHERE pg_terminate_backend(pid)`;
  // The clients learn of it from their sockets; give the close events a moment to arrive.
  await new Promise((r) => setTimeout(r, 100));
  return killed.length;
}

/** A point the engine stops at until the test lets it go on. */
function gate() {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const released = new Promise<void>((r) => (release = r));
  return { reached, release, pass: async () => (reach(), await released) };
}

/** Uncaught exceptions and unhandled rejections while a test runs: there must be none. */
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);
beforeEach(() => {
  uncaught.length = 0;
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
});
afterEach(() => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
});

beforeEach(async () => {
  await db.delete(reportExecutions);
  await db.delete(reportSchedules);
});

const MONDAY_0300_NY = new Date("2025-03-10T07:00:00Z");
const after = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);
const deps = (gw: FakeGateway, now: Date) => engineDeps(app.db, raw, gw, now);

/** Ticks every `stepS` seconds from `from` until `done` holds (at most `max` ticks). */
async function tickUntil(gw: FakeGateway, from: Date, stepS: number, done: () => Promise<boolean>, max = 40): Promise<TickSummary[]> {
  const ticks: TickSummary[] = [];
  for (let i = 0; i < max && !(await done()); i++) ticks.push(await runTick(deps(gw, after(from, i * stepS))));
  return ticks;
}

async function counts() {
  const [c] = await db.execute<{ runs: number; completed: number; slots: number; doubled: number; amcIds: number; rows: number; results: number }>(sql`
    SELECT (SELECT count(*)::int FROM report_executions) AS runs,
           (SELECT count(*)::int FROM report_executions WHERE status = 'completed') AS completed,
           (SELECT count(DISTINCT (schedule_id, scheduled_for))::int FROM report_executions) AS slots,
           (SELECT count(*)::int FROM (SELECT 1 FROM report_executions GROUP BY schedule_id, scheduled_for HAVING count(*) > 1) d) AS doubled,
           (SELECT count(DISTINCT amc_execution_id)::int FROM report_executions) AS "amcIds",
           (SELECT count(*)::int FROM execution_result_rows) AS rows,
           (SELECT count(*)::int FROM execution_results) AS results`);
  return c!;
}

describe("every backend terminated in the middle of a tick", () => {
  it("inside materialize's transaction: ok:false and nothing written; while AMC answers a submit: the tick goes on; the next ticks run every slot exactly once", async () => {
    const { template, instance } = await scheduledWorld(db);
    const SCHEDULES = 30;
    await bulkDueSchedules(db, { templateId: template.id, instanceId: instance.id, count: SCHEDULES, due: MONDAY_0300_NY, tag: `out${Date.now().toString(36)}` });

    // 1. The kill lands while materialize holds its batch's transaction open (claimed rows,
    //    runs not yet inserted): the transaction dies with its connection.
    const inMaterialize = gate();
    const create = async (tx: Parameters<typeof insertRuns>[0], rows: Parameters<typeof insertRuns>[1]) => {
      await inMaterialize.pass();
      return insertRuns(tx, rows);
    };
    const gw = new FakeGateway();
    const now = after(MONDAY_0300_NY, 20);
    const first = runTick(deps(gw, now), { create });
    await inMaterialize.reached;
    expect(await terminateEveryBackend()).toBeGreaterThan(0);
    inMaterialize.release();
    const s1 = await first;
    expect(s1).toMatchObject({ ok: false, databaseUnavailable: true, materialize: null, engine: null });
    expect(s1.errors).toHaveLength(1);
    expect(s1.errors[0]!.phase).toBe("materialize");
    // Nothing done: no run, every schedule still due at its slot.
    expect((await counts()).runs).toBe(0);
    const stillDue = await db.select({ n: sql<number>`count(*)::int` }).from(reportSchedules).where(eq(reportSchedules.nextRunAt, MONDAY_0300_NY));
    expect(stillDue[0]!.n).toBe(SCHEDULES);
    expect(gw.submits).toHaveLength(0);
    // The pool is usable at once: as many concurrent statements as it has connections.
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => app.db.execute(sql`SELECT pg_sleep(0.2)`)));
    expect(performance.now() - t0).toBeLessThan(5_000);

    // 2. The next tick materializes; the kill lands while AMC is answering the first submit (AMC
    //    has accepted it). The pool reconnects for the next statement, so the tick goes on.
    const inSubmit = gate();
    let paused = false;
    const slowGw = new (class extends FakeGateway {
      override async submit(req: SubmitRequest) {
        const out = await super.submit(req);
        if (!paused) {
          paused = true;
          await inSubmit.pass();
        }
        return out;
      }
    })();
    const second = runTick(deps(slowGw, after(now, 5)));
    await inSubmit.reached;
    expect(await terminateEveryBackend()).toBeGreaterThan(0);
    inSubmit.release();
    const s2 = await second;
    // Either outcome is safe: it went on (the pool reconnected), or it stopped at the outage.
    expect(s2.ok || s2.databaseUnavailable).toBe(true);
    expect(s2.materialize).toMatchObject({ claimed: SCHEDULES, created: SCHEDULES });

    // 3. Later ticks (AMC allows 10 running per instance) finish every run.
    const ticks = await tickUntil(slowGw, after(now, 60), 60, async () => (await counts()).completed === SCHEDULES);
    expect(ticks.every((s) => s.ok)).toBe(true);
    const c = await counts();
    expect(c).toMatchObject({ runs: SCHEDULES, completed: SCHEDULES, slots: SCHEDULES, doubled: 0, results: SCHEDULES, rows: SCHEDULES * 2 });
    // Exactly once at AMC: one create per run, the one interrupted by the outage included.
    expect(slowGw.submits).toHaveLength(SCHEDULES);
    expect(c.amcIds).toBe(SCHEDULES);
    expect(uncaught).toEqual([]);
  });
});

describe("every backend terminated in the middle of an ingest", () => {
  it("the COPY dies with its transaction: ok:false, no rows, no attempt used; after the lease a tick stores the result once", async () => {
    const { report, instance } = await scheduledWorld(db);
    const run = await makeExecution(db, report.id, {
      instanceId: instance.id,
      renderedSql: "SELECT 1",
      timeWindowStart: new Date("2025-02-17T00:00:00Z"),
      timeWindowEnd: new Date("2025-02-24T00:00:00Z"),
      timeWindowTimezone: "UTC",
    });
    const CSV = `day,campaign,impressions\n${Array.from({ length: 500 }, (_, i) => `2025-02-${String(17 + (i % 7)).padStart(2, "0")},c${i},${i}`).join("\n")}\n`;
    const midDownload = gate();
    let downloads = 0;
    const gw = new (class extends FakeGateway {
      override async results(): Promise<ResultFile[]> {
        this.resultCalls += 1;
        const pause = downloads++ === 0;
        const bytes = new TextEncoder().encode(CSV);
        return [
          {
            open: async () =>
              (async function* () {
                const half = bytes.length >> 1;
                yield bytes.slice(0, half);
                // The first download stops half way, its rows already in the COPY stream.
                if (pause) await midDownload.pass();
                yield bytes.slice(half);
              })(),
          },
        ];
      }
    })();
    gw.csv = CSV;
    const T = new Date("2025-03-10T12:00:00Z");

    // Submitted, then polled until AMC says SUCCEEDED and the download starts.
    await runTick(deps(gw, T));
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.id, run.id))).toMatchObject([{ status: "running" }]);
    let ingesting: Promise<TickSummary> | null = null;
    for (let i = 1; i <= 10 && !ingesting; i++) {
      const tick = runTick(deps(gw, after(T, i * 60)));
      const first = await Promise.race([tick.then(() => "done" as const), midDownload.reached.then(() => "paused" as const)]);
      if (first === "paused") ingesting = tick;
    }
    expect(ingesting).not.toBeNull();
    expect(await terminateEveryBackend()).toBeGreaterThan(0);
    midDownload.release();
    const s = await ingesting!;
    expect(s).toMatchObject({ ok: false, databaseUnavailable: true });
    expect(s.errors.map((e) => e.phase)).toEqual(["engine"]);
    const held = (await db.select().from(reportExecutions).where(eq(reportExecutions.id, run.id)))[0]!;
    // Still running under its poll lease, nothing stored, no ingest attempt counted.
    expect(held).toMatchObject({ status: "running", attempts: 0, rowCount: null });
    expect(held.leaseExpiresAt).not.toBeNull();
    expect((await counts()).rows).toBe(0);

    // After the lease, the run is polled again and its result stored, once.
    const later = after(held.leaseExpiresAt!, 1);
    await tickUntil(gw, later, 60, async () => (await counts()).completed === 1, 5);
    const done = (await db.select().from(reportExecutions).where(eq(reportExecutions.id, run.id)))[0]!;
    expect(done).toMatchObject({ status: "completed", rowCount: 500 });
    expect(await db.select().from(executionResults).where(eq(executionResults.executionId, run.id))).toHaveLength(1);
    const rows = await db.execute<{ n: number; distinctRows: number }>(sql`SELECT count(*)::int AS n, count(DISTINCT row_no)::int AS "distinctRows" FROM execution_result_rows`);
    expect(rows[0]).toEqual({ n: 500, distinctRows: 500 });
    expect(gw.submits).toHaveLength(1);
    expect(gw.resultCalls).toBe(2);
    expect(uncaught).toEqual([]);
  });
});
