import { eq, sql as dsql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { reportDefinitions, reportExecutions, reportSchedules, type ExecutionStatus } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeExecution, makeInstance, makeReport, makeSchedule } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { recordOutcomes } from "./outcomes";
import { engineDeps, manyServers } from "../../test/scheduler-world";

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2025-06-02T07:00:00Z");
const hour = (h: number) => new Date(T0.getTime() + h * 3600_000);
const deps = (now: Date) => engineDeps(db, t.sql, new FakeGateway(), now);

beforeEach(async () => {
  await db.delete(reportExecutions);
});

async function scheduleWithReport() {
  const instance = await makeInstance(db, { instanceId: `amcabc${Math.random().toString(36).slice(2, 8)}` });
  const report = await makeReport(db, { instanceId: instance.id });
  const schedule = await makeSchedule(db, report.id, { cronExpression: "0 * * * *", scheduleType: "custom", nextRunAt: hour(100) });
  return { instance, report, schedule };
}

/** A finished scheduled run of slot `h` (hours after T0). */
const finished = (reportUuid: string, scheduleUuid: string, h: number, status: ExecutionStatus, errorMessage?: string) =>
  makeExecution(db, reportUuid, {
    triggeredBy: "schedule",
    scheduleId: scheduleUuid,
    scheduledFor: hour(h),
    status,
    startedAt: hour(h),
    completedAt: new Date(hour(h).getTime() + 600_000),
    errorMessage: errorMessage ?? null,
  });

const scheduleOf = async (id: string) => (await db.select().from(reportSchedules).where(eq(reportSchedules.id, id)))[0]!;

describe("schedules learn", () => {
  it("counts finished runs once: run_count, last run, consecutive failures; a success resets", async () => {
    const { report, schedule } = await scheduleWithReport();
    await finished(report.id, schedule.id, 0, "completed");
    await finished(report.id, schedule.id, 1, "failed", "AMC rejected the query: boom");
    await finished(report.id, schedule.id, 2, "failed", "AMC rejected the query: boom");
    // Still running: not counted yet.
    await makeExecution(db, report.id, { triggeredBy: "schedule", scheduleId: schedule.id, scheduledFor: hour(3), status: "running" });
    expect(await recordOutcomes(deps(hour(4)))).toMatchObject({ counted: 3, succeeded: 1, failed: 2, autoPaused: 0 });
    expect(await scheduleOf(schedule.id)).toMatchObject({ runCount: 3, failureCount: 2, lastRunStatus: "failed", lastRunAt: hour(2), isPaused: false });

    // Counted once: another pass changes nothing.
    expect(await recordOutcomes(deps(hour(4)))).toMatchObject({ counted: 0 });
    expect(await scheduleOf(schedule.id)).toMatchObject({ runCount: 3, failureCount: 2 });

    await finished(report.id, schedule.id, 5, "completed");
    await recordOutcomes(deps(hour(6)));
    expect(await scheduleOf(schedule.id)).toMatchObject({ runCount: 4, failureCount: 0, lastRunStatus: "completed", lastRunAt: hour(5) });
    // Every counted run carries its stamp.
    const stamped = await db.select().from(reportExecutions).where(eq(reportExecutions.scheduleId, schedule.id));
    expect(stamped.filter((r) => r.status !== "running").every((r) => r.scheduleOutcomeRecordedAt !== null)).toBe(true);
    expect(stamped.find((r) => r.status === "running")?.scheduleOutcomeRecordedAt).toBeNull();
  });

  it("a cancelled run neither counts as a failure nor resets the count", async () => {
    const { report, schedule } = await scheduleWithReport();
    await finished(report.id, schedule.id, 0, "failed", "x");
    await finished(report.id, schedule.id, 1, "cancelled");
    await recordOutcomes(deps(hour(2)));
    expect(await scheduleOf(schedule.id)).toMatchObject({ runCount: 2, failureCount: 1, lastRunStatus: "cancelled" });
  });

  it("after 3 consecutive failures (the default) the schedule pauses itself with the cause, visible in the overview's state", async () => {
    const { report, schedule, instance } = await scheduleWithReport();
    const reason = `AMC returned 403 for ${instance.instanceId}: this connection has no access to the instance. An admin must grant it in Amazon Ads.`;
    for (let h = 0; h < 2; h++) await finished(report.id, schedule.id, h, "failed", reason);
    await recordOutcomes(deps(hour(2)));
    expect(await scheduleOf(schedule.id)).toMatchObject({ failureCount: 2, isPaused: false });

    await finished(report.id, schedule.id, 2, "failed", reason);
    expect(await recordOutcomes(deps(hour(3)))).toMatchObject({ autoPaused: 1 });
    const s = await scheduleOf(schedule.id);
    expect(s).toMatchObject({ failureCount: 3, isPaused: true, nextRunAt: hour(100) });
    expect(s.pauseReason).toBe(
      `AMC returned 403 for ${instance.instanceId}: this connection has no access to the instance. An admin must grant it in Amazon Ads — paused after 3 consecutive failed runs. Resume it once the cause is fixed.`,
    );
    const [def] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(def?.schedulePaused).toBe(true);
  });

  it("the threshold is a setting", async () => {
    const { report, schedule } = await scheduleWithReport();
    for (let h = 0; h < 3; h++) await finished(report.id, schedule.id, h, "failed", "nope");
    await recordOutcomes(deps(hour(3)), { settings: { autoPauseAfterFailures: 5 } });
    expect(await scheduleOf(schedule.id)).toMatchObject({ isPaused: false, failureCount: 3 });
    for (let h = 3; h < 5; h++) await finished(report.id, schedule.id, h, "failed", "nope");
    await recordOutcomes(deps(hour(5)), { settings: { autoPauseAfterFailures: 5 } });
    expect(await scheduleOf(schedule.id)).toMatchObject({ isPaused: true, failureCount: 5 });
  });

  it("a success within the same batch as the failures resets the count: no pause", async () => {
    const { report, schedule } = await scheduleWithReport();
    for (let h = 0; h < 5; h++) await finished(report.id, schedule.id, h, "failed", "nope");
    await finished(report.id, schedule.id, 5, "completed");
    await recordOutcomes(deps(hour(6)));
    expect(await scheduleOf(schedule.id)).toMatchObject({ isPaused: false, failureCount: 0, runCount: 6 });
  });

  it("manual runs are not the schedule's business", async () => {
    const { report, schedule } = await scheduleWithReport();
    await makeExecution(db, report.id, { triggeredBy: "manual", status: "failed", completedAt: hour(1) });
    expect(await recordOutcomes(deps(hour(2)))).toMatchObject({ counted: 0 });
    expect(await scheduleOf(schedule.id)).toMatchObject({ runCount: 0, failureCount: 0 });
  });
});

describe("many servers at once", () => {
  const servers = manyServers(t.url, 10);

  it("10 concurrent passes count each of 600 runs of 60 schedules exactly once", async () => {
    const worlds = [];
    for (let i = 0; i < 60; i++) worlds.push(await scheduleWithReport());
    // Ten runs per schedule: 4 failures, then a success, then 5 failures (pauses at the 5th).
    await db.execute(dsql`
      INSERT INTO report_executions (execution_id, report_id, triggered_by, schedule_id, scheduled_for, status, started_at, completed_at, error_message)
      SELECT 'exec_c' || substr(md5(s.id::text || g), 1, 12), s.report_id, 'schedule', s.id,
             ${T0.toISOString()}::timestamptz + g * interval '1 hour',
             CASE WHEN g = 4 THEN 'completed' ELSE 'failed' END,
             ${T0.toISOString()}::timestamptz + g * interval '1 hour',
             ${T0.toISOString()}::timestamptz + g * interval '1 hour' + interval '10 minutes',
             CASE WHEN g = 4 THEN NULL ELSE 'AMC rejected the query: run ' || g END
        FROM report_schedules s, generate_series(0, 9) AS g
       WHERE s.id IN (${dsql.join(worlds.map((w) => dsql`${w.schedule.id}::uuid`), dsql`, `)})`);
    const results = await Promise.all(
      servers.pools.map((_, i) =>
        recordOutcomes(servers.deps(i, new FakeGateway(), hour(20)), { settings: { outcomesBatch: 4 } }),
      ),
    );
    expect(results.reduce((n, r) => n + r.counted, 0)).toBe(600);
    expect(results.reduce((n, r) => n + r.autoPaused, 0)).toBe(60);
    expect(results.filter((r) => r.counted > 0).length).toBeGreaterThan(1);
    for (const w of worlds) {
      expect(await scheduleOf(w.schedule.id)).toMatchObject({
        runCount: 10,
        failureCount: 5,
        lastRunStatus: "failed",
        lastRunAt: hour(9),
        isPaused: true,
      });
    }
  });
});
