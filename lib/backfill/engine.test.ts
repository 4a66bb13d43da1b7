import postgres from "postgres";
import { and, eq, sql as dsql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/client";
import { reportDataCollections, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeExecution } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { AmcError } from "../amc/gateway";
import { silentLogger, type EngineDeps } from "../engine/deps";
import { submitPending } from "../executions/submit";
import { runTick } from "../engine/tick";
import { startBackfill } from "./backfills";
import { backfillProgress } from "./progress";
import { backfillWorld } from "../../test/backfill-world";
import { emptyBeforeEach, secondsAfter } from "../../test/scheduler-world";

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2026-11-25T15:00:00Z");
const at = secondsAfter(T0);

emptyBeforeEach(db, reportExecutions);

describe("fairness: a backfill does not starve scheduled runs", () => {
  it("20 backfill segments + 3 scheduled runs on one instance: scheduled first, at most 5 segments at once", async () => {
    const w = await backfillWorld(db);
    const [collection] = await db
      .insert(reportDataCollections)
      .values({ collectionId: `col_fair${Date.now().toString(36)}`, instanceId: w.instance.id, reportId: w.report.id, status: "running" })
      .returning();
    const base = {
      instanceId: w.instance.id,
      renderedSql: "SELECT 1",
      timeWindowStart: new Date("2026-10-01T04:00:00Z"),
      timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
      timeWindowTimezone: "America/New_York",
    };
    // The backfill was queued first (older created_at) — priority must still go to scheduled runs.
    const segments = [];
    for (let i = 0; i < 20; i++) {
      segments.push(await makeExecution(db, w.report.id, { ...base, triggeredBy: "backfill", collectionId: collection!.id, createdAt: at(-1000 + i) }));
    }
    const scheduled = [];
    for (let i = 0; i < 3; i++) scheduled.push(await makeExecution(db, w.report.id, { ...base, triggeredBy: "schedule", createdAt: at(-10 + i) }));

    const gw = new FakeGateway();
    gw.defaultStatuses = ["RUNNING"]; // nothing finishes during the test
    const deps: EngineDeps = { db, sql: t.sql, gateways: async () => gw, now: T0, log: silentLogger, settings: { maxRunningPerInstance: 10 } };
    // A small batch first: only scheduled runs fit.
    await submitPending({ ...deps, settings: { maxRunningPerInstance: 10, submitBatch: 3 } });
    const running = async () =>
      db
        .select({ id: reportExecutions.id, triggeredBy: reportExecutions.triggeredBy })
        .from(reportExecutions)
        .where(and(eq(reportExecutions.instanceId, w.instance.id), eq(reportExecutions.status, "running")));
    expect((await running()).map((r) => r.triggeredBy).sort()).toEqual(["schedule", "schedule", "schedule"]);

    // Then the backfill gets at most half the slots (5 of 10), however often the engine passes.
    for (let s = 1; s <= 4; s++) await submitPending({ ...deps, now: at(s) });
    let rows = await running();
    expect(rows.filter((r) => r.triggeredBy === "backfill")).toHaveLength(5);
    expect(rows).toHaveLength(8); // 2 slots stay free for scheduled/manual runs

    // A new scheduled run takes a free slot at once, ahead of the 15 waiting segments.
    await makeExecution(db, w.report.id, { ...base, triggeredBy: "schedule", createdAt: at(5) });
    await submitPending({ ...deps, now: at(6) });
    rows = await running();
    expect(rows.filter((r) => r.triggeredBy === "schedule")).toHaveLength(4);
    expect(rows.filter((r) => r.triggeredBy === "backfill")).toHaveLength(5);
    expect(gw.maxRunningSeen.get(w.instance.instanceId)).toBe(9);

    // The share is a setting.
    await submitPending({ ...deps, now: at(7), settings: { maxRunningPerInstance: 10, backfillSlotShare: 0.6 } });
    expect((await running()).filter((r) => r.triggeredBy === "backfill")).toHaveLength(6);
  });
});

describe("restarting mid-backfill loses nothing and duplicates nothing", () => {
  const pools = Array.from({ length: 6 }, () => createDatabase(t.url, { max: 3 }));
  const raws = pools.map(() => postgres(t.url, { max: 2, onnotice: () => {} }));
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close().catch(() => {})));
    await Promise.all(raws.map((r) => r.end().catch(() => {})));
  });

  it("ticks from several servers, a restart half-way, 429s and transient errors: every segment completed exactly once", async () => {
    const w = await backfillWorld(db, { instanceType: "SANDBOX" });
    const res = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 90, segmentType: "weekly" }, T0);
    expect(res.totalSegments).toBe(13);
    const [collection] = await db.select().from(reportDataCollections).where(eq(reportDataCollections.collectionId, res.collectionId));

    const gw = new FakeGateway();
    gw.defaultStatuses = ["RUNNING", "RUNNING", "SUCCEEDED"];
    gw.submitErrors = [
      new AmcError("rate_limited", "Too many requests", { httpStatus: 429, retryAfterMs: 2000 }),
      new AmcError("transient", "502 from AMC", { httpStatus: 502 }),
    ];
    const settings = { maxRunningPerInstance: 6, submitBackoffMs: [1000, 1000, 1000] };
    const tickAll = (s: number, which: number[]) =>
      Promise.all(
        which.map((i) =>
          runTick({ db: pools[i]!.db, sql: raws[i]!, gateways: async () => gw, now: at(s), log: silentLogger, settings }, { budgetMs: 30_000 }),
        ),
      );

    // Servers 0–2 work for a while, then "crash" (their pools are closed mid-way).
    let s = 0;
    for (; s < 8; s += 2) await tickAll(s, [0, 1, 2]);
    await Promise.all([0, 1, 2].map((i) => pools[i]!.close()));
    const mid = await backfillProgress(db, { collectionUuid: collection!.id });
    expect(mid[0]!.done).toBeLessThan(13);

    // Servers 3–5 start and carry on from what is in PostgreSQL.
    for (; s < 400; s += 2) {
      await tickAll(s, [3, 4, 5]);
      const [c] = await db.select().from(reportDataCollections).where(eq(reportDataCollections.id, collection!.id));
      if (c!.status !== "running") break;
    }

    const [final] = await backfillProgress(db, { collectionUuid: collection!.id });
    expect(final).toMatchObject({ status: "completed", total: 13, done: 13, failed: 0, pending: 0, running: 0 });
    const rows = await db.select().from(reportExecutions).where(eq(reportExecutions.collectionId, collection!.id));
    expect(rows).toHaveLength(13);
    expect(rows.every((r) => r.status === "completed")).toBe(true);
    expect(new Set(rows.map((r) => r.timeWindowStart!.toISOString())).size).toBe(13);
    // AMC got each window exactly once (the 429 and the 502 never reached the submits list).
    const windows = gw.submits.map((x) => x.timeWindow.start);
    expect(windows).toHaveLength(13);
    expect(new Set(windows).size).toBe(13);
    // Never more than half the slots for this backfill.
    expect(gw.maxRunningSeen.get(w.instance.instanceId)).toBeLessThanOrEqual(3);
    // Each result stored once.
    const stored = await db.execute<{ n: number }>(dsql`SELECT count(*)::int AS n FROM execution_results r JOIN report_executions e ON e.id = r.execution_id WHERE e.collection_id = ${collection!.id}`);
    expect([...stored][0]!.n).toBe(13);
  });
});
