import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rejection } from "../../../test/rejection";
import { sandboxDatabase } from "../../../test/sandbox";
import type { AmcTimeWindow } from "../gateway";
import { analyzeAmcSql } from "./rules";
import { type RunOptions, SandboxQueryError, runSandboxQuery } from "./run";
import { CATALOG_QUERIES } from "../../../test/sandbox-queries";
import { translateAmcSql } from "./translate";

const { db } = await sandboxDatabase();

// Test-size traffic runs 2025-02-16 .. 2025-03-31 (anchor 2025-04-01).
const MARCH_NY: AmcTimeWindow = { start: "2025-03-01T00:00:00", end: "2025-04-01T00:00:00", timeZone: "America/New_York" };

/** Rules + translation + run, as the gateway does it. */
async function amc(amcSql: string, window: AmcTimeWindow = MARCH_NY, extra: Partial<RunOptions> = {}) {
  const analysis = analyzeAmcSql(amcSql);
  expect(analysis.violations).toEqual([]);
  const t = translateAmcSql(amcSql, { now: new Date("2025-04-30T00:00:00Z"), window });
  return runSandboxQuery(db, t.sql, {
    window,
    extendedWindows: t.extendedWindows,
    threshold: analysis.threshold,
    userCountColumns: analysis.userCountColumns,
    hiddenColumns: analysis.hiddenColumns,
    ...extra,
  });
}

async function physical(query: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql.raw(query));
  return Number(row?.n);
}

const raw = (pgSql: string, extra: Partial<RunOptions> = {}) => runSandboxQuery(db, pgSql, { window: MARCH_NY, ...extra });

/** The SandboxQueryError `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<SandboxQueryError> {
  const e = await rejection(p);
  if (!(e instanceof SandboxQueryError)) throw e;
  return e;
}

describe("sandbox runner", () => {
  it("runs T01 (campaign performance) with real sandbox campaign ids and gets rows", async () => {
    const r = await amc(CATALOG_QUERIES.T01);
    expect(r.isolation).toBe("reader_role");
    expect(r.columns.map((c) => c.name)).toEqual([
      "day", "channel", "campaign_id_string", "campaign", "impressions", "clicks", "spend",
      "purchases", "sales", "ctr", "roas", "users_min",
    ]);
    expect(r.columns.find((c) => c.name === "day")?.type).toBe("date");
    expect(r.columns.find((c) => c.name === "users_min")?.type).toBe("bigint");
    expect(r.rows.length).toBeGreaterThan(100);
    const channels = new Set(r.rows.map((row) => row[1]));
    expect(channels).toContain("DSP");
    expect(channels).toContain("sponsored_products");
    for (const row of r.rows) {
      expect(row[0] && row[0] >= "2025-02-28" && row[0] <= "2025-04-01").toBe(true);
      expect(Number(row[11])).toBeGreaterThanOrEqual(2);
    }
    expect(r.rows.some((row) => Number(row[8]) > 0)).toBe(true);
  });

  it.each(["T03", "T05", "T06"] as const)("runs catalog %s", async (name) => {
    const r = await amc(CATALOG_QUERIES[name]);
    expect(r.columns.length).toBeGreaterThan(3);
    if (name !== "T06") expect(r.rows.length).toBeGreaterThan(0);
  });

  it("values come back as PostgreSQL prints them, NULL kept", async () => {
    const r = await raw(`SELECT 1::bigint AS a, 2.50::numeric(10,2) AS b, 0.1::float8 AS c, NULL::text AS d, '' AS e,
      true AS f, DATE '2025-03-01' AS g, TIMESTAMP '2025-03-01 04:05:06' AS h, ARRAY[1,2] AS i`);
    expect(r.rows).toEqual([["1", "2.50", "0.1", null, "", "true", "2025-03-01", "2025-03-01 04:05:06", "{1,2}"]]);
    expect(r.columns.map((c) => c.type)).toEqual(["bigint", "numeric", "double precision", "text", "text", "boolean", "date",
      "timestamp without time zone", "integer[]"]);
  });
});

describe("window restriction", () => {
  it("shows only rows inside [start, end), converted from the window's zone to UTC", async () => {
    // New York is UTC−5 in winter: the local day 2025-03-01 is 05:00–05:00 UTC.
    const day: AmcTimeWindow = { start: "2025-03-01T00:00:00", end: "2025-03-02T00:00:00", timeZone: "America/New_York" };
    const r = await amc("SELECT COUNT(*) AS n, MIN(impression_dt_utc) AS lo, MAX(impression_dt_utc) AS hi FROM dsp_impressions", day, { threshold: 0 });
    const expected = await physical(`SELECT count(*)::int AS n FROM amc_sandbox.dsp_impressions
      WHERE impression_dt_utc >= '2025-03-01 05:00:00' AND impression_dt_utc < '2025-03-02 05:00:00'`);
    expect(expected).toBeGreaterThan(0);
    expect(Number(r.rows[0]?.[0])).toBe(expected);
    expect(r.rows[0]?.[1] && r.rows[0][1] >= "2025-03-01 05:00:00").toBe(true);
    expect(r.rows[0]?.[2] && r.rows[0][2] < "2025-03-02 05:00:00").toBe(true);
  });

  it("follows daylight saving time (2025-03-09 has 23 hours in New York)", async () => {
    const day: AmcTimeWindow = { start: "2025-03-09T00:00:00", end: "2025-03-10T00:00:00", timeZone: "America/New_York" };
    const r = await amc("SELECT COUNT(*) AS n FROM sponsored_ads_traffic", day, { threshold: 0 });
    const expected = await physical(`SELECT count(*)::int AS n FROM amc_sandbox.sponsored_ads_traffic
      WHERE event_dt_utc >= '2025-03-09 05:00:00' AND event_dt_utc < '2025-03-10 04:00:00'`);
    expect(Number(r.rows[0]?.[0])).toBe(expected);
  });

  it("a UTC window is taken as is", async () => {
    const day: AmcTimeWindow = { start: "2025-03-01T00:00:00", end: "2025-03-02T00:00:00", timeZone: "UTC" };
    const r = await amc("SELECT COUNT(*) AS n FROM dsp_clicks", day, { threshold: 0 });
    expect(Number(r.rows[0]?.[0])).toBe(await physical(`SELECT count(*)::int AS n FROM amc_sandbox.dsp_clicks
      WHERE click_dt_utc >= '2025-03-01' AND click_dt_utc < '2025-03-02'`));
  });

  it("windows the two attributed views on conversion time and traffic time", async () => {
    const week: AmcTimeWindow = { start: "2025-03-10T00:00:00", end: "2025-03-17T00:00:00", timeZone: "UTC" };
    const byConv = await amc("SELECT COUNT(*) AS n FROM amazon_attributed_events_by_conversion_time", week, { threshold: 0 });
    const byTraffic = await amc("SELECT COUNT(*) AS n FROM amazon_attributed_events_by_traffic_time", week, { threshold: 0 });
    expect(Number(byConv.rows[0]?.[0])).toBe(await physical(`SELECT count(*)::int AS n FROM amc_sandbox.amazon_attributed_events
      WHERE conversion_event_dt_utc >= '2025-03-10' AND conversion_event_dt_utc < '2025-03-17'`));
    expect(Number(byTraffic.rows[0]?.[0])).toBe(await physical(`SELECT count(*)::int AS n FROM amc_sandbox.amazon_attributed_events
      WHERE traffic_event_dt_utc >= '2025-03-10' AND traffic_event_dt_utc < '2025-03-17'`));
  });

  it("EXTEND_TIME_WINDOW widens one table's window", async () => {
    const week: AmcTimeWindow = { start: "2025-03-10T00:00:00", end: "2025-03-17T00:00:00", timeZone: "UTC" };
    const r = await amc(
      "SELECT COUNT(*) AS n, MIN(impression_dt_utc) AS lo FROM TABLE(EXTEND_TIME_WINDOW('dsp_impressions', 'P7D', 'P1D'))",
      week,
      { threshold: 0 },
    );
    expect(Number(r.rows[0]?.[0])).toBe(await physical(`SELECT count(*)::int AS n FROM amc_sandbox.dsp_impressions
      WHERE impression_dt_utc >= '2025-03-03' AND impression_dt_utc < '2025-03-18'`));
    expect(r.rows[0]?.[1] && r.rows[0][1] < "2025-03-10").toBe(true);
  });
});

describe("aggregation threshold", () => {
  it("drops rows below 100 users when a HIGH column is output, and counts them", async () => {
    const q = "SELECT postal_code, COUNT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY 1";
    expect(analyzeAmcSql(q).threshold).toBe(100);
    const all = await amc(q, MARCH_NY, { threshold: 0 });
    const filtered = await amc(q);
    const small = all.rows.filter((r) => Number(r[1]) < 100).length;
    expect(small).toBeGreaterThan(0);
    expect(filtered.droppedRows).toBe(small);
    expect(filtered.rows.length).toBe(all.rows.length - small);
    expect(filtered.rows.every((r) => Number(r[1]) >= 100)).toBe(true);
  });

  it("drops single-user rows for LOW outputs", async () => {
    const q = "SELECT campaign, creative, impression_hour, COUNT(DISTINCT user_id) AS users FROM dsp_clicks GROUP BY 1, 2, 3";
    const all = await amc(q, MARCH_NY, { threshold: 0 });
    const filtered = await amc(q);
    const thin = all.rows.filter((r) => Number(r[3]) < 2).length;
    expect(thin).toBeGreaterThan(0);
    expect(filtered.droppedRows).toBe(thin);
    expect(filtered.rows.every((r) => Number(r[3]) >= 2)).toBe(true);
  });

  it("uses a hidden __du column and leaves it out of the result", async () => {
    const r = await amc("SELECT device_type, SUM(impressions) AS imps, COUNT(DISTINCT user_id) AS __du FROM dsp_impressions GROUP BY 1");
    expect(r.columns.map((c) => c.name)).toEqual(["device_type", "imps"]);
    expect(r.rows.length).toBeGreaterThan(0);
  });

  it("can take the user-count column by name", async () => {
    const r = await raw("SELECT campaign, COUNT(DISTINCT user_id) AS reach FROM dsp_impressions GROUP BY 1", {
      threshold: 1_000_000,
      userCountColumn: "reach",
    });
    expect(r.rows).toEqual([]);
    expect(r.droppedRows).toBeGreaterThan(0);
  });

  it("says so when it cannot find the user count", async () => {
    const e = await failure(raw("SELECT campaign, COUNT(*) AS n FROM dsp_impressions GROUP BY 1", { threshold: 2 }));
    expect(e.message).toMatch(/distinct-user count/);
  });
});

describe("read-only enforcement (without the static rules)", () => {
  const before = async () => physical("SELECT count(*)::int AS n FROM amc_sandbox.dsp_impressions");

  it.each([
    ["INSERT", "INSERT INTO dsp_impressions (campaign) VALUES ('x')"],
    ["UPDATE", "UPDATE dsp_impressions SET campaign = 'x'"],
    ["DELETE in a CTE", "WITH d AS (DELETE FROM dsp_impressions RETURNING 1) SELECT count(*) AS n FROM d"],
    ["UPDATE in a CTE", "WITH d AS (UPDATE dsp_impressions SET campaign = 'x' RETURNING 1) SELECT count(*) AS n FROM d"],
    ["DROP TABLE", "DROP TABLE amc_sandbox.dsp_impressions"],
    ["CREATE TABLE", "CREATE TABLE amc_sandbox.x AS SELECT 1 AS a"],
    ["a second statement", "SELECT 1 AS a; DROP TABLE amc_sandbox.dsp_impressions"],
    ["a second statement after a comment", "SELECT 1 AS a /* ; */ ; DELETE FROM amc_sandbox.dsp_impressions"],
    ["read-write again", "SELECT set_config('transaction_read_only', 'off', true) AS x"],
    ["a sequence", "SELECT nextval('amc_sandbox.nope') AS x"],
    ["the physical table, bypassing the window", "SELECT count(*) AS n FROM amc_sandbox.dsp_impressions"],
    ["the execution queue", "SELECT count(*) AS n FROM amc_sandbox.executions"],
    ["the app's tables", "SELECT count(*) AS n FROM public.users"],
    ["escalating the role in the same statement", "SELECT set_config('role', 'postgres', true) AS r, (SELECT count(*) FROM public.users) AS n"],
    ["a function writing files", "SELECT pg_catalog.lo_import('/etc/hostname') AS x"],
  ])("%s fails", async (_name, q) => {
    const n = await before();
    await failure(raw(q));
    expect(await before()).toBe(n);
    expect(await physical("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'x' AND relnamespace = 'amc_sandbox'::regnamespace")).toBe(0);
  });

  it("leaves no temp views or settings behind on the connection", async () => {
    await raw("SELECT 1 AS a");
    const [row] = await db.execute<{ views: number; ro: string; role: string }>(sql`
      SELECT (SELECT count(*)::int FROM pg_class WHERE relpersistence = 't' AND relkind = 'v') AS views,
             current_setting('transaction_read_only') AS ro, current_user AS role`);
    expect(row).toEqual({ views: 0, ro: "off", role: "postgres" });
  });
});

describe("statement timeout", () => {
  it("cancels a heavy query", async () => {
    const t0 = performance.now();
    const e = await failure(
      amc("SELECT COUNT(*) AS n, COUNT(DISTINCT a.user_id) AS u FROM dsp_impressions a CROSS JOIN dsp_impressions b CROSS JOIN dsp_clicks c",
        MARCH_NY, { statementTimeoutMs: 300 }),
    );
    expect(e.kind).toBe("timeout");
    expect(e.message).toMatch(/time limit/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it("cancels pg_sleep (which the static rules would refuse)", async () => {
    const e = await failure(raw("SELECT pg_sleep(5) AS x", { statementTimeoutMs: 200 }));
    expect(e.kind).toBe("timeout");
  });
});

describe("runtime errors", () => {
  it("reports PostgreSQL's reason", async () => {
    const e = await failure(amc("SELECT nope, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1"));
    expect(e.kind).toBe("invalid");
    expect(e.message).toMatch(/column "nope" does not exist/);
  });

  it("refuses results over the row limit", async () => {
    const e = await failure(raw("SELECT request_tag AS r FROM dsp_impressions", { maxRows: 10 }));
    expect(e.kind).toBe("too_large");
  });
});
