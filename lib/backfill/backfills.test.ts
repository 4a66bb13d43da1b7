import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reportDataCollections, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { FakeGateway } from "../../test/fake-gateway";
import { silentLogger, type EngineDeps } from "../engine/deps";
import { submitPending } from "../executions/submit";
import { AppError } from "../errors";
import { cancelBackfill, previewBackfill, retryFailedSegments, startBackfill } from "./backfills";
import { backfillProgress } from "./progress";
import { refreshBackfills } from "./refresh";
import { backfillWorld } from "../../test/backfill-world";

const t = await freshDatabase();
const db = t.db;
// Product story 4: requested 2025-09-15 (New York), lag 14.
const NOW = new Date("2025-09-15T15:00:00Z");

const deps = (gw: FakeGateway, now = NOW): EngineDeps => ({ db, sql: t.sql, gateways: async () => gw, now, log: silentLogger });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const executionsOf = (collectionUuid: string) =>
  db
    .select()
    .from(reportExecutions)
    .where(eq(reportExecutions.collectionId, collectionUuid))
    .orderBy(asc(reportExecutions.createdAt), asc(reportExecutions.id));

const collectionRow = async (collectionId: string) =>
  (await db.select().from(reportDataCollections).where(eq(reportDataCollections.collectionId, collectionId)))[0]!;

describe("preview and start", () => {
  it("previews story 4's plan: 26 weekly segments, [2025-03-05, 2025-09-01)", async () => {
    const w = await backfillWorld(db);
    const plan = await previewBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 180, segmentType: "weekly" }, NOW);
    expect(plan).toMatchObject({ start: "2025-03-05", end: "2025-09-01", lastDay: "2025-08-31", totalSegments: 26, zone: "America/New_York" });
    expect(plan.segments[0]).toMatchObject({ start: "2025-08-25", end: "2025-09-01", partial: false });
    expect(plan.segments[25]).toMatchObject({ start: "2025-03-05", end: "2025-03-10", days: 5, partial: true });
    // Nothing was created by a preview.
    expect(await db.select().from(reportDataCollections).where(eq(reportDataCollections.reportId, w.report.id))).toHaveLength(0);
  });

  it("creates the collection and one pending backfill execution per segment, newest first", async () => {
    const w = await backfillWorld(db);
    const res = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 180, segmentType: "weekly" }, NOW);
    expect(res).toMatchObject({ totalSegments: 26, status: "running" });
    const c = await collectionRow(res.collectionId);
    expect(c).toMatchObject({ reportId: w.report.id, instanceId: w.instance.id, userId: w.member.id, status: "running", startDate: "2025-03-05", endDate: "2025-09-01", segmentType: "weekly" });
    const rows = await executionsOf(c.id);
    expect(rows).toHaveLength(26);
    for (const r of rows) {
      expect(r).toMatchObject({ status: "pending", triggeredBy: "backfill", collectionId: c.id, reportId: w.report.id, instanceId: w.instance.id, timeWindowTimezone: "America/New_York" });
      expect(r.renderedSql).toContain("'c1'");
    }
    // Oldest created = newest window: [2025-08-25, 2025-09-01) in New York (EDT).
    expect(rows[0]!.timeWindowStart).toEqual(new Date("2025-08-25T04:00:00Z"));
    expect(rows[0]!.timeWindowEnd).toEqual(new Date("2025-09-01T04:00:00Z"));
    expect(rows[25]!.timeWindowStart).toEqual(new Date("2025-03-05T05:00:00Z"));
    for (let i = 1; i < rows.length; i++) {
      // Strictly increasing created_at, windows going back in time, tiling without gaps.
      expect(rows[i]!.createdAt!.getTime()).toBeGreaterThan(rows[i - 1]!.createdAt!.getTime());
      expect(rows[i]!.timeWindowEnd).toEqual(rows[i - 1]!.timeWindowStart);
    }
    const gw = new FakeGateway();
    await submitPending({ ...deps(gw), settings: { maxRunningPerInstance: 10 } });
    const mine = gw.submits.filter((x) => x.instanceId === w.instance.instanceId);
    // The engine claims the newest windows first (5 = half the instance's 10 slots).
    expect(mine.map((s) => s.timeWindow.start).sort().reverse()).toEqual(["2025-08-25T00:00:00", "2025-08-18T00:00:00", "2025-08-11T00:00:00", "2025-08-04T00:00:00", "2025-07-28T00:00:00"]);
    expect(mine.find((s) => s.timeWindow.start === "2025-08-25T00:00:00")!.timeWindow).toEqual({ start: "2025-08-25T00:00:00", end: "2025-09-01T00:00:00", timeZone: "America/New_York" });
  });

  it("validates the lookback and hides foreign reports", async () => {
    const w = await backfillWorld(db);
    expect(await codeOf(startBackfill(db, w.stranger, { reportId: w.report.reportId, lookbackDays: 30, segmentType: "daily" }, NOW))).toBe("NOT_FOUND");
    expect(await codeOf(previewBackfill(db, w.stranger, { reportId: w.report.reportId, lookbackDays: 30, segmentType: "daily" }, NOW))).toBe("NOT_FOUND");
    expect(await codeOf(startBackfill(db, w.member, { reportId: "rpt_nosuchreport", lookbackDays: 30, segmentType: "daily" }, NOW))).toBe("NOT_FOUND");
    expect(await codeOf(startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 366, segmentType: "daily" }, NOW))).toBe("VALIDATION_ERROR");
    // Admins see every instance.
    expect(await codeOf(previewBackfill(db, w.admin, { reportId: w.report.reportId, lookbackDays: 30, segmentType: "daily" }, NOW))).toBe("ok");
  });
});

describe("one active backfill per report, 5 starts per instance per day", () => {
  it("refuses a second backfill while one runs (409, clear message), also when two race", async () => {
    const w = await backfillWorld(db);
    const input = { reportId: w.report.reportId, lookbackDays: 28, segmentType: "weekly" as const };
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => startBackfill(db, w.member, input, NOW)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(AppError);
        expect((r.reason as AppError).code).toBe("CONFLICT");
        expect((r.reason as AppError).message).toMatch(/already running/);
      }
    }
    expect(await db.select().from(reportDataCollections).where(eq(reportDataCollections.reportId, w.report.id))).toHaveLength(1);
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, w.report.id))).toHaveLength(4);
  });

  it("allows a new one once the previous ended, and at most 5 starts per instance in 24 h", async () => {
    const w = await backfillWorld(db);
    const gw = new FakeGateway();
    for (let i = 0; i < 5; i++) {
      const r = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 7, segmentType: "daily" }, NOW);
      await cancelBackfill(deps(gw), w.member, { reportId: w.report.reportId, collectionId: r.collectionId });
    }
    const other = await w.makeOne();
    const sixth = startBackfill(db, w.member, { reportId: other.reportId, lookbackDays: 7, segmentType: "daily" }, NOW);
    await expect(sixth).rejects.toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/At most 5 backfills/) });
    // A day later it is allowed again.
    const later = new Date(NOW.getTime() + 24 * 3600_000 + 1000);
    expect(await codeOf(startBackfill(db, w.member, { reportId: other.reportId, lookbackDays: 7, segmentType: "daily" }, later))).toBe("ok");
  });
});

describe("status, retry, cancel", () => {
  it("keeps the status true, retries only failed segments with fresh executions", async () => {
    const w = await backfillWorld(db);
    const res = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 21, segmentType: "weekly" }, NOW);
    const c = await collectionRow(res.collectionId);
    const [newest, middle, oldest] = await executionsOf(c.id);

    // Two segments finished (one with a stored result), one failed: still running while one is open.
    await db.update(reportExecutions).set({ status: "failed", errorMessage: "AMC outage", attempts: 2, completedAt: NOW }).where(eq(reportExecutions.id, middle!.id));
    await db.update(reportExecutions).set({ status: "completed", rowCount: 5, completedAt: NOW }).where(eq(reportExecutions.id, newest!.id));
    await db.execute(sql`INSERT INTO execution_results (execution_id, report_id, columns, row_count, size_bytes) VALUES (${newest!.id}, ${w.report.id}, '[]'::jsonb, 5, 10)`);
    await refreshBackfills({ db, now: NOW });
    expect((await collectionRow(res.collectionId)).status).toBe("running");
    let [p] = await backfillProgress(db, { collectionUuid: c.id });
    expect(p).toMatchObject({ total: 3, done: 1, failed: 1, pending: 1, running: 0, rows: 5, status: "running" });
    expect(p!.segments.map((s) => s.status)).toEqual(["completed", "failed", "pending"]);
    expect(p!.segments[1]).toMatchObject({ error: "AMC outage", attempts: 2, runs: 1 });

    await db.update(reportExecutions).set({ status: "completed", rowCount: 7, completedAt: NOW }).where(eq(reportExecutions.id, oldest!.id));
    await db.execute(sql`INSERT INTO execution_results (execution_id, report_id, columns, row_count, size_bytes) VALUES (${oldest!.id}, ${w.report.id}, '[]'::jsonb, 7, 10)`);
    await refreshBackfills({ db, now: NOW });
    expect((await collectionRow(res.collectionId)).status).toBe("completed_with_failures");

    // While finished, a new backfill of the report could start; retrying needs none to be active.
    const retry = await retryFailedSegments(db, w.member, { reportId: w.report.reportId, collectionId: res.collectionId }, new Date(NOW.getTime() + 60_000));
    expect(retry).toMatchObject({ retried: 1, status: "running" });
    const rows = await executionsOf(c.id);
    expect(rows).toHaveLength(4);
    const again = rows[3]!;
    expect(again).toMatchObject({ status: "pending", attempts: 0, triggeredBy: "backfill", timeWindowStart: middle!.timeWindowStart, timeWindowEnd: middle!.timeWindowEnd });
    expect((await db.select().from(reportExecutions).where(eq(reportExecutions.id, middle!.id)))[0]!.status).toBe("failed");
    [p] = await backfillProgress(db, { collectionUuid: c.id });
    expect(p).toMatchObject({ total: 3, done: 2, failed: 0, pending: 1, rows: 12 });
    expect(p!.segments[1]).toMatchObject({ status: "pending", runs: 2, error: null });
    // Nothing failed now: a second retry has nothing to do.
    expect(await codeOf(retryFailedSegments(db, w.member, { reportId: w.report.reportId, collectionId: res.collectionId }, NOW))).toBe("VALIDATION_ERROR");

    await db.update(reportExecutions).set({ status: "completed", rowCount: 1, completedAt: NOW }).where(eq(reportExecutions.id, again.id));
    await refreshBackfills({ db, now: NOW });
    expect((await collectionRow(res.collectionId)).status).toBe("completed");
  });

  it("cancels the pending rest and running segments at AMC; completed ones stay", async () => {
    const w = await backfillWorld(db);
    const gw = new FakeGateway();
    const res = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 60, segmentType: "daily" }, NOW);
    const c = await collectionRow(res.collectionId);
    await submitPending({ ...deps(gw), settings: { maxRunningPerInstance: 4 } });
    // At most half of the instance's slots for one backfill.
    expect(gw.submits.filter((x) => x.instanceId === w.instance.instanceId)).toHaveLength(2);
    const out = await cancelBackfill(deps(gw), w.member, { reportId: w.report.reportId, collectionId: res.collectionId });
    expect(out).toMatchObject({ cancelled: 60, cancelling: 0, status: "cancelled" });
    expect(gw.cancels).toHaveLength(2);
    const rows = await executionsOf(c.id);
    expect(rows.every((r) => r.status === "cancelled")).toBe(true);
    await refreshBackfills({ db, now: NOW });
    expect((await collectionRow(res.collectionId)).status).toBe("cancelled");
    expect(await codeOf(cancelBackfill(deps(gw), w.member, { reportId: w.report.reportId, collectionId: res.collectionId }))).toBe("VALIDATION_ERROR");
    expect(await codeOf(retryFailedSegments(db, w.member, { reportId: w.report.reportId, collectionId: res.collectionId }, NOW))).toBe("CONFLICT");
    // A stranger cannot cancel someone else's backfill.
    const res2 = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 7, segmentType: "weekly" }, NOW);
    expect(await codeOf(cancelBackfill(deps(gw), w.stranger, { reportId: w.report.reportId, collectionId: res2.collectionId }))).toBe("NOT_FOUND");
    const pending = await db.select().from(reportExecutions).where(and(eq(reportExecutions.reportId, w.report.id), eq(reportExecutions.status, "pending")));
    expect(pending).toHaveLength(1);
  });
});

describe("the end-date picker", () => {
  it("an explicit end anchor (exclusive) moves the whole plan; the default stays today − lag", async () => {
    const w = await backfillWorld(db);
    const base = { reportId: w.report.reportId, lookbackDays: 14, segmentType: "daily" as const };
    expect(await previewBackfill(db, w.member, base, NOW)).toMatchObject({ end: "2025-09-01", lastDay: "2025-08-31", totalSegments: 14 });
    const moved = await previewBackfill(db, w.member, { ...base, endDate: "2025-08-01" }, NOW);
    expect(moved).toMatchObject({ start: "2025-07-18", end: "2025-08-01", lastDay: "2025-07-31", totalSegments: 14 });
    const started = await startBackfill(db, w.member, { ...base, endDate: "2025-08-01" }, NOW);
    expect(await collectionRow(started.collectionId)).toMatchObject({ startDate: "2025-07-18", endDate: "2025-08-01" });
    // After today is refused on the field the picker shows.
    await expect(previewBackfill(db, w.member, { ...base, endDate: "2025-09-20" }, NOW)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: { endDate: ["A backfill cannot end after today."] },
    });
  });
});
