import { eq, sql as dsql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { amcInstances, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeInstance, makeReport } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { emptyBeforeEach, engineDeps, secondsAfter } from "../../test/scheduler-world";
import { newExecutionId } from "../ids";
import { submitPending } from "./submit";

// Issue 12 §1: a submit pass over many instances is bounded and fair. The AMC stub accepts every
// create and no run finishes, so a run taken off a queue stays running: "served" is visible.

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2026-11-02T12:00:00Z");
const at = secondsAfter(T0);

emptyBeforeEach(db, reportExecutions);

/** `n` STANDARD instances, each with `depth` due pending runs created from `createdFrom(k)` on. */
async function queues(n: number, depth: number, createdFrom: (k: number) => number) {
  const instances = [];
  for (let k = 0; k < n; k++) {
    const instance = await makeInstance(db, { instanceType: "STANDARD" });
    const report = await makeReport(db, { instanceId: instance.id });
    await db.insert(reportExecutions).values(
      Array.from({ length: depth }, (_, j) => ({
        executionId: newExecutionId(),
        reportId: report.id,
        instanceId: instance.id,
        triggeredBy: "manual" as const,
        status: "pending" as const,
        renderedSql: `SELECT ${k} AS instance, ${j} AS run`,
        timeWindowStart: new Date("2026-10-01T04:00:00Z"),
        timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
        timeWindowTimezone: "America/New_York",
        createdAt: at(createdFrom(k) + j),
      })),
    );
    instances.push(instance);
  }
  return instances;
}

/** Per instance of `ids`: how many of its runs are running, and whether they are its oldest. */
async function served(ids: string[]) {
  const rows = await db
    .select({ instanceId: reportExecutions.instanceId, status: reportExecutions.status, createdAt: reportExecutions.createdAt })
    .from(reportExecutions)
    .where(dsql`${reportExecutions.instanceId} IN ${ids}`)
    .orderBy(reportExecutions.createdAt);
  return ids.map((id) => {
    const mine = rows.filter((r) => r.instanceId === id);
    const running = mine.filter((r) => r.status === "running").length;
    return { running, oldestFirst: mine.slice(0, running).every((r) => r.status === "running") };
  });
}

describe("a submit pass is fair between instances", () => {
  it("serves every instance within ceil(instances / per-pass) passes, however deep and old the others' queues", async () => {
    const gw = new FakeGateway();
    // 30 instances × 12 due runs; the first five hold the oldest runs by far (a backlog that an
    // oldest-run-first order would serve every pass).
    const instances = await queues(30, 12, (k) => (k < 5 ? -100_000 + k * 100 : -1_000 + k * 12));
    const ids = instances.map((i) => i.id);
    const perPass = 6;
    const passes = Math.ceil(instances.length / perPass);
    for (let p = 0; p < passes; p++) {
      const s = await submitPending(engineDeps(db, t.sql, gw, at(p), { settings: { submitBatch: perPass } }));
      // Bounded: the pass claims its batch and no more.
      expect(s).toMatchObject({ claimed: perPass, submitted: perPass });
    }
    const after = await served(ids);
    expect(after.filter((x) => x.running === 0)).toHaveLength(0);
    // One run each: nobody got a second turn before everyone had a first.
    expect(after.every((x) => x.running === 1 && x.oldestFirst)).toBe(true);
  });

  it("gives a pass's slots to few instances up to AMC's limit of 10 running, oldest first", async () => {
    const gw = new FakeGateway();
    const instances = await queues(2, 14, (k) => -1_000 + k * 20);
    expect(await submitPending(engineDeps(db, t.sql, gw, at(0)))).toMatchObject({ claimed: 20, submitted: 20 });
    expect(await submitPending(engineDeps(db, t.sql, gw, at(1)))).toMatchObject({ claimed: 0 });
    expect(await served(instances.map((i) => i.id))).toEqual([
      { running: 10, oldestFirst: true },
      { running: 10, oldestFirst: true },
    ]);
  });

  it("passes over instances at the limit, so they cannot take the pass's places from those that can run", async () => {
    const gw = new FakeGateway();
    // At AMC's limit (10 running) and first in the turn order (served longest ago).
    const [full, ...others] = await queues(3, 12, (k) => -1_000 + k * 20);
    await db.update(amcInstances).set({ lastSubmitPassAt: new Date("2020-01-01T00:00:00Z") }).where(eq(amcInstances.id, full!.id));
    await db.update(amcInstances).set({ lastSubmitPassAt: new Date("2021-01-01T00:00:00Z") }).where(dsql`${amcInstances.id} IN ${others.map((o) => o.id)}`);
    await db.execute(dsql`
      UPDATE report_executions SET status = 'running', started_at = ${T0.toISOString()}::timestamptz
       WHERE id IN (SELECT id FROM report_executions WHERE instance_id = ${full!.id} ORDER BY created_at LIMIT 10)`);
    // A batch of 2 with the full instance first in turn order: both places go to the others.
    const s = await submitPending(engineDeps(db, t.sql, gw, at(1), { settings: { submitBatch: 2 } }));
    expect(s).toMatchObject({ claimed: 2 });
    expect((await served(others.map((o) => o.id))).map((x) => x.running)).toEqual([1, 1]);
  });
});
