import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import {
  grant,
  makeDashboard,
  makeExecution,
  makeInstance,
  makeReport,
  makeSchedule,
  makeTemplate,
  makeUser,
} from "../../test/factories";
import { pgError } from "../../test/pg-error";
import {
  dashboardFavorites,
  dashboards,
  queryTemplates,
  reportDataCollections,
  reportDefinitions,
  reportExecutions,
  reportRunsOverview,
  reportSchedules,
  users,
  amcInstances,
} from "./index";

const { db } = await freshDatabase();

async function world() {
  const owner = await makeUser(db);
  const instance = await makeInstance(db);
  const template = await makeTemplate(db);
  const report = await makeReport(db, { ownerId: owner.id, instanceId: instance.id, templateId: template.id });
  return { owner, instance, template, report };
}

describe("report_schedules: one active schedule per report", () => {
  it("rejects a second active schedule, allows inactive ones", async () => {
    const { report } = await world();
    await makeSchedule(db, report.id);
    expect(await pgError(makeSchedule(db, report.id))).toEqual({
      code: "23505",
      constraint: "uq_report_schedules_one_active_per_report",
    });
    await makeSchedule(db, report.id, { isActive: false });
    await makeSchedule(db, report.id, { isActive: false });
    const rows = await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id));
    expect(rows).toHaveLength(3);
  });
});

describe("update_updated_at_column triggers", () => {
  it("fire on report_definitions, report_executions and report_schedules", async () => {
    const { report } = await world();
    const old = new Date("2000-01-01T00:00:00Z");
    await db.update(reportDefinitions).set({ name: "x" }).where(eq(reportDefinitions.id, report.id));
    const exec = await makeExecution(db, report.id, { updatedAt: old });
    const sched = await makeSchedule(db, report.id, { updatedAt: old });
    const [before] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, exec.id));
    expect(before?.updatedAt).toEqual(old);

    await db.execute(sql`UPDATE report_definitions SET updated_at = ${old.toISOString()} WHERE id = ${report.id}`);
    const [defAfterForcedOld] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    // The trigger overrides even an explicit updated_at: it is always the time of the update.
    expect(defAfterForcedOld!.updatedAt!.getTime()).toBeGreaterThan(old.getTime());

    await db.update(reportExecutions).set({ errorMessage: "e" }).where(eq(reportExecutions.id, exec.id));
    await db.update(reportSchedules).set({ cronExpression: "0 3 * * *" }).where(eq(reportSchedules.id, sched.id));
    const [e] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, exec.id));
    const [s] = await db.select().from(reportSchedules).where(eq(reportSchedules.id, sched.id));
    const recent = Date.now() - 60_000;
    expect(e!.updatedAt!.getTime()).toBeGreaterThan(recent);
    expect(s!.updatedAt!.getTime()).toBeGreaterThan(recent);
  });
});

describe("report_runs_overview", () => {
  it("returns the latest started execution and the report's state", async () => {
    const { report, owner } = await world();
    await makeExecution(db, report.id, { status: "completed", startedAt: new Date("2026-01-01T00:00:00Z") });
    await makeExecution(db, report.id, { status: "failed", startedAt: new Date("2026-03-01T00:00:00Z") });
    await makeExecution(db, report.id, { status: "running", startedAt: new Date("2026-02-01T00:00:00Z") });
    await makeExecution(db, report.id, { status: "pending" }); // not started: NULLS LAST
    const [row] = await db.select().from(reportRunsOverview).where(eq(reportRunsOverview.reportUuid, report.id));
    expect(row).toMatchObject({
      latestStatus: "failed",
      lastRunAt: new Date("2026-03-01T00:00:00Z"),
      state: "active",
      executionCount: 4,
      ownerEmail: owner.email,
      isFavorite: false,
    });

    const sched = await makeSchedule(db, report.id, { nextRunAt: new Date("2030-01-01T00:00:00Z") });
    let [r2] = await db.select().from(reportRunsOverview).where(eq(reportRunsOverview.reportUuid, report.id));
    expect(r2).toMatchObject({ state: "active", nextRunAt: new Date("2030-01-01T00:00:00Z") });
    await db.update(reportSchedules).set({ isPaused: true }).where(eq(reportSchedules.id, sched.id));
    [r2] = await db.select().from(reportRunsOverview).where(eq(reportRunsOverview.reportUuid, report.id));
    expect(r2?.state).toBe("paused");
    await db.update(reportSchedules).set({ isPaused: false, isActive: false }).where(eq(reportSchedules.id, sched.id));
    await db.update(reportDefinitions).set({ isActive: false }).where(eq(reportDefinitions.id, report.id));
    [r2] = await db.select().from(reportRunsOverview).where(eq(reportRunsOverview.reportUuid, report.id));
    expect(r2).toMatchObject({ state: "inactive", nextRunAt: null });
  });

  it("marks is_favorite when the owner starred the report's dashboard", async () => {
    const { report, owner } = await world();
    const dash = await makeDashboard(db, { ownerId: owner.id });
    await db.update(reportDefinitions).set({ dashboardId: dash.id }).where(eq(reportDefinitions.id, report.id));
    await db.insert(dashboardFavorites).values({ dashboardId: dash.id, userId: owner.id });
    const [row] = await db.select().from(reportRunsOverview).where(eq(reportRunsOverview.reportUuid, report.id));
    expect(row?.isFavorite).toBe(true);
    expect(await pgError(db.insert(dashboardFavorites).values({ dashboardId: dash.id, userId: owner.id }))).toEqual({
      code: "23505",
      constraint: "dashboard_favorites_dashboard_id_user_id_key",
    });
  });
});

describe("the overview's indexed copies stay true (triggers)", () => {
  it("track inserts, status changes, deletes and schedule changes", async () => {
    const { report } = await world();
    const get = async () => (await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id)))[0]!;
    const e1 = await makeExecution(db, report.id, { status: "completed", startedAt: new Date("2026-01-01T00:00:00Z") });
    const e2 = await makeExecution(db, report.id);
    expect(await get()).toMatchObject({ executionCount: 2, lastExecutionId: e2.id, lastStatus: "pending", lastRunAt: new Date("2026-01-01T00:00:00Z") });
    await db.update(reportExecutions).set({ status: "running", startedAt: new Date("2026-02-01T00:00:00Z") }).where(eq(reportExecutions.id, e2.id));
    expect(await get()).toMatchObject({ lastStatus: "running", lastRunAt: new Date("2026-02-01T00:00:00Z") });
    // An older execution changing does not steal "latest".
    await db.update(reportExecutions).set({ status: "failed" }).where(eq(reportExecutions.id, e1.id));
    expect(await get()).toMatchObject({ lastStatus: "running", lastExecutionId: e2.id });
    await db.delete(reportExecutions).where(eq(reportExecutions.id, e2.id));
    expect(await get()).toMatchObject({ executionCount: 1, lastExecutionId: e1.id, lastStatus: "failed", lastRunAt: new Date("2026-01-01T00:00:00Z") });

    const s = await makeSchedule(db, report.id, { nextRunAt: new Date("2031-01-01T00:00:00Z") });
    expect(await get()).toMatchObject({ nextRunAt: new Date("2031-01-01T00:00:00Z"), schedulePaused: false });
    await db.update(reportSchedules).set({ isPaused: true }).where(eq(reportSchedules.id, s.id));
    expect((await get()).schedulePaused).toBe(true);
    await db.delete(reportSchedules).where(eq(reportSchedules.id, s.id));
    expect(await get()).toMatchObject({ nextRunAt: null, schedulePaused: false });
  });
});

describe("ON DELETE rules", () => {
  it("deleting a report deletes its executions, schedules and collections", async () => {
    const { report, instance } = await world();
    await makeExecution(db, report.id);
    await makeSchedule(db, report.id);
    await db.insert(reportDataCollections).values({ collectionId: `col_${report.reportId}`, reportId: report.id, instanceId: instance.id });
    await db.delete(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(0);
    expect(await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id))).toHaveLength(0);
    expect(await db.select().from(reportDataCollections).where(eq(reportDataCollections.reportId, report.id))).toHaveLength(0);
  });

  it("deleting a schedule or collection keeps executions and nulls the link", async () => {
    const { report, instance } = await world();
    const sched = await makeSchedule(db, report.id);
    const [col] = await db.insert(reportDataCollections).values({ collectionId: `col_x${report.reportId}`, reportId: report.id, instanceId: instance.id }).returning();
    const e = await makeExecution(db, report.id, { scheduleId: sched.id, collectionId: col!.id, triggeredBy: "backfill" });
    await db.delete(reportSchedules).where(eq(reportSchedules.id, sched.id));
    await db.delete(reportDataCollections).where(eq(reportDataCollections.id, col!.id));
    const [after] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, e.id));
    expect(after).toMatchObject({ scheduleId: null, collectionId: null });
  });

  it("deleting a user cascades their reports and nulls them on other executions", async () => {
    const { report } = await world();
    const runner = await makeUser(db);
    const e = await makeExecution(db, report.id, { userId: runner.id });
    await db.delete(users).where(eq(users.id, runner.id));
    const [after] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, e.id));
    expect(after?.userId).toBeNull();

    const { report: r2, owner } = await world();
    await db.delete(users).where(eq(users.id, owner.id));
    expect(await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, r2.id))).toHaveLength(0);
  });

  it("a template in use cannot be deleted (RESTRICT); executions' template link is SET NULL", async () => {
    const { template, report } = await world();
    expect((await pgError(db.delete(queryTemplates).where(eq(queryTemplates.id, template.id)))).code).toBe("23503");
    const other = await makeTemplate(db);
    const e = await makeExecution(db, report.id, { templateId: other.id });
    await db.delete(queryTemplates).where(eq(queryTemplates.id, other.id));
    const [after] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, e.id));
    expect(after?.templateId).toBeNull();
  });

  it("deleting a dashboard nulls reports' dashboard_id and removes its favorites", async () => {
    const { report, owner } = await world();
    const dash = await makeDashboard(db);
    await db.update(reportDefinitions).set({ dashboardId: dash.id }).where(eq(reportDefinitions.id, report.id));
    await db.insert(dashboardFavorites).values({ dashboardId: dash.id, userId: owner.id });
    await db.delete(dashboards).where(eq(dashboards.id, dash.id));
    const [after] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(after?.dashboardId).toBeNull();
    expect(await db.select().from(dashboardFavorites).where(eq(dashboardFavorites.dashboardId, dash.id))).toHaveLength(0);
  });

  it("deleting an instance removes its reports and executions", async () => {
    const { report, instance } = await world();
    await makeExecution(db, report.id, { instanceId: instance.id });
    await db.delete(amcInstances).where(eq(amcInstances.id, instance.id));
    expect(await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id))).toHaveLength(0);
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.instanceId, instance.id))).toHaveLength(0);
  });
});

describe("CHECK constraints", () => {
  it("reject values outside the seed's vocabularies", async () => {
    const { report, instance, owner } = await world();
    const raw = (q: ReturnType<typeof sql>) => pgError(db.execute(q));
    expect(await raw(sql`UPDATE report_definitions SET frequency = 'hourly' WHERE id = ${report.id}`)).toEqual({ code: "23514", constraint: "report_definitions_frequency_check" });
    expect(await raw(sql`INSERT INTO report_executions (execution_id, report_id, triggered_by) VALUES ('exec_bad1', ${report.id}, 'cron')`)).toEqual({ code: "23514", constraint: "report_executions_triggered_by_check" });
    expect(await raw(sql`INSERT INTO report_executions (execution_id, report_id, triggered_by, status) VALUES ('exec_bad2', ${report.id}, 'manual', 'succeeded')`)).toEqual({ code: "23514", constraint: "report_executions_status_check" });
    expect(await raw(sql`INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression) VALUES ('sch_bad', ${report.id}, 'hourly', '0 * * * *')`)).toEqual({ code: "23514", constraint: "report_schedules_schedule_type_check" });
    expect(await raw(sql`INSERT INTO report_data_collections (collection_id, instance_id, segment_type) VALUES ('col_bad1', ${instance.id}, 'yearly')`)).toEqual({ code: "23514", constraint: "report_data_collections_segment_type_check" });
    expect(await raw(sql`INSERT INTO report_data_collections (collection_id, instance_id, max_lookback_days) VALUES ('col_bad2', ${instance.id}, 366)`)).toEqual({ code: "23514", constraint: "report_data_collections_max_lookback_days_check" });
    expect(await raw(sql`UPDATE users SET role = 'owner' WHERE id = ${owner.id}`)).toEqual({ code: "23514", constraint: "users_role_check" });
    expect(await raw(sql`UPDATE amc_instances SET instance_type = 'TEST' WHERE id = ${instance.id}`)).toEqual({ code: "23514", constraint: "amc_instances_instance_type_check" });
    // The boundary value is allowed.
    await db.execute(sql`INSERT INTO report_data_collections (collection_id, instance_id, max_lookback_days) VALUES ('col_ok', ${instance.id}, 365)`);
  });

  it("report_id and execution_id are unique", async () => {
    const { report } = await world();
    expect(await pgError(makeReport(db, { reportId: report.reportId }))).toEqual({ code: "23505", constraint: "report_definitions_report_id_key" });
  });
});

describe("access data", () => {
  it("grants are unique per (user, instance) and vanish with the instance", async () => {
    const u = await makeUser(db);
    const i = await makeInstance(db);
    await grant(db, u.id, i.id);
    expect((await pgError(grant(db, u.id, i.id))).code).toBe("23505");
  });
});
