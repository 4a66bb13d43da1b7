import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeUser } from "../../test/factories";
import { newYorkCampaignsWorld } from "../../test/scheduler-world";
import { AppError } from "../errors";
import { runReportNow } from "./create";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T15:00:00Z");

const world = () =>
  newYorkCampaignsWorld(db, ["c1", "c-2"], {
    sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) AND impression_date >= {{window_start}} GROUP BY 1",
    version: 3,
  });

describe("Run now", () => {
  it("renders afresh, resolves the window in the report's zone and snapshots everything", async () => {
    const { member, report, template } = await world();
    const { execution, created } = await runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "k1" }, now);
    expect(created).toBe(true);
    expect(execution).toMatchObject({
      status: "pending",
      triggeredBy: "manual",
      userId: member.id,
      templateId: template.id,
      templateVersion: 3,
      timeWindowTimezone: "America/New_York",
      // 30 days ending at local midnight 14 days before Nov 25 (EST, UTC−5).
      timeWindowStart: new Date("2026-10-12T04:00:00Z"),
      timeWindowEnd: new Date("2026-11-11T05:00:00Z"),
    });
    expect(execution.executionId).toMatch(/^exec_[0-9a-z]{10}$/);
    expect(execution.renderedSql).toBe(
      "SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions WHERE campaign_id_string IN ('c1', 'c-2') AND impression_date >= '2026-10-12 00:00:00' GROUP BY 1",
    );
    expect(execution.parametersSnapshot).toMatchObject({
      values: { campaigns: ["c1", "c-2"] },
      window: { kind: "last_days", n: 30 },
      resolvedWindow: { start: "2026-10-12T00:00:00", end: "2026-11-11T00:00:00", timeZone: "America/New_York", firstDay: "2026-10-12", lastDay: "2026-11-10", lagDays: 14 },
    });
  });

  it("a double click (same key) creates one execution, also when both requests race", async () => {
    const { member, report } = await world();
    const results = await Promise.all([1, 2, 3].map(() => runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "same" }, now)));
    expect(new Set(results.map((r) => r.execution.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(1);
  });

  it("a report on an instance not granted answers not found and creates nothing", async () => {
    const { report } = await world();
    const stranger = await makeUser(db);
    const attempt = runReportNow(db, stranger, { reportId: report.reportId, idempotencyKey: "x" }, now);
    await expect(attempt).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(runReportNow(db, stranger, { reportId: "rpt_nosuchthing", idempotencyKey: "x" }, now)).rejects.toBeInstanceOf(AppError);
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(0);
  });

  it("invalid stored parameters are a validation error listing the field, and nothing is queued", async () => {
    const { member, report } = await world();
    await db.execute(`UPDATE report_definitions SET parameters = '{"campaigns": []}' WHERE id = '${report.id}'`);
    await expect(runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "y" }, now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: { campaigns: ["Campaigns is required."] },
    });
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id))).toHaveLength(0);
  });
});
