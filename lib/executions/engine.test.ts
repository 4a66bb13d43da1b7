import { and, eq, sql as dsql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { amcAccounts, executionResults, reportDefinitions, reportExecutions } from "../../db/schema";
import { storedCells } from "../../test/results";
import { freshDatabase } from "../../test/db";
import { makeExecution, makeInstance, makeReport } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { AmcError } from "../amc/gateway";
import { cancelExecution } from "./cancel";
import type { EngineDeps } from "../engine/deps";
import { runTick } from "../engine/tick";
import { pollRunning } from "./poll";
import { reap } from "./reap";
import { submitPending } from "./submit";
import { emptyBeforeEach, engineDeps, manyServers, secondsAfter } from "../../test/scheduler-world";

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2026-11-02T12:00:00Z");
const at = secondsAfter(T0);

const deps = (gateway: FakeGateway, now: Date, over: Partial<EngineDeps> = {}) => engineDeps(db, t.sql, gateway, now, over);

let worlds = 0;
async function world(pending = 1, instanceType: "STANDARD" | "SANDBOX" = "STANDARD") {
  const w = ++worlds;
  const instance = await makeInstance(db, { instanceType });
  const report = await makeReport(db, { instanceId: instance.id });
  const runs = [];
  for (let i = 0; i < pending; i++) {
    runs.push(
      await makeExecution(db, report.id, {
        instanceId: instance.id,
        renderedSql: `SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions /* world ${w} run ${i} */ GROUP BY 1`,
        timeWindowStart: new Date("2026-10-01T04:00:00Z"),
        timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
        timeWindowTimezone: "America/New_York",
        createdAt: at(-100 + i),
      }),
    );
  }
  return { instance, report, runs };
}

// Phases work on the whole queue, so each test starts with an empty one.
emptyBeforeEach(db, reportExecutions);

const get = async (id: string) => (await db.select().from(reportExecutions).where(eq(reportExecutions.id, id)))[0]!;

describe("one run, start to finish", () => {
  it("goes pending → running → completed, with the result stored in the same step", async () => {
    const gw = new FakeGateway();
    const { runs, report, instance } = await world();
    const run = runs[0]!;

    const s = await submitPending(deps(gw, T0));
    expect(s).toMatchObject({ claimed: 1, submitted: 1 });
    expect(gw.submits[0]).toEqual({
      instanceId: instance.instanceId,
      sql: run.renderedSql,
      timeWindow: { start: "2026-10-01T00:00:00", end: "2026-10-08T00:00:00", timeZone: "America/New_York" },
    });
    let row = await get(run.id);
    expect(row).toMatchObject({ status: "running", startedAt: T0, submittedAt: T0, leaseExpiresAt: null, nextAttemptAt: at(15) });
    expect(row.amcExecutionId).toMatch(/^wfe-/);

    // Not due yet: nothing polled.
    expect((await pollRunning(deps(gw, at(10)))).polled).toBe(0);
    // AMC says RUNNING: next poll 15 s × 1.5 later.
    expect(await pollRunning(deps(gw, at(15)))).toMatchObject({ polled: 1, stillRunning: 1 });
    row = await get(run.id);
    expect(row).toMatchObject({ status: "running", pollCount: 1, nextAttemptAt: at(15 + 22.5) });

    expect(await pollRunning(deps(gw, at(40)))).toMatchObject({ completed: 1 });
    row = await get(run.id);
    expect(row).toMatchObject({ status: "completed", completedAt: at(40), rowCount: 2, sizeBytes: gw.csv.length });
    expect(await storedCells(db, run.id)).toEqual([
      ["2026-01-01", "Alpha", "10"],
      ["2026-01-02", "Beta, Inc", "20"],
    ]);
    const [meta] = await db.select().from(executionResults).where(eq(executionResults.executionId, run.id));
    expect(meta).toMatchObject({ columns: ["day", "campaign", "impressions"], rowCount: 2, reportId: report.id });
    const [def] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    expect(def).toMatchObject({ lastStatus: "completed", lastExecutionId: run.id, executionCount: 1 });
  });

  it("polls sandbox runs every 1.5 s: they finish in seconds", async () => {
    const gw = new FakeGateway();
    const { runs } = await world(1, "SANDBOX");
    await submitPending(deps(gw, T0));
    expect((await get(runs[0]!.id)).nextAttemptAt).toEqual(at(1.5));
    await pollRunning(deps(gw, at(1.5)));
    expect((await get(runs[0]!.id)).nextAttemptAt).toEqual(at(3));
  });

  it("shows AMC's reason when AMC fails the run", async () => {
    const gw = new FakeGateway();
    gw.defaultStatuses = ["FAILED"];
    const { runs } = await world();
    await submitPending(deps(gw, T0));
    await pollRunning(deps(gw, at(15)));
    expect(await get(runs[0]!.id)).toMatchObject({
      status: "failed",
      errorMessage: "AMC reported the run failed: Query failed: column foo does not exist",
    });
  });
});

describe("submit", () => {
  it("never has more than 10 running per instance", async () => {
    const gw = new FakeGateway();
    const { runs } = await world(14);
    expect(await submitPending(deps(gw, T0))).toMatchObject({ claimed: 10, submitted: 10 });
    expect(await submitPending(deps(gw, at(1)))).toMatchObject({ claimed: 0 });
    const statuses = await Promise.all(runs.map((r) => get(r.id).then((x) => x.status)));
    expect(statuses.filter((s) => s === "running")).toHaveLength(10);
    // The oldest ten went first.
    expect(statuses.slice(0, 10).every((s) => s === "running")).toBe(true);
  });

  it("re-queues on 429 without using an attempt, honouring Retry-After", async () => {
    const gw = new FakeGateway();
    gw.submitErrors.push(new AmcError("rate_limited", "Too many requests", { httpStatus: 429, retryAfterMs: 45_000 }));
    const { runs } = await world();
    expect(await submitPending(deps(gw, T0))).toMatchObject({ requeued: 1 });
    expect(await get(runs[0]!.id)).toMatchObject({ status: "pending", attempts: 0, nextAttemptAt: at(45), startedAt: null });
    expect((await submitPending(deps(gw, at(44)))).claimed).toBe(0);
    expect(await submitPending(deps(gw, at(45)))).toMatchObject({ submitted: 1 });
  });

  it("retries transient errors with 10 s / 20 s backoff, then fails after 3 attempts", async () => {
    const gw = new FakeGateway();
    for (let i = 0; i < 3; i++) gw.submitErrors.push(new AmcError("transient", "503 Service Unavailable", { httpStatus: 503 }));
    const { runs } = await world();
    const id = runs[0]!.id;
    await submitPending(deps(gw, T0));
    expect(await get(id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: at(10) });
    await submitPending(deps(gw, at(10)));
    expect(await get(id)).toMatchObject({ status: "pending", attempts: 2, nextAttemptAt: at(30) });
    await submitPending(deps(gw, at(30)));
    const row = await get(id);
    expect(row.status).toBe("failed");
    expect(row.errorMessage).toContain("AMC was unavailable (503 Service Unavailable)");
  });

  it("fails at once with AMC's reason when the query is rejected", async () => {
    const gw = new FakeGateway();
    gw.submitErrors.push(new AmcError("invalid_query", "SELECT * is not allowed", { httpStatus: 400 }));
    const { runs } = await world();
    await submitPending(deps(gw, T0));
    expect(await get(runs[0]!.id)).toMatchObject({ status: "failed", errorMessage: "AMC rejected the query: SELECT * is not allowed" });
  });

  it("marks the account as needing re-authorization when the refresh token is revoked", async () => {
    const gw = new FakeGateway();
    gw.submitErrors.push(new AmcError("reauthorize", "invalid_grant"));
    const [account] = await db.insert(amcAccounts).values({ accountId: `acct-${Date.now()}`, accountName: "Client" }).returning();
    const { runs, instance } = await world();
    await db.execute(dsql`UPDATE amc_instances SET account_id = ${account!.id} WHERE id = ${instance.id}`);
    await submitPending(deps(gw, T0));
    expect((await get(runs[0]!.id)).errorMessage).toContain("needs re-authorization");
    const [acc] = await db.select().from(amcAccounts).where(eq(amcAccounts.id, account!.id));
    expect(acc?.status).toBe("needs_reauthorization");
  });
});

describe("ingest", () => {
  it("a download cut half way stores nothing, keeps the run running, and succeeds on the next poll", async () => {
    const gw = new FakeGateway();
    gw.defaultStatuses = ["SUCCEEDED"];
    gw.breakDownloadAfterBytes = 40;
    const { runs } = await world();
    const id = runs[0]!.id;
    await submitPending(deps(gw, T0));
    expect(await pollRunning(deps(gw, at(15)))).toMatchObject({ ingestRetried: 1 });
    expect(await get(id)).toMatchObject({ status: "running", attempts: 1, nextAttemptAt: at(25), leaseExpiresAt: null });
    expect(await storedCells(db, id)).toHaveLength(0);
    expect(await pollRunning(deps(gw, at(25)))).toMatchObject({ completed: 1 });
    expect(await storedCells(db, id)).toHaveLength(2);
  });
});

describe("reap", () => {
  it("fails runs past the 24 h timeout with a clear reason and cancels them at AMC", async () => {
    const gw = new FakeGateway();
    gw.defaultStatuses = ["RUNNING"];
    const { runs } = await world();
    await submitPending(deps(gw, T0));
    expect((await reap(deps(gw, at(23 * 3600)))).timedOut).toBe(0);
    expect((await reap(deps(gw, at(24 * 3600 + 1)))).timedOut).toBe(1);
    const row = await get(runs[0]!.id);
    expect(row).toMatchObject({ status: "failed", errorMessage: "Timed out: AMC did not finish this run within 24 h, so it was stopped." });
    expect(gw.cancels).toEqual([row.amcExecutionId]);
  });

  it("recovers a submit that crashed before AMC's id was saved", async () => {
    const { runs } = await world();
    const id = runs[0]!.id;
    // A server claimed it and died: running, lease set, no AMC id.
    await db.update(reportExecutions).set({ status: "running", startedAt: T0, leaseExpiresAt: at(120) }).where(eq(reportExecutions.id, id));
    const gw = new FakeGateway();
    expect((await reap(deps(gw, at(60)))).resubmitted).toBe(0); // lease still valid
    expect((await reap(deps(gw, at(121)))).resubmitted).toBe(1);
    expect(await get(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(await submitPending(deps(gw, at(122)))).toMatchObject({ submitted: 1 });
  });
});

describe("cancel", () => {
  it("drops a pending run locally and cancels a running one at AMC first", async () => {
    const gw = new FakeGateway();
    gw.defaultStatuses = ["RUNNING"];
    const { runs } = await world(2);
    await db.update(reportExecutions).set({ nextAttemptAt: at(999) }).where(eq(reportExecutions.id, runs[1]!.id));
    await submitPending(deps(gw, T0));
    expect(await cancelExecution(deps(gw, at(5)), runs[1]!.id)).toEqual({ status: "cancelled", cancelledAt: at(5) });
    expect(gw.cancels).toHaveLength(0);
    expect(await cancelExecution(deps(gw, at(6)), runs[0]!.id)).toEqual({ status: "cancelled", cancelledAt: at(6) });
    const r0 = await get(runs[0]!.id);
    expect(gw.cancels).toEqual([r0.amcExecutionId]);
    expect(r0.status).toBe("cancelled");
    await expect(cancelExecution(deps(gw, at(7)), runs[0]!.id)).rejects.toThrow(/already ended \(cancelled\)/);
  });
});

describe("many servers at once", () => {
  const servers = manyServers(t.url, 6, { db: 3, raw: 2 });

  it("six concurrent submit passes submit each run once and respect the cap", async () => {
    const gw = new FakeGateway();
    const a = await world(25);
    const b = await world(25);
    const results = await Promise.all(
      servers.pools.map((_, i) => submitPending(servers.deps(i, gw, T0))),
    );
    const submitted = results.reduce((s, r) => s + r.submitted, 0);
    expect(submitted).toBe(20);
    expect(gw.submits).toHaveLength(20);
    expect(new Set(gw.submits.map((s) => s.sql)).size).toBe(20); // no run submitted twice
    expect(gw.maxRunningSeen.get(a.instance.instanceId)).toBe(10);
    expect(gw.maxRunningSeen.get(b.instance.instanceId)).toBe(10);
    const running = await db.select({ id: reportExecutions.id }).from(reportExecutions).where(and(eq(reportExecutions.status, "running"), dsql`${reportExecutions.instanceId} IN (${a.instance.id}, ${b.instance.id})`));
    expect(running).toHaveLength(20);
  });

  it("six concurrent poll passes store a finished result exactly once", async () => {
    const gw = new FakeGateway();
    gw.defaultStatuses = ["SUCCEEDED"];
    const { runs } = await world(5);
    await submitPending(deps(gw, T0));
    const results = await Promise.all(
      servers.pools.map((_, i) => pollRunning(servers.deps(i, gw, at(15)))),
    );
    expect(results.reduce((s, r) => s + r.completed, 0)).toBe(5);
    expect(gw.resultCalls).toBe(5);
    for (const r of runs) {
      expect(await storedCells(db, r.id)).toHaveLength(2);
      expect((await get(r.id)).status).toBe("completed");
    }
  });

  it("full ticks racing from every server end with every run completed once", async () => {
    const gw = new FakeGateway();
    const { runs } = await world(12);
    for (const s of [0, 15, 40, 80, 100, 130]) {
      await Promise.all(servers.pools.map((_, i) => runTick(servers.deps(i, gw, at(s)))));
    }
    const rows = await Promise.all(runs.map((r) => get(r.id)));
    expect(rows.map((r) => r.status)).toEqual(Array(12).fill("completed"));
    expect(gw.submits).toHaveLength(12);
    expect(gw.resultCalls).toBe(12);
  });
});
