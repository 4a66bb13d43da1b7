import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeUser } from "../../test/factories";
import { newYorkCampaignsWorld } from "../../test/scheduler-world";
import { runReportNow } from "./create";
import { recipeOf, rerunExecution, runRecipe, scheduleFromRun } from "./rerun";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T15:00:00Z");
const later = new Date("2026-12-20T15:00:00Z");

const world = () =>
  newYorkCampaignsWorld(db, ["c1", "c2"], {
    sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) GROUP BY 1",
  });

const finish = (id: string) => db.update(reportExecutions).set({ status: "completed", completedAt: now }).where(eq(reportExecutions.id, id));

/** A fresh world whose report ran once now (idempotency key `key`) and completed. */
async function finishedRun(key: string) {
  const w = await world();
  const { execution } = await runReportNow(db, w.member, { reportId: w.report.reportId, idempotencyKey: key }, now);
  await finish(execution.id);
  return { ...w, execution };
}

describe("Re-run same window", () => {
  it("makes a manual run over exactly the run's days and values, weeks later, even after the report changed", async () => {
    const { member, report, execution: first } = await finishedRun("first");
    // The report moves on: other campaigns, another window length.
    await db.update(reportDefinitions).set({ parameters: { campaigns: ["c9"] }, windowSpec: { kind: "last_days", n: 7 } }).where(eq(reportDefinitions.id, report.id));

    const ref = { reportId: report.reportId, executionId: first.executionId };
    const { execution: again, created } = await rerunExecution(db, member, { ...ref, idempotencyKey: "again" }, later);
    expect(created).toBe(true);
    expect(again).toMatchObject({
      triggeredBy: "manual",
      status: "pending",
      userId: member.id,
      timeWindowStart: first.timeWindowStart,
      timeWindowEnd: first.timeWindowEnd,
      timeWindowTimezone: "America/New_York",
      renderedSql: first.renderedSql,
    });
    expect(again.executionId).not.toBe(first.executionId);
    expect(again.parametersSnapshot).toMatchObject({ values: { campaigns: ["c1", "c2"] }, window: { kind: "absolute", start: "2026-10-12", end: "2026-11-10" } });

    // The same key again (double click, retried request) is the same run.
    const replay = await rerunExecution(db, member, { ...ref, idempotencyKey: "again" }, later);
    expect(replay).toMatchObject({ created: false, execution: { id: again.id } });
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(2);
  });

  it("refuses unfinished runs, foreign callers and a run addressed under another report", async () => {
    const { member, report } = await world();
    const { execution } = await runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "p" }, now);
    const ref = { reportId: report.reportId, executionId: execution.executionId };
    await expect(rerunExecution(db, member, { ...ref, idempotencyKey: "k" }, now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await finish(execution.id);
    const stranger = await makeUser(db);
    await expect(rerunExecution(db, stranger, { ...ref, idempotencyKey: "k" }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const other = await world();
    await expect(rerunExecution(db, other.member, { reportId: other.report.reportId, executionId: execution.executionId, idempotencyKey: "k" }, now)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(1);
  });

  it("refuses when the report's zone changed, instead of shifting the window", async () => {
    const { member, report, execution } = await finishedRun("z");
    await db.update(reportDefinitions).set({ timezone: "UTC" }).where(eq(reportDefinitions.id, report.id));
    await expect(
      rerunExecution(db, member, { reportId: report.reportId, executionId: execution.executionId, idempotencyKey: "z2" }, now),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("Schedule this", () => {
  const weekly = { preset: "weekly" as const, time: "03:00", weekday: 1, timezone: "America/New_York" };

  it("a run with its own window and values: the schedule overrides only what differs and the report takes the run's length", async () => {
    const { member, report } = await world();
    const { execution } = await runReportNow(
      db,
      member,
      { reportId: report.reportId, idempotencyKey: "own", window: { kind: "absolute", start: "2026-10-01", end: "2026-10-14" }, valueOverrides: { campaigns: ["c7"] } },
      now,
    );
    await finish(execution.id);
    const ref = { reportId: report.reportId, executionId: execution.executionId };
    const recipe = await runRecipe(db, member, ref);
    expect(recipe).toMatchObject({ days: 14, firstDay: "2026-10-01", lastDay: "2026-10-14", windowChanges: true, changedValues: { campaigns: ["c7"] } });

    const schedule = await scheduleFromRun(db, member, { ...ref, schedule: weekly }, now);
    expect(schedule).toMatchObject({ cronExpression: "0 3 * * 1", timezone: "America/New_York", defaultParameters: { campaigns: ["c7"] } });
    const [saved] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(saved!.windowSpec).toEqual({ kind: "last_days", n: 14 });

    // One schedule per report: a second Schedule this is refused and changes nothing.
    await expect(scheduleFromRun(db, member, { ...ref, schedule: weekly }, now)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id))).toHaveLength(1);
  });

  it("a run of the report's own window and values: the report's window stays, no overrides", async () => {
    const { member, report, execution } = await finishedRun("same");
    const [row] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    const [run] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, execution.id));
    expect(recipeOf(row!, run!)).toMatchObject({ days: 30, windowChanges: false, changedValues: {}, scheduleWindow: { kind: "last_days", n: 30 } });
    const schedule = await scheduleFromRun(db, member, { reportId: report.reportId, executionId: execution.executionId, schedule: weekly }, now);
    expect(schedule.defaultParameters).toEqual({});
    const [saved] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(saved!.windowSpec).toEqual({ kind: "last_days", n: 30 });
  });

  it("a stranger gets not found and no schedule is made", async () => {
    const { report, execution } = await finishedRun("s");
    const stranger = await makeUser(db);
    await expect(
      scheduleFromRun(db, stranger, { reportId: report.reportId, executionId: execution.executionId, schedule: weekly }, now),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id))).toHaveLength(0);
  });
});
