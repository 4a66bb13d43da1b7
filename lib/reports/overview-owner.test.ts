import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { reportDefinitions, reportExecutions, reportSchedules, type ExecutionStatus } from "../../db/schema";
import { asSessionUser, grant, makeDashboard, makeInstance, makeReport, makeTemplate, makeUser } from "../../test/factories";
import { overviewHref, parseOverviewQuery } from "./overview-query";
import { RECENT_RUNS, listOwnersForFilter, listReportsOverview, successRate } from "./overview";

const BASE = Date.parse("2025-03-01T12:00:00Z");
const MINUTE = 60_000;

describe("the overview's owner filter, success rate and row-action ids", async () => {
  const { db } = await freshDatabase();
  const admin = asSessionUser(await makeUser(db, { email: "admin@example.com", name: "Ada Admin", role: "admin" }));
  const owner = asSessionUser(await makeUser(db, { email: "owner@example.com", name: "Olga Owner" }));
  const otherRow = await makeUser(db, { email: "other@example.com", name: "Otto Other" });
  const inst = await makeInstance(db, { instanceId: "amcowner01", instanceName: "Client", instanceType: "STANDARD" });
  await grant(db, owner.id, inst.id);
  await grant(db, otherRow.id, inst.id);
  const template = await makeTemplate(db, { templateId: "tpl_owner", name: "Performance" });
  const dash = await makeDashboard(db, { dashboardId: "dash_owner01", name: "Olga's board", ownerId: owner.id });

  async function report(reportId: string, ownerId: string, runs: ExecutionStatus[], extra: Partial<typeof reportDefinitions.$inferInsert> = {}) {
    const r = await makeReport(db, { reportId, name: reportId, templateId: template.id, instanceId: inst.id, ownerId, parameters: {}, ...extra });
    // Oldest first: the last status listed is the newest run.
    if (runs.length > 0) {
      await db.insert(reportExecutions).values(
        runs.map((status, i) => ({
          executionId: `exec_${reportId.slice(4)}${String(i).padStart(3, "0")}`,
          reportId: r.id,
          templateId: template.id,
          instanceId: inst.id,
          triggeredBy: "manual" as const,
          status,
          createdAt: new Date(BASE + i * MINUTE),
        })),
      );
    }
    return r;
  }

  // 25 runs: the 5 oldest failed, the newest RECENT_RUNS (20) completed, so only recent ones count.
  const longHistory = await report("rpt_ownlong1", owner.id, [...Array<ExecutionStatus>(5).fill("failed"), ...Array<ExecutionStatus>(20).fill("completed")], {
    dashboardId: dash.id,
  });
  // Pending and cancelled runs did not end in success or failure: 2 of 3 ended ones completed.
  const mixed = await report("rpt_ownmixd1", owner.id, ["completed", "failed", "cancelled", "completed", "pending"]);
  await report("rpt_ownnone1", owner.id, []);
  await report("rpt_othrrun1", otherRow.id, ["failed", "failed"]);
  await db.insert(reportSchedules).values([
    { scheduleId: "sch_ownmixd1", reportId: mixed.id, scheduleType: "daily", cronExpression: "0 3 * * *", timezone: "UTC", isActive: true },
    // An old, inactive schedule is not the one Pause / Resume acts on.
    { scheduleId: "sch_ownlongold", reportId: longHistory.id, scheduleType: "daily", cronExpression: "0 3 * * *", timezone: "UTC", isActive: false },
  ]);

  it("filters by owner, in the URL, and only that owner's reports match", async () => {
    const query = parseOverviewQuery({ owner: owner.id.toUpperCase(), sort: "name" });
    expect(query.owner).toBe(owner.id);
    expect(overviewHref(query)).toContain(`owner=${owner.id}`);
    const page = await listReportsOverview(db, admin, query);
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.reportId)).toEqual(["rpt_ownlong1", "rpt_ownmixd1", "rpt_ownnone1"]);
    expect(new Set(page.rows.map((r) => r.ownerName))).toEqual(new Set(["Olga Owner"]));
    // Not a uuid: ignored, as every bad URL part is.
    expect(parseOverviewQuery({ owner: "olga" }).owner).toBeUndefined();
    // Combined with the instance scope of a member, it never widens it.
    const otherViewer = asSessionUser(otherRow);
    expect((await listReportsOverview(db, otherViewer, query)).total).toBe(3);
    const unknownOwner = parseOverviewQuery({ owner: "00000000-0000-4000-8000-000000000000" });
    expect((await listReportsOverview(db, admin, unknownOwner)).total).toBe(0);
  });

  it("gives each row its recent success rate, schedule and dashboard ids", async () => {
    const page = await listReportsOverview(db, admin, parseOverviewQuery({ sort: "name", size: "100" }));
    const byId = new Map(page.rows.map((r) => [r.reportId, r]));
    const long = byId.get("rpt_ownlong1")!;
    expect(RECENT_RUNS).toBe(20);
    expect([long.recentCompleted, long.recentFinished]).toEqual([20, 20]);
    expect(successRate(long)).toBe(1);
    expect(long.executionCount).toBe(25);
    expect(long.dashboardId).toBe("dash_owner01");
    expect(long.scheduleId).toBeNull();

    const mixedRow = byId.get("rpt_ownmixd1")!;
    expect([mixedRow.recentCompleted, mixedRow.recentFinished]).toEqual([2, 3]);
    expect(successRate(mixedRow)).toBeCloseTo(2 / 3);
    expect(mixedRow.scheduleId).toBe("sch_ownmixd1");
    expect(mixedRow.dashboardId).toBeNull();

    const none = byId.get("rpt_ownnone1")!;
    expect([none.recentCompleted, none.recentFinished]).toEqual([0, 0]);
    expect(successRate(none)).toBeNull();
    expect(successRate(byId.get("rpt_othrrun1")!)).toBe(0);
  });

  it("offers admins every user as an owner, members none", async () => {
    expect((await listOwnersForFilter(db, admin)).map((o) => o.name)).toEqual(["Ada Admin", "Olga Owner", "Otto Other"]);
    expect(await listOwnersForFilter(db, owner)).toEqual([]);
  });
});
