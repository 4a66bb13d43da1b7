import { DrizzleQueryError, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { FakeGateway } from "../../test/fake-gateway";
import { AmcError } from "../amc/gateway";
import { createSchedule, resumeSchedule } from "../scheduler/schedules";
import { engineDeps, scheduledWorld } from "../../test/scheduler-world";
import { runTick } from "./tick";


const t = await freshDatabase();
const db = t.db;

beforeEach(async () => {
  await db.delete(reportExecutions);
  await db.delete(reportSchedules);
});

const at = (iso: string, plusSeconds = 0) => new Date(new Date(iso).getTime() + plusSeconds * 1000);
const runsOf = (scheduleUuid: string) => db.select().from(reportExecutions).where(eq(reportExecutions.scheduleId, scheduleUuid));
const scheduleOf = async (id: string) => (await db.select().from(reportSchedules).where(eq(reportSchedules.id, id)))[0]!;

/** A fresh report with a daily 02:00 UTC schedule, made at noon the day before its first slot (2025-06-02 02:00). */
async function dailyAt2Utc() {
  const { member, report } = await scheduledWorld(db);
  await createSchedule(db, member, { reportId: report.reportId, schedule: { preset: "daily", time: "02:00", timezone: "UTC" } }, at("2025-06-01T12:00:00Z"));
}

/** A phase's statement failing as drizzle reports it: the driver's error wrapped with the statement and its parameters. */
const failingStatement = (message: string, code: string) => async () => {
  throw new DrizzleQueryError("SELECT secret", ["hunter2"], Object.assign(new Error(message), { code }));
};

describe("done when: a weekly schedule runs once, on time, and completes", () => {
  it("Monday 03:00 New York: right next run; the tick past it creates one execution that completes; a second tick creates none", async () => {
    const { member, report } = await scheduledWorld(db);
    // Created in the builder on Wednesday 2025-03-05.
    const created = await createSchedule(
      db,
      member,
      { reportId: report.reportId, schedule: { preset: "weekly", time: "03:00", weekday: 1, timezone: "America/New_York" } },
      at("2025-03-05T15:00:00Z"),
    );
    // Monday 2025-03-10 03:00 EDT (the clocks changed on Sunday): 07:00 UTC.
    expect(created.nextRunAt).toEqual(new Date("2025-03-10T07:00:00Z"));

    const gw = new FakeGateway();
    const tick = (now: Date) => runTick(engineDeps(db, t.sql, gw, now));

    // A tick just before the slot does nothing.
    expect((await tick(at("2025-03-10T06:59:59Z"))).materialize).toMatchObject({ claimed: 0 });

    const first = await tick(at("2025-03-10T07:00:20Z"));
    expect(first).toMatchObject({ ok: true, materialize: { claimed: 1, created: 1 }, engine: { submit: { submitted: 1 } } });
    const runs = await runsOf(created.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: "running",
      triggeredBy: "schedule",
      scheduledFor: new Date("2025-03-10T07:00:00Z"),
      // Story 2: [2025-02-17, 2025-02-24) New York time.
      timeWindowStart: new Date("2025-02-17T05:00:00Z"),
      timeWindowEnd: new Date("2025-02-24T05:00:00Z"),
    });
    expect(gw.submits).toHaveLength(1);
    expect(gw.submits[0]!.timeWindow).toEqual({ start: "2025-02-17T00:00:00", end: "2025-02-24T00:00:00", timeZone: "America/New_York" });
    expect((await scheduleOf(created.id)).nextRunAt).toEqual(new Date("2025-03-17T07:00:00Z"));

    // A second tick at the same moment (another server, or Vercel retrying) creates none.
    expect((await tick(at("2025-03-10T07:00:20Z"))).materialize).toMatchObject({ claimed: 0, created: 0 });

    // The engine polls it to completion; the schedule learns the outcome in the same tick.
    await tick(at("2025-03-10T07:00:35Z")); // AMC: RUNNING
    const done = await tick(at("2025-03-10T07:01:00Z")); // AMC: SUCCEEDED
    expect(done).toMatchObject({ engine: { poll: { completed: 1 } }, outcomes: { counted: 1, succeeded: 1 } });
    const [run] = await runsOf(created.id);
    expect(run).toMatchObject({ status: "completed", rowCount: 2 });
    expect(await scheduleOf(created.id)).toMatchObject({ runCount: 1, failureCount: 0, lastRunStatus: "completed", lastRunAt: at("2025-03-10T07:00:20Z") });
    expect(await runsOf(created.id)).toHaveLength(1);
    expect(gw.submits).toHaveLength(1);
  });
});

describe("failure handling through ticks (product story 6)", () => {
  it("three failed runs in a row pause the schedule with AMC's reason; after resume a success resets the count", async () => {
    const { member, report, instance } = await scheduledWorld(db, { instanceId: "amcabc123" });
    const s = await createSchedule(
      db,
      member,
      { reportId: report.reportId, schedule: { preset: "custom", cron: "0 * * * *", timezone: "UTC" } },
      at("2025-06-02T00:30:00Z"),
    );
    const gw = new FakeGateway();
    for (let i = 0; i < 3; i++) gw.submitErrors.push(new AmcError("permission", "Forbidden", { httpStatus: 403 }));
    let last;
    for (let h = 1; h <= 3; h++) last = await runTick(engineDeps(db, t.sql, gw, at(`2025-06-02T0${h}:00:05Z`)));
    expect(last).toMatchObject({ outcomes: { failed: 1, autoPaused: 1 } });
    const paused = await scheduleOf(s.id);
    expect(paused).toMatchObject({ isPaused: true, failureCount: 3, runCount: 3, lastRunStatus: "failed" });
    expect(paused.pauseReason).toMatch(/^AMC returned 403 for amcabc123: .* — paused after 3 consecutive failed runs\./);
    const [def] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(def?.schedulePaused).toBe(true);
    expect(instance.instanceId).toBe("amcabc123");

    // Paused: the next hours pass without runs.
    expect((await runTick(engineDeps(db, t.sql, gw, at("2025-06-02T08:00:05Z")))).materialize).toMatchObject({ claimed: 0 });
    expect(await runsOf(s.id)).toHaveLength(3);

    // The admin fixed access; the owner resumes at 08:10. Next run 09:00, which succeeds.
    const resumed = await resumeSchedule(db, member, { scheduleId: s.scheduleId }, at("2025-06-02T08:10:00Z"));
    expect(resumed).toMatchObject({ isPaused: false, failureCount: 0, nextRunAt: at("2025-06-02T09:00:00Z") });
    for (const sec of [5, 20, 45]) await runTick(engineDeps(db, t.sql, gw, at("2025-06-02T09:00:00Z", sec)));
    expect(await scheduleOf(s.id)).toMatchObject({ isPaused: false, failureCount: 0, runCount: 4, lastRunStatus: "completed" });
  });
});

describe("the tick's time budget", () => {
  it("a spent budget starts no phase, says so, and reports what is left overdue", async () => {
    await dailyAt2Utc();
    const s = await runTick(engineDeps(db, t.sql, new FakeGateway(), at("2025-06-02T02:10:00Z")), { budgetMs: 0 });
    expect(s).toMatchObject({
      ok: true,
      budgetExhausted: true,
      engine: null,
      outcomes: null,
      materialize: { claimed: 0, batches: 0 },
      overdue: { schedules: 1, oldestSeconds: 600 },
    });
  });

  it("a failing phase is reported, and the other phases still run", async () => {
    const deps = engineDeps(db, t.sql, new FakeGateway(), new Date("2025-06-02T00:00:00Z"));
    await dailyAt2Utc();
    // A statement fails while materializing.
    const failing = failingStatement("could not open relation", "XX000");
    const s = await runTick({ ...deps, now: at("2025-06-02T02:00:01Z") }, { create: failing });
    expect(s.ok).toBe(false);
    // The driver's message only: never the statement or its parameters.
    expect(s.errors).toEqual([{ phase: "materialize", message: "could not open relation" }]);
    expect(s.databaseUnavailable).toBe(false);
    expect(s.outcomes).not.toBeNull();
  });

  it("a lost database connection stops the tick at that phase (the others would only fail the same way)", async () => {
    const deps = engineDeps(db, t.sql, new FakeGateway(), new Date("2025-06-02T00:00:00Z"));
    await dailyAt2Utc();
    const failing = failingStatement("write CONNECTION_CLOSED db:5432", "CONNECTION_CLOSED");
    const s = await runTick({ ...deps, now: at("2025-06-02T02:00:01Z") }, { create: failing });
    expect(s).toMatchObject({ ok: false, databaseUnavailable: true, engine: null, outcomes: null, notify: null });
    expect(s.errors).toEqual([{ phase: "materialize", message: "write CONNECTION_CLOSED db:5432" }]);
  });
});
