import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { amcRejection } from "../../../test/rejection";
import { sandboxDatabase } from "../../../test/sandbox";
import type { AmcTimeWindow, ResultFile } from "../gateway";
import { SANDBOX_INSTANCE, createSandboxGateway, sandboxExecutionDetails } from "./gateway";
import { CATALOG_QUERIES } from "../../../test/sandbox-queries";

const { db } = await sandboxDatabase();

let clock = new Date("2025-04-30T12:00:00Z");
const tick = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const gateway = createSandboxGateway(db, { now: () => clock, runDelayMs: 2_000, data: { size: "test" } });
const instanceId = SANDBOX_INSTANCE.instanceId;
const MARCH: AmcTimeWindow = { start: "2025-03-01T00:00:00", end: "2025-04-01T00:00:00", timeZone: "America/New_York" };

async function readCsv(file: ResultFile | undefined): Promise<string> {
  if (!file) throw new Error("no result file");
  const decoder = new TextDecoder();
  let out = "";
  for await (const chunk of await file.open()) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

async function runToEnd(id: string) {
  tick(2_000);
  const first = await gateway.status(instanceId, id);
  await gateway.whenIdle();
  return { first, last: await gateway.status(instanceId, id) };
}

describe("sandbox gateway: an execution's life", () => {
  it("goes PENDING → RUNNING → SUCCEEDED on the injected clock, with a CSV result", async () => {
    const { amcExecutionId: id } = await gateway.submit({ instanceId, sql: CATALOG_QUERIES.T01, timeWindow: MARCH });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await gateway.status(instanceId, id)).toEqual({ status: "pending", amcStatus: "PENDING" });
    tick(1_999);
    expect((await gateway.status(instanceId, id)).amcStatus).toBe("PENDING");
    tick(1);
    expect(await gateway.status(instanceId, id)).toEqual({ status: "running", amcStatus: "RUNNING" });
    // Another server polling meanwhile sees it running too (it cannot get the row lock).
    const other = createSandboxGateway(db, { now: () => clock, runDelayMs: 2_000 });
    expect((await other.status(instanceId, id)).amcStatus).toMatch(/RUNNING|SUCCEEDED/);
    await gateway.whenIdle();
    await other.whenIdle();
    expect(await gateway.status(instanceId, id)).toEqual({ status: "completed", amcStatus: "SUCCEEDED" });

    const files = await gateway.results(instanceId, id);
    expect(files).toHaveLength(1);
    const csv = await readCsv(files[0]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("day,channel,campaign_id_string,campaign,impressions,clicks,spend,purchases,sales,ctr,roas,users_min");
    expect(lines.length).toBeGreaterThan(50);
    expect(lines[lines.length - 1]).toBe("");
    const [row] = await db.execute<{ started_at: string }>(sql`
      SELECT started_at::text FROM amc_sandbox.executions WHERE execution_id = ${id}`);
    expect(row?.started_at).toBe("2025-04-30 12:00:02+00");
    const details = await sandboxExecutionDetails(db, instanceId, id);
    expect(details).toMatchObject({ status: "SUCCEEDED", rowCount: lines.length - 2, threshold: 2 });
    expect(details?.droppedRows).toBeGreaterThanOrEqual(0);
    expect(details?.columns?.[0]).toEqual({ name: "day", type: "date" });
    expect(await sandboxExecutionDetails(db, instanceId, "nope")).toBeUndefined();
  });

  it("writes RFC 4180 CSV: quotes, commas, NULL vs empty string", async () => {
    const { amcExecutionId: id } = await gateway.submit({
      instanceId,
      sql: `SELECT 'a,"b"' AS label, CAST(NULL AS STRING) AS nothing, '' AS empty, 'line
break' AS multi, COUNT(DISTINCT user_id) AS users FROM dsp_impressions`,
      timeWindow: MARCH,
    });
    expect((await runToEnd(id)).last.amcStatus).toBe("SUCCEEDED");
    const csv = await readCsv((await gateway.results(instanceId, id))[0]);
    expect(csv).toMatch(/^label,nothing,empty,multi,users\r\n"a,""b""",,"","line\nbreak",\d+\r\n$/);
  });

  it("FAILED with PostgreSQL's reason for a runtime error", async () => {
    const { amcExecutionId: id } = await gateway.submit({
      instanceId,
      sql: "SELECT campaign, no_such_column, COUNT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY 1, 2",
      timeWindow: MARCH,
    });
    const { last } = await runToEnd(id);
    expect(last.status).toBe("failed");
    expect(last.amcStatus).toBe("FAILED");
    expect(last.reason).toMatch(/column "no_such_column" does not exist/);
    const e = await amcRejection(gateway.results(instanceId, id));
    expect(e.cause).toBe("not_found");
  });

  it("rejects at submit what AMC answers with a 400", async () => {
    const cases: [string, RegExp][] = [
      ["SELECT * FROM dsp_impressions", /SELECT \* is not supported/],
      ["SELECT user_id, COUNT(*) AS n FROM dsp_impressions GROUP BY 1", /user_id/],
      ["SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1 LIMIT 5", /LIMIT/],
      ["SELECT campaign, COUNT(*) AS n FROM dsp_impressions GROUP BY 1", /COUNT\(DISTINCT user_id\)/],
      ["SELECT COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE campaign = CUSTOM_PARAMETER('p')", /CUSTOM_PARAMETER/],
    ];
    for (const [q, message] of cases) {
      const e = await amcRejection(gateway.submit({ instanceId, sql: q, timeWindow: MARCH }));
      expect(e.cause).toBe("invalid_query");
      expect(e.httpStatus).toBe(400);
      expect(e.message).toMatch(message);
    }
    const badWindows: AmcTimeWindow[] = [
      { start: "2025-03-01", end: "2025-04-01T00:00:00", timeZone: "UTC" },
      { start: "2025-03-01T00:00:00Z", end: "2025-04-01T00:00:00", timeZone: "UTC" },
      { start: "2025-04-01T00:00:00", end: "2025-03-01T00:00:00", timeZone: "UTC" },
      { start: "2025-03-01T00:00:00", end: "2025-04-01T00:00:00", timeZone: "Mars/Olympus" },
    ];
    for (const timeWindow of badWindows) {
      const e = await amcRejection(gateway.submit({ instanceId, sql: "SELECT COUNT(DISTINCT user_id) AS u FROM dsp_impressions", timeWindow }));
      expect(e.cause).toBe("invalid_query");
    }
  });

  it("not_found for unknown executions (and unknown instances when the list is fixed)", async () => {
    for (const call of [
      () => gateway.status(instanceId, "00000000-0000-0000-0000-000000000000"),
      () => gateway.results(instanceId, "nope"),
      () => gateway.cancel(instanceId, "nope"),
    ]) {
      const e = await amcRejection(call());
      expect(e.cause).toBe("not_found");
    }
    const { amcExecutionId: id } = await gateway.submit({ instanceId, sql: "SELECT COUNT(DISTINCT user_id) AS u FROM dsp_impressions", timeWindow: MARCH });
    expect((await amcRejection(gateway.status("amcother", id))).cause).toBe("not_found");
    const fixed = createSandboxGateway(db, { now: () => clock, instances: [SANDBOX_INSTANCE] });
    expect((await amcRejection(fixed.submit({ instanceId: "amcother", sql: "SELECT 1", timeWindow: MARCH }))).cause).toBe("not_found");
    expect(await fixed.listInstances()).toEqual([SANDBOX_INSTANCE]);
    expect(await gateway.listInstances()).toEqual([SANDBOX_INSTANCE]);
  });
});

describe("sandbox gateway: listing executions", () => {
  it("lists creates since a time with the SQL, window and zone it received", async () => {
    const since = new Date(clock.getTime());
    const sql = "SELECT COUNT(DISTINCT user_id) AS u\nFROM dsp_impressions -- listed";
    const { amcExecutionId: id } = await gateway.submit({ instanceId, sql, timeWindow: MARCH });
    const listed = await gateway.listExecutions(instanceId, since);
    expect(listed.find((e) => e.amcExecutionId === id)).toMatchObject({ sql, timeWindow: MARCH, amcStatus: "PENDING" });
    expect(listed.every((e) => e.createdAt && e.createdAt >= since)).toBe(true);
    expect(await gateway.listExecutions(instanceId, new Date(clock.getTime() + 60_000))).toEqual([]);
  });
});

describe("sandbox gateway: cancel", () => {
  it("cancels a PENDING execution; cancelling again or a finished one changes nothing", async () => {
    const { amcExecutionId: id } = await gateway.submit({ instanceId, sql: "SELECT COUNT(DISTINCT user_id) AS u FROM dsp_impressions", timeWindow: MARCH });
    await gateway.cancel(instanceId, id);
    expect(await gateway.status(instanceId, id)).toEqual({ status: "cancelled", amcStatus: "CANCELLED" });
    await gateway.cancel(instanceId, id);
    tick(5_000);
    expect((await gateway.status(instanceId, id)).amcStatus).toBe("CANCELLED");

    const done = await gateway.submit({ instanceId, sql: "SELECT COUNT(DISTINCT user_id) AS u FROM dsp_clicks", timeWindow: MARCH });
    expect((await runToEnd(done.amcExecutionId)).last.amcStatus).toBe("SUCCEEDED");
    await gateway.cancel(instanceId, done.amcExecutionId);
    expect((await gateway.status(instanceId, done.amcExecutionId)).amcStatus).toBe("SUCCEEDED");
  });

  it("cancels a RUNNING execution from another server", async () => {
    const slow = createSandboxGateway(db, { now: () => clock, runDelayMs: 0, statementTimeoutMs: 30_000 });
    const { amcExecutionId: id } = await slow.submit({
      instanceId,
      sql: "SELECT a.campaign, COUNT(DISTINCT a.user_id) AS u FROM dsp_impressions a CROSS JOIN dsp_impressions b CROSS JOIN dsp_views c GROUP BY 1",
      timeWindow: MARCH,
    });
    expect((await slow.status(instanceId, id)).amcStatus).toBe("RUNNING");
    // Wait until the runner holds its lock, i.e. the query is under way.
    for (let i = 0; i < 100; i++) {
      const locks = await db.execute(sql`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${0x414d4352}::oid AND granted`);
      if (locks.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const t0 = performance.now();
    tick(2_000);
    await gateway.cancel(instanceId, id);
    // This server cannot claim it (locked), so it reports RUNNING until the runner stores the outcome.
    expect((await gateway.status(instanceId, id)).amcStatus).toBe("RUNNING");
    await slow.whenIdle();
    await gateway.whenIdle();
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(await gateway.status(instanceId, id)).toEqual({ status: "cancelled", amcStatus: "CANCELLED" });
  });
});

describe("sandbox gateway: fault injection for retry tests", () => {
  it("fails the first run of the chosen window once, as an outage would; the next run succeeds", async () => {
    const faulty = createSandboxGateway(db, { now: () => clock, runDelayMs: 2_000, failOnceWindowStart: "2025-03-08" });
    const week: AmcTimeWindow = { start: "2025-03-08T00:00:00", end: "2025-03-15T00:00:00", timeZone: "UTC" };
    const other: AmcTimeWindow = { start: "2025-03-15T00:00:00", end: "2025-03-22T00:00:00", timeZone: "UTC" };
    const run = async (w: AmcTimeWindow) => {
      const { amcExecutionId } = await faulty.submit({ instanceId, sql: CATALOG_QUERIES.T01, timeWindow: w });
      tick(2_000);
      await faulty.status(instanceId, amcExecutionId);
      await faulty.whenIdle();
      return faulty.status(instanceId, amcExecutionId);
    };
    const first = await run(week);
    expect(first).toMatchObject({ status: "failed", amcStatus: "FAILED" });
    expect(first.reason).toContain("Simulated AMC outage");
    expect((await run(other)).status).toBe("completed");
    expect((await run(week)).status).toBe("completed");
  });
});
