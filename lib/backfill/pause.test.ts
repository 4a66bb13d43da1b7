import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, reportDataCollections, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { FakeGateway } from "../../test/fake-gateway";
import { backfillWorld } from "../../test/backfill-world";
import { secondsAfter } from "../../test/scheduler-world";
import { silentLogger, type EngineDeps } from "../engine/deps";
import { runTick } from "../engine/tick";
import { submitPending } from "../executions/submit";
import { retryFailedSegments, startBackfill } from "./backfills";
import { pauseBackfill, resumeBackfill } from "./pause";
import { backfillProgress } from "./progress";

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2026-11-25T15:00:00Z");
const at = secondsAfter(T0);

const deps = (gw: FakeGateway, now: Date): EngineDeps => ({
  db,
  sql: t.sql,
  gateways: async () => gw,
  now,
  log: silentLogger,
  settings: { maxRunningPerInstance: 10 },
});

const statusOf = async (collectionId: string) =>
  (await db.select({ status: reportDataCollections.status }).from(reportDataCollections).where(eq(reportDataCollections.collectionId, collectionId)))[0]!.status;

const countBy = async (collectionId: string, status: "pending" | "running" | "completed") => {
  const [c] = await db.select().from(reportDataCollections).where(eq(reportDataCollections.collectionId, collectionId));
  return (await db.select().from(reportExecutions).where(and(eq(reportExecutions.collectionId, c!.id), eq(reportExecutions.status, status)))).length;
};

describe("pause and resume a backfill", () => {
  it("a paused backfill's pending segments are not submitted; the running ones finish; resume continues", async () => {
    const w = await backfillWorld(db, { instanceType: "SANDBOX" });
    const started = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 70, segmentType: "weekly" }, T0);
    expect(started.totalSegments).toBe(10);
    const ref = { reportId: w.report.reportId, collectionId: started.collectionId };
    const gw = new FakeGateway();
    gw.defaultStatuses = ["RUNNING", "SUCCEEDED"];

    // One pass: half the slots (5 of 10) go to the backfill.
    await submitPending(deps(gw, at(1)));
    expect(gw.submits).toHaveLength(5);

    expect(await pauseBackfill(db, w.member, ref, at(2))).toEqual({ collectionId: started.collectionId, status: "paused" });
    expect(await statusOf(started.collectionId)).toBe("paused");

    // Many ticks while paused: the 5 at AMC finish and are stored, nothing new reaches AMC, and
    // the status refresh leaves the backfill paused.
    for (let s = 3; s < 60; s += 3) await runTick(deps(gw, at(s)), { budgetMs: 30_000 });
    expect(gw.submits).toHaveLength(5);
    expect(await countBy(started.collectionId, "completed")).toBe(5);
    expect(await countBy(started.collectionId, "pending")).toBe(5);
    expect(await statusOf(started.collectionId)).toBe("paused");

    // Another report's manual run on the same instance is not held up by the paused backfill.
    const other = await w.makeOne();
    await db.insert(reportExecutions).values({
      executionId: "exec_pauseother",
      reportId: other.id,
      instanceId: w.instance.id,
      triggeredBy: "manual",
      status: "pending",
      renderedSql: "SELECT 1",
      timeWindowStart: new Date("2026-10-01T04:00:00Z"),
      timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
      timeWindowTimezone: "America/New_York",
    });
    await submitPending(deps(gw, at(61)));
    expect(gw.submits).toHaveLength(6);

    // Pausing twice is refused plainly; resuming continues with the rest.
    await expect(pauseBackfill(db, w.member, ref, at(62))).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await resumeBackfill(db, w.member, ref, at(63))).toEqual({ collectionId: started.collectionId, status: "running" });
    for (let s = 64; s < 200 && (await statusOf(started.collectionId)) !== "completed"; s += 3) await runTick(deps(gw, at(s)), { budgetMs: 30_000 });
    expect(await statusOf(started.collectionId)).toBe("completed");
    expect(await countBy(started.collectionId, "completed")).toBe(10);
    const [c] = await db.select().from(reportDataCollections).where(eq(reportDataCollections.collectionId, started.collectionId));
    expect((await backfillProgress(db, { collectionUuid: c!.id }))[0]).toMatchObject({ done: 10, total: 10 });
    // Each window went to AMC exactly once.
    const windows = gw.submits.filter((x) => x.timeWindow.start !== "2026-10-01T00:00:00").map((x) => x.timeWindow.start);
    expect(new Set(windows).size).toBe(10);
    await expect(resumeBackfill(db, w.member, ref, at(300))).rejects.toMatchObject({ code: "CONFLICT" });

    const actions = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, started.collectionId));
    expect(actions.map((a) => a.action).sort()).toEqual(["backfill.pause", "backfill.resume", "backfill.start"]);
  });

  it("someone without access to the instance gets not found and changes nothing", async () => {
    const w = await backfillWorld(db);
    const started = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 14, segmentType: "weekly" }, T0);
    const ref = { reportId: w.report.reportId, collectionId: started.collectionId };
    await expect(pauseBackfill(db, w.stranger, ref, at(1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(pauseBackfill(db, w.member, { ...ref, collectionId: "col_nosuchthing" }, at(1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await statusOf(started.collectionId)).toBe("running");
  });

  it("retrying failed segments of a paused backfill keeps it paused", async () => {
    const w = await backfillWorld(db);
    const started = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 14, segmentType: "weekly" }, T0);
    const ref = { reportId: w.report.reportId, collectionId: started.collectionId };
    const [c] = await db.select().from(reportDataCollections).where(eq(reportDataCollections.collectionId, started.collectionId));
    await db.update(reportExecutions).set({ status: "failed", completedAt: at(1) }).where(eq(reportExecutions.collectionId, c!.id));
    await pauseBackfill(db, w.member, ref, at(2));
    expect(await retryFailedSegments(db, w.member, ref, at(3))).toMatchObject({ retried: 2, status: "paused" });
    expect(await statusOf(started.collectionId)).toBe("paused");
    const gw = new FakeGateway();
    await submitPending(deps(gw, at(4)));
    // (Other tests' backfills on their own instances may be sent; this one's segments are not.)
    expect(gw.submits.filter((x) => x.instanceId === w.instance.instanceId)).toHaveLength(0);
  });
});
