import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { amcAccounts, amcInstances, reportExecutions } from "../../db/schema";
import { storedCells } from "../../test/results";
import { freshDatabase } from "../../test/db";
import { makeExecution, makeInstance, makeReport, makeTemplate } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { FAKE_REFRESH_TOKEN, fakeAccountColumns, FakeAmcServer, testRuntime } from "../../test/fake-amc-server";
import { engineDeps, secondsAfter } from "../../test/scheduler-world";
import { resolveAmcEndpoints } from "../amc/live/config";
import { clearTokenProviders, createGatewayResolver } from "../amc/resolve";
import { encryptSecret, keyringFrom } from "../crypto/secrets";
import type { EngineDeps, GatewayResolver } from "../engine/deps";
import { checkParameters } from "../params/check";
import { createExecution } from "./create";
import { pollRunning } from "./poll";
import { reap } from "./reap";
import { submitPending } from "./submit";

/**
 * Issue 12 §2, "exactly once at AMC": the engine against the fake Amazon (LWA + AMC over HTTP)
 * through the app's own gateway resolver, with the faults that used to run a query twice, fail
 * a healthy run, or drop a finished one.
 */

const t = await freshDatabase();
const db = t.db;
const keyring = keyringFrom(randomBytes(32).toString("base64"));
const T0 = new Date("2026-11-02T12:00:00Z");
const at = secondsAfter(T0);
const CSV = 'campaign,users\nAlpha,120\n"Beta, Inc",95\n';
const SQL = "SELECT campaign, COUNT(DISTINCT user_id) AS users\nFROM dsp_impressions -- reach\nGROUP BY campaign";

let fake: FakeAmcServer;
/** The fake's clock follows the engine's `now`, so AMC's createTime and ours agree. */
let clock = T0;
let resolve: GatewayResolver;

beforeEach(async () => {
  clearTokenProviders();
  clock = T0;
  fake = await FakeAmcServer.start({ now: () => clock.getTime() });
  resolve = createGatewayResolver(db, {
    sandbox: () => new FakeGateway(),
    endpoints: resolveAmcEndpoints(fake.env()),
    runtime: testRuntime({ start: T0.getTime() }).runtime,
    keyring,
    now: () => clock,
  });
  // Phases work on the whole queue; the fake's instance ids are fixed: a clean slate per test.
  await db.delete(reportExecutions);
  await db.delete(amcInstances).where(eq(amcInstances.instanceId, "amcabc123"));
  await db.delete(amcInstances).where(eq(amcInstances.instanceId, "amcsandbox1"));
});
afterEach(async () => {
  await fake.close();
});

const deps = (now: Date, over: Partial<EngineDeps> = {}): EngineDeps => {
  clock = now;
  return engineDeps(db, t.sql, new FakeGateway(), now, { gateways: resolve, ...over });
};

let n = 0;
/** A connected account reaching the fake's advertiser, its STANDARD instance, one pending run. */
async function world(opts: { instanceId?: string; instanceType?: "STANDARD" | "SANDBOX"; sql?: string } = {}) {
  n++;
  const [account] = await db
    .insert(amcAccounts)
    .values({
      accountId: `ENTITYFAULTS${n}${randomBytes(3).toString("hex")}`,
      accountName: `Brand ${n}`,
      ...fakeAccountColumns(fake, keyring),
    })
    .returning();
  const instance = await makeInstance(db, {
    instanceId: opts.instanceId ?? "amcabc123",
    instanceType: opts.instanceType ?? "STANDARD",
    isBuiltinSandbox: false,
    accountId: account!.id,
  });
  const report = await makeReport(db, { instanceId: instance.id });
  const run = await makeExecution(db, report.id, {
    instanceId: instance.id,
    renderedSql: opts.sql ?? SQL,
    timeWindowStart: new Date("2026-10-01T04:00:00Z"),
    timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
    timeWindowTimezone: "America/New_York",
    createdAt: at(-100),
  });
  return { account: account!, instance, report, run };
}

const get = async (id: string) => (await db.select().from(reportExecutions).where(eq(reportExecutions.id, id)))[0]!;
const rowsOf = (id: string) => storedCells(db, id);

/** AMC finishes every execution it has; then one poll pass stores them. */
async function finishAndPoll(now: Date) {
  for (const id of fake.executions.keys()) fake.completeExecution(id, [CSV]);
  return pollRunning(deps(now));
}

describe("a create whose answer is lost makes one AMC execution", () => {
  it("504 after AMC accepted it: the listing finds it, it is adopted, the run completes with AMC's rows", async () => {
    const { run } = await world();
    fake.failNext("create", { afterAccept: true, status: 504 });

    expect(await submitPending(deps(T0))).toMatchObject({ submitted: 1 });
    expect(fake.executions.size).toBe(1);
    expect(fake.requestsTo("create")).toHaveLength(1);
    expect(fake.requestsTo("list").length).toBeGreaterThan(0);
    const [only] = [...fake.executions.keys()];
    expect((await get(run.id)).amcExecutionId).toBe(only);

    expect(await finishAndPoll(at(15))).toMatchObject({ completed: 1 });
    expect(await get(run.id)).toMatchObject({ status: "completed", rowCount: 2 });
    expect(await rowsOf(run.id)).toEqual([
      ["Alpha", "120"],
      ["Beta, Inc", "95"],
    ]);
  });

  it("connection reset after acceptance while the listing is down too: requeued, then adopted on the next pass", async () => {
    const { run } = await world();
    fake.failNext("create", { afterAccept: true, reset: true });
    fake.failNext("list", { status: 503, times: 3 });

    expect(await submitPending(deps(T0))).toMatchObject({ requeued: 1 });
    expect(await get(run.id)).toMatchObject({ status: "pending", attempts: 1, submitAttemptedAt: T0, amcExecutionId: null });

    expect(await submitPending(deps(at(10)))).toMatchObject({ submitted: 1 });
    expect(fake.executions.size).toBe(1);
    expect(fake.requestsTo("create")).toHaveLength(1);
    const row = await get(run.id);
    expect(row.amcExecutionId).toBe([...fake.executions.keys()][0]);
    // Listed from the first attempt (less the clock-skew margin), in AMC's format.
    const lastList = fake.requestsTo("list").at(-1)!;
    expect(lastList.query.minCreationTime).toBe("2026-11-02T11:55:00Z");

    expect(await finishAndPoll(at(30))).toMatchObject({ completed: 1 });
    expect(await rowsOf(run.id)).toHaveLength(2);
  });

  it("a create that never reached AMC is sent again after the listing shows nothing", async () => {
    const { run } = await world();
    fake.failNext("create", { status: 503, times: 3 });
    expect(await submitPending(deps(T0))).toMatchObject({ requeued: 1 });
    expect(fake.executions.size).toBe(0);
    expect(await submitPending(deps(at(10)))).toMatchObject({ submitted: 1 });
    expect(fake.executions.size).toBe(1);
    expect((await get(run.id)).amcExecutionId).toBe([...fake.executions.keys()][0]);
  });

  it("never adopts another run's execution with the same SQL and window", async () => {
    const a = await world();
    // A second run of the same report, same window: identical create bodies.
    const b = await makeExecution(db, a.report.id, {
      instanceId: a.instance.id,
      renderedSql: SQL,
      timeWindowStart: new Date("2026-10-01T04:00:00Z"),
      timeWindowEnd: new Date("2026-10-08T04:00:00Z"),
      timeWindowTimezone: "America/New_York",
      createdAt: at(-50),
    });
    expect(await submitPending(deps(T0))).toMatchObject({ submitted: 2 });
    // b's create is lost before reaching AMC; the reconcile must not take a's execution.
    await db
      .update(reportExecutions)
      .set({ status: "pending", amcExecutionId: null, submitAttemptedAt: T0, nextAttemptAt: at(10), startedAt: null })
      .where(eq(reportExecutions.id, b.id));
    const aId = (await get(a.run.id)).amcExecutionId;
    const bOrphan = [...fake.executions.keys()].find((id) => id !== aId)!;
    fake.executions.delete(bOrphan);

    expect(await submitPending(deps(at(10)))).toMatchObject({ submitted: 1 });
    const bId = (await get(b.id)).amcExecutionId;
    expect(bId).not.toBe(aId);
    expect(fake.executions.size).toBe(2);
  });
});

describe("the reaper recovers a submit interrupted by a crash", () => {
  it("adopts the execution AMC accepted before the server died: one AMC execution, completed", async () => {
    const { run, instance } = await world();
    // A server claimed the run, sent the create, and died before saving AMC's answer.
    await db
      .update(reportExecutions)
      .set({ status: "running", startedAt: T0, leaseExpiresAt: at(120), submitAttemptedAt: T0 })
      .where(eq(reportExecutions.id, run.id));
    const gw = await resolve({ id: instance.id, instanceId: "amcabc123", instanceType: "STANDARD", accountId: instance.accountId, isBuiltinSandbox: false });
    const { amcExecutionId } = await gw.submit({
      instanceId: "amcabc123",
      sql: SQL,
      timeWindow: { start: "2026-10-01T00:00:00", end: "2026-10-08T00:00:00", timeZone: "America/New_York" },
    });

    expect(await reap(deps(at(60)))).toMatchObject({ adopted: 0, resubmitted: 0 }); // lease still valid
    expect(await reap(deps(at(121)))).toMatchObject({ adopted: 1, resubmitted: 0 });
    expect(await get(run.id)).toMatchObject({ status: "running", amcExecutionId, leaseExpiresAt: null, nextAttemptAt: at(121) });
    // Nothing left to submit: AMC runs the query once.
    expect(await submitPending(deps(at(122)))).toMatchObject({ claimed: 0 });
    expect(fake.requestsTo("create")).toHaveLength(1);

    expect(await finishAndPoll(at(122))).toMatchObject({ completed: 1 });
    expect(await rowsOf(run.id)).toHaveLength(2);
  });

  it("requeues when AMC never got the create, and the submit sends it once", async () => {
    const { run } = await world();
    await db
      .update(reportExecutions)
      .set({ status: "running", startedAt: T0, leaseExpiresAt: at(120), submitAttemptedAt: T0 })
      .where(eq(reportExecutions.id, run.id));
    expect(await reap(deps(at(121)))).toMatchObject({ adopted: 0, resubmitted: 1 });
    expect(await get(run.id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(await submitPending(deps(at(122)))).toMatchObject({ submitted: 1 });
    expect(fake.executions.size).toBe(1);
  });
});

describe("401s", () => {
  it("401, 401 (after a refresh), then success: requeued with a fresh token, completed, account untouched", async () => {
    const { run, account } = await world();
    fake.failNext("create", { status: 401, times: 2 });

    expect(await submitPending(deps(T0))).toMatchObject({ requeued: 1 });
    expect(await get(run.id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: at(10) });
    const refreshesBefore = fake.tokenRefreshes;

    expect(await submitPending(deps(at(10)))).toMatchObject({ submitted: 1 });
    // The refused token was dropped: the retry asked LWA for a fresh one.
    expect(fake.tokenRefreshes).toBe(refreshesBefore + 1);
    expect(fake.executions.size).toBe(1);

    expect(await finishAndPoll(at(30))).toMatchObject({ completed: 1 });
    expect(await get(run.id)).toMatchObject({ status: "completed", rowCount: 2 });
    const [acc] = await db.select().from(amcAccounts).where(eq(amcAccounts.id, account.id));
    expect(acc?.status).toBe("active");
  });

  it("a poll answered 401, 401 looks again later instead of failing", async () => {
    const { run } = await world();
    await submitPending(deps(T0));
    fake.failNext("status", { status: 401, times: 2 });
    expect(await pollRunning(deps(at(15)))).toMatchObject({ stillRunning: 1, failed: 0 });
    expect((await get(run.id)).status).toBe("running");
    expect(await finishAndPoll(at(40))).toMatchObject({ completed: 1 });
  });
});

describe("a refresh token revoked while a run is in flight", () => {
  it("the run waits (not failed, not timed out), and is downloaded once the account is reconnected", async () => {
    const { run, account } = await world();
    await submitPending(deps(T0));
    const amcId = (await get(run.id)).amcExecutionId!;

    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    fake.expireAccessTokens();
    expect(await pollRunning(deps(at(15)))).toMatchObject({ waiting: 1, failed: 0 });
    expect(await get(run.id)).toMatchObject({ status: "running", waitingReason: "reauthorization", amcExecutionId: amcId });
    const [broken] = await db.select().from(amcAccounts).where(eq(amcAccounts.id, account.id));
    expect(broken?.status).toBe("needs_reauthorization");

    // AMC finishes it meanwhile. Not polled while the account is broken, not timed out at 24 h.
    fake.completeExecution(amcId, [CSV]);
    const tokenCalls = fake.requestsTo("token").length;
    expect(await pollRunning(deps(at(60)))).toMatchObject({ polled: 0 });
    expect(await reap(deps(at(25 * 3600)))).toMatchObject({ timedOut: 0, expired: 0 });
    expect(fake.requestsTo("token")).toHaveLength(tokenCalls);
    expect((await get(run.id)).status).toBe("running");

    // An admin reconnects the account (a new refresh token): the next poll downloads the result.
    fake.grantRefreshToken("Atzr|reconnected");
    await db
      .update(amcAccounts)
      .set({ status: "active", lastError: null, refreshTokenEncrypted: encryptSecret("Atzr|reconnected", keyring) })
      .where(eq(amcAccounts.id, account.id));
    expect(await pollRunning(deps(at(25 * 3600 + 5)))).toMatchObject({ completed: 1 });
    expect(await get(run.id)).toMatchObject({ status: "completed", waitingReason: null, rowCount: 2 });
    expect(await rowsOf(run.id)).toEqual([
      ["Alpha", "120"],
      ["Beta, Inc", "95"],
    ]);
  });

  it("fails with a clear message only once AMC no longer keeps the result", async () => {
    const { run } = await world();
    await submitPending(deps(T0));
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    fake.expireAccessTokens();
    await pollRunning(deps(at(15)));
    expect(await reap(deps(at(29 * 86_400)))).toMatchObject({ expired: 0 });
    expect(await reap(deps(at(30 * 86_400 + 1)))).toMatchObject({ expired: 1 });
    const row = await get(run.id);
    expect(row).toMatchObject({ status: "failed", waitingReason: null });
    expect(row.errorMessage).toContain("not reconnected within 30 days");
  });
});

describe("the SQL AMC runs is the SQL stored and shown", () => {
  it("preview == stored == sent, byte for byte, with comments, tabs, CRLF and blank lines from the template", async () => {
    const { instance, run } = await world();
    await db.delete(reportExecutions).where(eq(reportExecutions.id, run.id));
    const sqlTemplate = [
      "-- Weekly reach by campaign (the first line is a comment)",
      "SELECT campaign,\t-- the campaign's name",
      "       COUNT(DISTINCT user_id) AS users\r",
      "FROM dsp_impressions",
      "WHERE event_dt >= {{window_start}}  AND event_dt < {{window_end}}",
      "",
      "/* grouped",
      "   by campaign */",
      "GROUP BY campaign -- done",
    ].join("\n");
    const template = await makeTemplate(db, { sqlTemplate, dataLagDays: 0 });
    const report = await makeReport(db, {
      instanceId: instance.id,
      templateId: template.id,
      timezone: "America/New_York",
      parameters: {},
      windowSpec: { kind: "last_days", n: 7 },
    });

    const preview = checkParameters({
      sqlTemplate,
      defs: [],
      dataLagDays: 0,
      values: {},
      window: { kind: "last_days", n: 7 },
      timeZone: "America/New_York",
      now: T0,
    }).previewSql;
    const { execution } = await createExecution(db, { reportUuid: report.id, triggeredBy: "manual", now: T0 });
    expect(await submitPending(deps(T0))).toMatchObject({ submitted: 1 });

    const [sent] = fake.receivedSql();
    expect(sent).toBe(execution.renderedSql);
    expect(preview).toBe(execution.renderedSql);
    expect(Buffer.from(sent!, "utf8").equals(Buffer.from(execution.renderedSql!, "utf8"))).toBe(true);
    expect(sent).toContain("-- the campaign's name\n");
    expect(sent).toContain("\r\n");
  });
});

describe("which engine runs an instance", () => {
  it("a SANDBOX instance discovered in a customer's account runs at AMC, not on the synthetic sandbox", async () => {
    const { run } = await world({ instanceId: "amcsandbox1", instanceType: "SANDBOX" });
    expect(await submitPending(deps(T0))).toMatchObject({ submitted: 1 });
    expect(fake.requestsTo("create")[0]?.path).toBe("/amc/reporting/amcsandbox1/workflowExecutions");
    // Polled at AMC's pace, not the synthetic sandbox's 1.5 s.
    expect((await get(run.id)).nextAttemptAt).toEqual(at(15));
    expect(await finishAndPoll(at(15))).toMatchObject({ completed: 1 });
    expect(await rowsOf(run.id)).toHaveLength(2);
  });
});
