import { eq, sql as dsql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { reportDefinitions, reportExecutions, reportScheduleSkips, reportSchedules } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeSchedule } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { nextRunAfter } from "./cron";
import { insertRuns, materializeDue, type CreateFn } from "./materialize";
import { recentSkips } from "./skips";
import { runTick } from "../engine/tick";
import { localDate } from "../params/zoned";
import { bulkDueSchedules, engineDeps, manyServers, scheduledWorld, WEEK_DOWN } from "../../test/scheduler-world";

const t = await freshDatabase();
const db = t.db;
const gw = new FakeGateway();
const deps = (now: Date) => engineDeps(db, t.sql, gw, now);

const MON_0300_NY = new Date("2025-03-10T07:00:00Z");
const weekly = { scheduleType: "weekly" as const, cronExpression: "0 3 * * 1", timezone: "America/New_York" };

async function dueWorld(over: Partial<typeof reportSchedules.$inferInsert> = {}) {
  const w = await scheduledWorld(db);
  await db.update(reportDefinitions).set({ timezone: "America/New_York" }).where(eq(reportDefinitions.id, w.report.id));
  const schedule = await makeSchedule(db, w.report.id, { ...weekly, nextRunAt: MON_0300_NY, ...over });
  return { ...w, schedule };
}

// Materializing works on every due schedule in the database, so each test starts with none.
beforeEach(async () => {
  await db.delete(reportExecutions);
  await db.delete(reportSchedules);
});

const runsOf = (scheduleUuid: string) =>
  db.select().from(reportExecutions).where(eq(reportExecutions.scheduleId, scheduleUuid)).orderBy(reportExecutions.scheduledFor);
const scheduleOf = async (id: string) => (await db.select().from(reportSchedules).where(eq(reportSchedules.id, id)))[0]!;
const skipsOf = (id: string) => db.select().from(reportScheduleSkips).where(eq(reportScheduleSkips.scheduleId, id)).orderBy(reportScheduleSkips.scheduledFor);

describe("materialize", () => {
  it("runs a due slot once, with the window of the slot even when the tick is late, and advances strictly after it", async () => {
    const { schedule, report } = await dueWorld({ defaultParameters: { campaigns: ["from-schedule"] } });
    // Three hours late: the window is still the one of Monday 03:00 (story 2: [02-17, 02-24)).
    const late = new Date(MON_0300_NY.getTime() + 3 * 3600_000);
    expect(await materializeDue(deps(late))).toMatchObject({ claimed: 1, created: 1, skipped: 0, failed: 0 });
    const runs = await runsOf(schedule.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      reportId: report.id,
      triggeredBy: "schedule",
      status: "pending",
      scheduledFor: MON_0300_NY,
      timeWindowStart: new Date("2025-02-17T05:00:00Z"),
      timeWindowEnd: new Date("2025-02-24T05:00:00Z"),
      timeWindowTimezone: "America/New_York",
    });
    // The schedule's default_parameters override the report's values.
    expect(runs[0]!.renderedSql).toContain("IN ('from-schedule')");
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
    // A second tick at the same time finds nothing due.
    expect(await materializeDue(deps(late))).toMatchObject({ claimed: 0, created: 0 });
    expect(await runsOf(schedule.id)).toHaveLength(1);
  });

  it("never runs a slot before it is due", async () => {
    const { schedule } = await dueWorld();
    await materializeDue(deps(new Date(MON_0300_NY.getTime() - 1)));
    expect(await runsOf(schedule.id)).toHaveLength(0);
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(MON_0300_NY);
  });

  it("leaves paused and deleted schedules alone", async () => {
    const paused = await dueWorld({ isPaused: true });
    const deleted = await dueWorld({ isActive: false });
    await materializeDue(deps(new Date("2025-03-10T08:00:00Z")));
    expect(await runsOf(paused.schedule.id)).toHaveLength(0);
    expect(await runsOf(deleted.schedule.id)).toHaveLength(0);
    expect((await scheduleOf(paused.schedule.id)).nextRunAt).toEqual(MON_0300_NY);
  });

  it("server down a week: one run for the latest missed slot, the others recorded as skipped", async () => {
    const { schedule } = await dueWorld({ scheduleType: "daily", cronExpression: WEEK_DOWN.cron, nextRunAt: WEEK_DOWN.due });
    expect(await materializeDue(deps(WEEK_DOWN.back))).toMatchObject({ claimed: 1, created: 1, skipped: 7 });
    const runs = await runsOf(schedule.id);
    expect(runs.map((r) => r.scheduledFor)).toEqual([WEEK_DOWN.latest]);
    const skips = await skipsOf(schedule.id);
    expect(skips.map((s) => s.scheduledFor.toISOString())).toEqual(WEEK_DOWN.skipped);
    // The card shows the newest few, newest first.
    expect((await recentSkips(db, schedule.id, 2)).map((s) => s.scheduledFor.toISOString())).toEqual(WEEK_DOWN.skipped.slice(-2).reverse());
    expect(skips[0]!.reason).toBe("Missed while no scheduler tick ran: of 8 missed runs only the latest (2025-03-10T06:00:00.000Z) ran.");
    // Then the cadence resumes: tomorrow 02:00.
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(new Date("2025-03-11T06:00:00Z"));
  });

  it("a run that cannot be rendered is recorded as failed with the reason, and the schedule still advances", async () => {
    const { schedule, report } = await dueWorld();
    await db.update(reportDefinitions).set({ parameters: { campaigns: [] } }).where(eq(reportDefinitions.id, report.id));
    expect(await materializeDue(deps(MON_0300_NY))).toMatchObject({ claimed: 1, created: 0, failed: 1 });
    const [run] = await runsOf(schedule.id);
    expect(run).toMatchObject({ status: "failed", triggeredBy: "schedule", scheduledFor: MON_0300_NY, completedAt: MON_0300_NY });
    expect(run!.errorMessage).toMatch(/^The scheduled run could not start: The report's parameters are not valid: campaigns: /);
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
  });

  it("a slot that already has its execution gets no second one (next_run_at moved back by hand)", async () => {
    const { schedule } = await dueWorld();
    await materializeDue(deps(MON_0300_NY));
    await db.update(reportSchedules).set({ nextRunAt: MON_0300_NY }).where(eq(reportSchedules.id, schedule.id));
    expect(await materializeDue(deps(MON_0300_NY))).toMatchObject({ claimed: 1, created: 0, existing: 1 });
    expect(await runsOf(schedule.id)).toHaveLength(1);
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
  });

  it("an inactive report's schedule records the slot as skipped and moves on", async () => {
    const { schedule, report } = await dueWorld();
    await db.update(reportDefinitions).set({ isActive: false }).where(eq(reportDefinitions.id, report.id));
    expect(await materializeDue(deps(MON_0300_NY))).toMatchObject({ claimed: 1, created: 0, skipped: 1 });
    expect(await runsOf(schedule.id)).toHaveLength(0);
    expect((await skipsOf(schedule.id)).map((s) => s.reason)).toEqual(["The report is inactive, so its schedule did not run."]);
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
  });

  it("a next_run_at off the pattern does not run, and is recorded as skipped with the reason (never dropped silently)", async () => {
    const { schedule } = await dueWorld({ nextRunAt: new Date("2025-03-05T12:00:00Z") });
    expect(await materializeDue(deps(new Date("2025-03-05T12:00:01Z")))).toMatchObject({ claimed: 1, created: 0, advancedOnly: 1, skipped: 1 });
    expect(await runsOf(schedule.id)).toHaveLength(0);
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(MON_0300_NY);
    const skips = await skipsOf(schedule.id);
    expect(skips.map((k) => k.scheduledFor)).toEqual([new Date("2025-03-05T12:00:00Z")]);
    expect(skips[0]!.reason).toBe(
      'Not run: the next run was set to 2025-03-05T12:00:00.000Z, which is not a time this schedule\'s cron "0 3 * * 1" (America/New_York) gives ' +
        "(set by hand, imported, or left by an earlier cron). The schedule continues on its cron from 2025-03-10T07:00:00.000Z.",
    );
    // What the schedule card shows.
    expect(await recentSkips(db, schedule.id)).toEqual([{ scheduledFor: new Date("2025-03-05T12:00:00Z"), reason: skips[0]!.reason }]);
    // Then the cron's own slot runs as usual.
    expect(await materializeDue(deps(MON_0300_NY))).toMatchObject({ claimed: 1, created: 1, skipped: 0 });
    expect((await runsOf(schedule.id)).map((r) => r.scheduledFor)).toEqual([MON_0300_NY]);
  });

  it("an off-pattern next_run_at found late: the cron's latest due slot runs, the off-pattern instant is recorded", async () => {
    const { schedule } = await dueWorld({ nextRunAt: new Date("2025-03-05T12:00:00Z") });
    expect(await materializeDue(deps(new Date("2025-03-10T08:00:00Z")))).toMatchObject({ claimed: 1, created: 1, skipped: 1 });
    expect((await runsOf(schedule.id)).map((r) => r.scheduledFor)).toEqual([MON_0300_NY]);
    const [skip] = await skipsOf(schedule.id);
    expect(skip).toMatchObject({ scheduledFor: new Date("2025-03-05T12:00:00Z") });
    expect(skip!.reason).toMatch(/it ran for 2025-03-10T07:00:00.000Z\.$/);
    expect((await scheduleOf(schedule.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
  });

  it("a batch of many schedules is written by a fixed number of statements, not one per run", async () => {
    const worlds = [];
    for (let i = 0; i < 5; i++) worlds.push(await dueWorld());
    let writes = 0;
    const counting: CreateFn = async (tx, rows) => {
      writes += 1;
      return insertRuns(tx, rows);
    };
    expect(await materializeDue(deps(MON_0300_NY), { create: counting })).toMatchObject({ claimed: 5, created: 5, batches: 1 });
    expect(writes).toBe(1);
    for (const w of worlds) expect((await runsOf(w.schedule.id)).map((r) => r.status)).toEqual(["pending"]);
  });

  it("a stored cron that no longer parses pauses the schedule with the reason", async () => {
    const { schedule } = await dueWorld({ cronExpression: "0 3 * * 9" });
    expect(await materializeDue(deps(MON_0300_NY))).toMatchObject({ claimed: 1, paused: 1, created: 0 });
    const s = await scheduleOf(schedule.id);
    expect(s).toMatchObject({ isPaused: true, nextRunAt: MON_0300_NY });
    expect(s.pauseReason).toContain('cron "0 3 * * 9"');
  });

  it("an unexpected error while preparing one run (a stored window spec that no longer parses) fails that run only", async () => {
    const good = await dueWorld();
    const bad = await dueWorld();
    await db.execute(dsql`UPDATE report_definitions SET window_spec = '{"kind": "fortnight"}'::jsonb WHERE id = ${bad.report.id}`);
    expect(await materializeDue(deps(MON_0300_NY))).toMatchObject({ claimed: 2, created: 1, failed: 1, retries: 0 });
    expect((await runsOf(good.schedule.id)).map((r) => r.status)).toEqual(["pending"]);
    const [run] = await runsOf(bad.schedule.id);
    expect(run).toMatchObject({ status: "failed", errorMessage: "The scheduled run could not start because of an internal error. Tell your admin." });
    expect((await scheduleOf(bad.schedule.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
  });

  it("a run that fails in the database is isolated: it is recorded as failed, the rest of the batch goes through", async () => {
    const a = await dueWorld();
    const b = await dueWorld();
    const poison = b.schedule.id;
    const create: CreateFn = async (tx, rows) => {
      // A foreign-key violation (23503) whenever the poisoned schedule's run is written.
      if (rows.some((r) => r.scheduleId === poison)) await tx.execute(dsql`INSERT INTO report_schedule_skips (schedule_id, scheduled_for, reason) VALUES (gen_random_uuid(), now(), 'x')`);
      return insertRuns(tx, rows);
    };
    const s = await materializeDue(deps(MON_0300_NY), { create });
    expect(s).toMatchObject({ created: 1, failed: 1, retries: 1 });
    expect((await runsOf(a.schedule.id)).map((r) => r.status)).toEqual(["pending"]);
    expect((await runsOf(poison)).map((r) => r.status)).toEqual(["failed"]);
    expect((await scheduleOf(poison)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));
  });
});

describe("daylight saving, tick by tick", () => {
  // A tick every 15 minutes over the change days; each local day must get exactly one run.
  const cases = [
    { zone: "America/New_York", cron: "30 2 * * *", from: "2025-03-08T00:00:00Z", days: ["2025-03-08", "2025-03-09", "2025-03-10"] },
    { zone: "America/New_York", cron: "30 2 * * *", from: "2025-11-01T00:00:00Z", days: ["2025-11-01", "2025-11-02", "2025-11-03"] },
    { zone: "America/New_York", cron: "30 1 * * *", from: "2025-11-01T00:00:00Z", days: ["2025-11-01", "2025-11-02", "2025-11-03"] },
    { zone: "Europe/London", cron: "30 2 * * *", from: "2025-03-29T00:00:00Z", days: ["2025-03-29", "2025-03-30", "2025-03-31"] },
    { zone: "Europe/London", cron: "30 1 * * *", from: "2025-03-29T00:00:00Z", days: ["2025-03-29", "2025-03-30", "2025-03-31"] },
    { zone: "Europe/London", cron: "30 1 * * *", from: "2025-10-25T00:00:00Z", days: ["2025-10-25", "2025-10-26", "2025-10-27"] },
  ];
  for (const c of cases) {
    it(`${c.cron} in ${c.zone} from ${c.from.slice(0, 10)}: once a day, never twice, never skipped`, async () => {
      const start = new Date(c.from);
      const { schedule } = await dueWorld({ cronExpression: c.cron, timezone: c.zone, scheduleType: "daily", nextRunAt: nextRunAfter(c.cron, c.zone, start) });
      for (let tick = new Date(start); tick < new Date(start.getTime() + 3 * 86_400_000); tick = new Date(tick.getTime() + 15 * 60_000)) {
        await materializeDue(deps(tick));
      }
      const runs = await runsOf(schedule.id);
      expect(runs.map((r) => localDate(r.scheduledFor!, c.zone))).toEqual(c.days);
      expect(await skipsOf(schedule.id)).toHaveLength(0);
    });
  }
});

describe("many ticks at once", () => {
  const servers = manyServers(t.url, 20);
  const due = new Date("2025-06-02T07:00:00Z"); // Mon 03:00 EDT
  const next = new Date("2025-06-09T07:00:00Z");

  async function bulk(tag: string, count: number) {
    const w = await scheduledWorld(db);
    await bulkDueSchedules(db, { templateId: w.template.id, instanceId: w.instance.id, count, due, tag });
    return tag;
  }

  const ofTag = (tag: string) =>
    dsql`(SELECT s.id FROM report_schedules s JOIN report_definitions rd ON rd.id = s.report_id WHERE rd.report_id LIKE ${`rpt_${tag}%`})`;

  async function state(tag: string) {
    const [row] = await db.execute<{ executions: number; slots: number; advanced: number; due: number }>(dsql`
      SELECT (SELECT count(*)::int FROM report_executions WHERE schedule_id IN ${ofTag(tag)}) AS executions,
             (SELECT count(DISTINCT (schedule_id, scheduled_for))::int FROM report_executions WHERE schedule_id IN ${ofTag(tag)}) AS slots,
             (SELECT count(*)::int FROM report_schedules WHERE id IN ${ofTag(tag)} AND next_run_at = ${next.toISOString()}::timestamptz) AS advanced,
             (SELECT count(*)::int FROM report_schedules WHERE id IN ${ofTag(tag)} AND next_run_at = ${due.toISOString()}::timestamptz) AS due`);
    return row!;
  }

  // Each schedule either has its execution and moved on, or has neither: never one without the other.
  async function consistent(tag: string) {
    const [row] = await db.execute<{ bad: number }>(dsql`
      SELECT count(*)::int AS bad FROM report_schedules s
       WHERE s.id IN ${ofTag(tag)}
         AND (s.next_run_at = ${next.toISOString()}::timestamptz) <> EXISTS (SELECT 1 FROM report_executions e WHERE e.schedule_id = s.id)`);
    return row!.bad === 0;
  }

  it("20 concurrent ticks over 500 due schedules: exactly 500 executions, each schedule advanced exactly once", async () => {
    const tag = await bulk("race", 500);
    // Whole ticks (materialize, then submit/poll on the fake AMC, then outcomes), 20 servers.
    const ticks = await Promise.all(
      servers.pools.map((_, i) => runTick(servers.deps(i, gw, new Date(due.getTime() + 20_000)), { settings: { materializeBatch: 10 } })),
    );
    expect(ticks.every((tk) => tk.ok)).toBe(true);
    const results = ticks.map((tk) => tk.materialize!);
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(500);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(500);
    // More than one tick did work: the claims really were concurrent.
    expect(results.filter((r) => r.created > 0).length).toBeGreaterThan(1);
    expect(await state(tag)).toEqual({ executions: 500, slots: 500, advanced: 500, due: 0 });
  });

  it("a tick killed half way (its transaction aborted) loses nothing and doubles nothing: the next tick finishes", async () => {
    const tag = await bulk("kill", 500);
    const now = new Date(due.getTime() + 20_000);
    // The server dies during its third batch, mid-statement: to PostgreSQL that is a transaction
    // aborted before its commit. Cancelled from outside rather than terminated: on a terminated
    // connection postgres.js's ROLLBACK throws its uncaught TypeError (issue 12 §3, tested
    // there), which is not what this test is about; the rolled-back batch is the same.
    let calls = 0;
    const dying: CreateFn = async (tx, rows) => {
      // The third batch's write (one per batch).
      if (++calls === 3) {
        const [{ pid }] = (await tx.execute<{ pid: number }>(dsql`SELECT pg_backend_pid() AS pid`)) as unknown as [{ pid: number }];
        const killer = (async () => {
          while ((await t.sql`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid} AND query LIKE '%pg_sleep%' AND state = 'active'`).length === 0) {
            await new Promise((r) => setTimeout(r, 5));
          }
          await t.sql`SELECT pg_cancel_backend(${pid})`;
        })();
        try {
          await tx.execute(dsql`SELECT pg_sleep(30)`);
        } finally {
          await killer;
        }
      }
      return insertRuns(tx, rows);
    };
    await expect(materializeDue(servers.deps(0, gw, now), { create: dying, settings: { materializeBatch: 100 } })).rejects.toThrow();
    // Two batches committed, the third rolled back whole.
    expect(await state(tag)).toEqual({ executions: 200, slots: 200, advanced: 200, due: 300 });
    expect(await consistent(tag)).toBe(true);
    expect(await materializeDue(deps(now))).toMatchObject({ claimed: 300, created: 300 });
    expect(await state(tag)).toEqual({ executions: 500, slots: 500, advanced: 500, due: 0 });
  });
});
