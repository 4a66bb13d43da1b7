import { and, count, eq, isNotNull, like, sql as dsql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { FakeGateway } from "../../test/fake-gateway";
import { engineDeps } from "../../test/scheduler-world";
import { dashboardWidgets, executionResults, reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
import { instanceScope } from "../../db/queries/access";
import { listAllRuns } from "../../db/queries/runs";
import { listReportsOverview } from "../reports/overview";
import { parseOverviewQuery } from "../reports/overview-query";
import { nextRunAfter } from "../scheduler/cron";
import { recordOutcomes } from "../scheduler/outcomes";
import { DEMO_ADMIN } from "../config/demo";
import { SAMPLE_REPORTS, pastSlots, seed } from "./seed";

// A Wednesday afternoon: the weekly (Monday), daily and monthly demo schedules all have past slots.
const NOW = new Date("2026-03-18T15:30:00Z");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("demo data is consistent", async () => {
  const t = await freshDatabase();
  const { db } = t;
  await seed(db, NOW);
  const [admin] = await db.execute<{ id: string; email: string; name: string; role: "admin" }>(
    dsql`SELECT id, email, name, role FROM users WHERE email = ${DEMO_ADMIN.email}`,
  );
  const viewer = { id: admin!.id, email: admin!.email, name: admin!.name, role: admin!.role };

  async function snapshot() {
    const runs = await db
      .select({ reportId: reportDefinitions.reportId, n: count(reportExecutions.id) })
      .from(reportDefinitions)
      .leftJoin(reportExecutions, eq(reportExecutions.reportId, reportDefinitions.id))
      .groupBy(reportDefinitions.reportId)
      .orderBy(reportDefinitions.reportId);
    const [results] = await db.select({ n: count() }).from(executionResults);
    const schedules = await db.select().from(reportSchedules).orderBy(reportSchedules.scheduleId);
    return { runs, results: results!.n, schedules: schedules.map((s) => [s.scheduleId, s.runCount, s.failureCount, s.isPaused, s.nextRunAt?.toISOString()]) };
  }

  it("counts the same runs on the overview, the runs list and each schedule card", async () => {
    const overview = await listReportsOverview(db, viewer, parseOverviewQuery({ size: "100" }));
    const scope = await instanceScope(db, viewer);
    expect(overview.rows.map((r) => r.reportId).sort()).toEqual(SAMPLE_REPORTS.map((r) => r.reportId));
    for (const row of overview.rows) {
      const sample = SAMPLE_REPORTS.find((r) => r.reportId === row.reportId)!;
      const listed = await listAllRuns(db, scope, { page: 1, pageSize: 100, sort: "created", dir: "desc", report: row.reportId });
      expect(row.executionCount, row.reportId).toBe(sample.runs.length);
      expect(listed.total, row.reportId).toBe(sample.runs.length);
    }
    // A schedule's "Runs" counts its finished runs; the engine will not count them again.
    for (const s of await db.select().from(reportSchedules)) {
      const [finished] = await db
        .select({ n: count() })
        .from(reportExecutions)
        .where(and(eq(reportExecutions.scheduleId, s.id), dsql`${reportExecutions.status} IN ('completed', 'failed', 'cancelled')`));
      expect(s.runCount, s.scheduleId).toBe(finished!.n);
    }
    const before = await snapshot();
    expect(await recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), NOW))).toMatchObject({ counted: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it("stores a result for every completed run, through the ingest, and gives its report a dashboard", async () => {
    const completed = await db
      .select({
        executionId: reportExecutions.executionId,
        id: reportExecutions.id,
        rowCount: reportExecutions.rowCount,
        followedUpAt: reportExecutions.followedUpAt,
        stored: executionResults.rowCount,
        columns: executionResults.columns,
        windowStart: executionResults.windowStart,
        dashboardId: reportDefinitions.dashboardId,
      })
      .from(reportExecutions)
      .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
      .leftJoin(executionResults, eq(executionResults.executionId, reportExecutions.id))
      .where(eq(reportExecutions.status, "completed"));
    // 3 weekly, 2 daily, 1 monthly, 1 once.
    expect(completed).toHaveLength(7);
    for (const run of completed) {
      expect(run.stored, run.executionId).toBeGreaterThan(0);
      expect(run.rowCount, run.executionId).toBe(run.stored);
      expect(run.columns, run.executionId).toBeTruthy();
      expect(run.windowStart, run.executionId).not.toBeNull();
      expect(run.dashboardId, run.executionId).not.toBeNull();
      expect(run.followedUpAt, run.executionId).not.toBeNull();
      const [widgets] = await db.select({ n: count() }).from(dashboardWidgets).where(eq(dashboardWidgets.dashboardId, run.dashboardId!));
      expect(widgets!.n).toBeGreaterThan(0);
    }
    // A daily report's window is one day: 3 demo campaigns, one row each.
    const daily = completed.find((r) => r.executionId === "exec_demo02001")!;
    expect(daily.stored).toBe(3);
    // A weekly one covers 7 days.
    expect(completed.find((r) => r.executionId === "exec_demo01001")!.stored).toBe(21);
  });

  it("shows each failed run's AMC id, or says it was never submitted and why", async () => {
    const failed = await db.select().from(reportExecutions).where(eq(reportExecutions.status, "failed"));
    expect(failed.length).toBeGreaterThanOrEqual(5);
    for (const run of failed) {
      expect(run.errorMessage, run.executionId).toBeTruthy();
      if (run.amcExecutionId) {
        expect(run.amcExecutionId).toMatch(UUID);
        expect(run.submittedAt).not.toBeNull();
      } else {
        expect(run.errorMessage).toMatch(/^Never submitted: .{20,}/);
        expect(run.startedAt).toBeNull();
      }
    }
    expect(failed.some((r) => r.amcExecutionId === null)).toBe(true);
  });

  it("promises only next runs the cron has, and its past runs sit on consecutive cron slots (nothing skipped)", async () => {
    const schedules = await db.select().from(reportSchedules);
    expect(schedules).toHaveLength(3);
    for (const s of schedules) {
      expect(s.nextRunAt!.getTime(), s.scheduleId).toBe(nextRunAfter(s.cronExpression, s.timezone, NOW).getTime());
      const [copy] = await db.select({ next: reportDefinitions.nextRunAt, paused: reportDefinitions.schedulePaused }).from(reportDefinitions).where(eq(reportDefinitions.id, s.reportId!));
      expect(copy!.next?.getTime()).toBe(s.nextRunAt!.getTime());
      expect(copy!.paused).toBe(s.isPaused);
      const runs = await db
        .select({ scheduledFor: reportExecutions.scheduledFor, createdAt: reportExecutions.createdAt, zone: reportExecutions.timeWindowTimezone })
        .from(reportExecutions)
        .where(eq(reportExecutions.scheduleId, s.id))
        .orderBy(reportExecutions.scheduledFor);
      const slots = pastSlots(s.cronExpression, s.timezone, NOW, runs.length).map((d) => d.toISOString());
      expect(runs.map((r) => r.scheduledFor!.toISOString()), s.scheduleId).toEqual(slots);
      // The slot after the newest run is the promised next run: no slot in between went missing.
      expect(nextRunAfter(s.cronExpression, s.timezone, runs.at(-1)!.scheduledFor!).getTime()).toBe(s.nextRunAt!.getTime());
      for (const r of runs) expect(r.zone).toBe(s.timezone);
    }
    const paused = schedules.find((s) => s.isPaused)!;
    expect(paused.failureCount).toBe(3);
    expect(paused.pauseReason).toMatch(/paused after 3 consecutive failed runs/);
  });

  it("seeding again changes nothing", async () => {
    const before = await snapshot();
    await seed(db, new Date(NOW.getTime() + 3_600_000));
    expect(await snapshot()).toEqual(before);
    const [unfollowed] = await db
      .select({ n: count() })
      .from(reportExecutions)
      .where(and(like(reportExecutions.executionId, "exec\\_demo%"), eq(reportExecutions.status, "completed"), isNotNull(reportExecutions.followedUpAt)));
    expect(unfollowed!.n).toBe(7);
  });
});
