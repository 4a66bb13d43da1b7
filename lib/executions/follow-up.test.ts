import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { dashboards, reportDefinitions, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeExecution, makeInstance, makeReport } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { emptyBeforeEach, engineDeps, manyServers, secondsAfter } from "../../test/scheduler-world";
import { onExecutionCompleted } from "../dashboards/create";
import { runTick } from "../engine/tick";

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2026-11-02T12:00:00Z");
const at = secondsAfter(T0);

// The follow-up phase works on every completed run in the database, so each test starts with none.
emptyBeforeEach(db, reportExecutions);

const get = async (id: string) => (await db.select().from(reportExecutions).where(eq(reportExecutions.id, id)))[0]!;
const dashboardOf = async (reportUuid: string) =>
  (await db.select({ dashboardId: reportDefinitions.dashboardId }).from(reportDefinitions).where(eq(reportDefinitions.id, reportUuid)))[0]!.dashboardId;
const dashboardsNamed = (name: string) => db.select().from(dashboards).where(eq(dashboards.name, name));

/** The real follow-up, counting its calls per run; `failFirst` calls throw first. */
function countingFollowUp(failFirst = 0) {
  const calls = new Map<string, number>();
  let failures = failFirst;
  const followUp = async (tx: Database, executionUuid: string) => {
    calls.set(executionUuid, (calls.get(executionUuid) ?? 0) + 1);
    if (failures > 0) {
      failures -= 1;
      throw new Error("dashboard service unavailable");
    }
    return onExecutionCompleted(tx, executionUuid);
  };
  return { calls, followUp };
}

describe("the follow-up phase", () => {
  it("a follow-up that throws once leaves the run completed, is retried on a later tick, and then creates exactly one dashboard", async () => {
    const gw = new FakeGateway();
    const instance = await makeInstance(db, { instanceType: "STANDARD" });
    const report = await makeReport(db, { name: "Retried follow-up", instanceId: instance.id });
    const run = await makeExecution(db, report.id, {
      instanceId: instance.id,
      renderedSql: "SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY 1",
      timeWindowStart: new Date("2026-10-01T04:00:00Z"),
      timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
      timeWindowTimezone: "America/New_York",
    });
    const { calls, followUp } = countingFollowUp(1);
    const tick = (now: Date) => runTick(engineDeps(db, t.sql, gw, now), { followUp });

    await tick(T0); // submitted
    await tick(at(15)); // AMC: RUNNING
    const completing = await tick(at(40)); // AMC: SUCCEEDED, then the follow-up throws
    expect(completing).toMatchObject({ ok: true, engine: { poll: { completed: 1 }, followUp: { followedUp: 0, failed: 1 } } });
    // The completion stands; the follow-up is owed, with what went wrong recorded on the run.
    expect(await get(run.id)).toMatchObject({ status: "completed", completedAt: at(40), followedUpAt: null, nextAttemptAt: at(100) });
    expect((await get(run.id)).errorDetails).toMatchObject({ followUp: { error: "dashboard service unavailable" } });
    expect(await dashboardOf(report.id)).toBeNull();

    // Not in a hot loop: the next tick within the retry delay leaves it alone.
    expect(await tick(at(45))).toMatchObject({ engine: { followUp: { followedUp: 0, failed: 0 } } });
    expect(calls.get(run.id)).toBe(1);

    // A later tick retries it: one dashboard, and the run is marked followed up.
    expect(await tick(at(100))).toMatchObject({ ok: true, engine: { followUp: { followedUp: 1, failed: 0 } } });
    expect(calls.get(run.id)).toBe(2);
    expect(await get(run.id)).toMatchObject({ status: "completed", followedUpAt: at(100) });
    expect(await dashboardOf(report.id)).not.toBeNull();
    expect(await dashboardsNamed("Retried follow-up")).toHaveLength(1);

    // Done is done: no further tick runs it again.
    await tick(at(500));
    expect(calls.get(run.id)).toBe(2);
    expect(await dashboardsNamed("Retried follow-up")).toHaveLength(1);
  });

  describe("many servers at once", () => {
    const servers = manyServers(t.url, 2, { db: 2, raw: 1 });

    it("two concurrent ticks follow each completed run up once and create one dashboard per report", async () => {
      const instance = await makeInstance(db);
      const reports = await Promise.all([1, 2, 3].map((i) => makeReport(db, { name: `Concurrent ${i}`, instanceId: instance.id })));
      // Four completed runs per report, all owed a follow-up.
      const runs = [];
      for (const report of reports) {
        for (let i = 0; i < 4; i++) {
          runs.push(await makeExecution(db, report.id, { instanceId: instance.id, status: "completed", completedAt: at(i) }));
        }
      }
      const { calls, followUp } = countingFollowUp();
      // Small batches, so the two ticks interleave over several claims.
      const ticks = await Promise.all(
        servers.pools.map((_, i) => runTick(servers.deps(i, new FakeGateway(), at(60), { settings: { followUpBatch: 2 } }), { followUp })),
      );
      expect(ticks.every((tk) => tk.ok)).toBe(true);
      expect(ticks.reduce((n, tk) => n + (tk.engine?.followUp?.followedUp ?? 0), 0)).toBe(runs.length);
      expect(runs.map((r) => calls.get(r.id))).toEqual(runs.map(() => 1));
      const done = await db.select().from(reportExecutions).where(inArray(reportExecutions.id, runs.map((r) => r.id)));
      expect(done.every((r) => r.followedUpAt?.getTime() === at(60).getTime())).toBe(true);
      for (const report of reports) {
        expect(await dashboardsNamed(report.name)).toHaveLength(1);
        expect(await dashboardOf(report.id)).toBe((await dashboardsNamed(report.name))[0]!.id);
      }
    });
  });
});
