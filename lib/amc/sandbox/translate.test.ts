import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/db";
import { translateAmcSql } from "./translate";
import { TranslationError } from "./translate/error";

const ctx = {
  now: new Date("2025-04-30T15:04:05.678Z"),
  window: { start: "2025-01-01T00:00:00", end: "2025-04-01T00:00:00", timeZone: "America/New_York" },
};
const tr = (q: string) => translateAmcSql(q, ctx).sql;

describe("translateAmcSql: mappings (§2.5)", () => {
  it.each([
    ["IF(a > 1, 'x', 'y')", "(CASE WHEN a > 1 THEN 'x' ELSE 'y' END)"],
    ["SECONDS_BETWEEN(t1, t2)", "EXTRACT(EPOCH FROM ((t2)::timestamp - (t1)::timestamp))"],
    ["DAYOFWEEK(d)", "(EXTRACT(DOW FROM (d))::int + 1)"],
    ["HOUR(ts)", "(EXTRACT(HOUR FROM (ts)::timestamp)::int)"],
    ["MONTH(d)", "(EXTRACT(MONTH FROM (d))::int)"],
    ["YEAR(d)", "(EXTRACT(YEAR FROM (d))::int)"],
    ["DAYOFMONTH(d)", "(EXTRACT(DAY FROM (d))::int)"],
    ["WEEK(d)", "(EXTRACT(WEEK FROM (d))::int)"],
    ["CONVERT_TIME_ZONE_FROM_UTC(ts, 'America/Chicago')", "(((ts)::timestamp AT TIME ZONE 'UTC') AT TIME ZONE ('America/Chicago'))"],
    ["EPOCH_TO_UTC_TIMESTAMP(x)", "(to_timestamp(CASE WHEN (x) > 100000000000 THEN (x) / 1000.0 ELSE (x) END) AT TIME ZONE 'UTC')"],
    ["COLLECT(x)", "array_agg(x)"],
    ["COLLECT(DISTINCT x)", "array_agg(DISTINCT x)"],
    ["ARRAY_SORT(COLLECT(DISTINCT x))", "array_agg(DISTINCT x ORDER BY x)"],
    ["ARRAY_SORT(arr)", "ARRAY(SELECT __x FROM unnest(arr) AS __s(__x) ORDER BY 1)"],
    ["ARRAY_CONTAINS(ids, campaign_id_string)", "((campaign_id_string) = ANY(ids))"],
    ["EXPLODE(a)", "unnest(a)"],
    ["ARRAY_DISTINCT(a)", "ARRAY(SELECT DISTINCT unnest(a))"],
    ["NVL(a, 0)", "COALESCE(a, 0)"],
    ["IFNULL(a, 0)", "COALESCE(a, 0)"],
    ["NVL2(a, 'y', 'n')", "(CASE WHEN (a) IS NOT NULL THEN 'y' ELSE 'n' END)"],
    ["CONTAINED_IN(x, 'a', 'b')", "((x) IN ('a', 'b'))"],
    ["CHARINDEX('ab', s)", "strpos(s, 'ab')"],
    ["LOCATE('ab', s)", "strpos(s, 'ab')"],
    ["INSTR(s, 'ab')", "strpos(s, 'ab')"],
    ["REGEXP_REPLACE(s, 'a+', 'b')", "regexp_replace(s, 'a+', 'b', 'g')"],
    ["REGEXP_SPLIT(s, ',')", "regexp_split_to_array(s, ',')"],
    ["MEDIAN(x)", "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"],
    ["PERCENTILE(x, 0.9)", "percentile_cont(0.9) WITHIN GROUP (ORDER BY x)"],
    ["APPROX_PERCENTILE(x, 0.9)", "percentile_cont(0.9) WITHIN GROUP (ORDER BY x)"],
    ["HASH64(x)", "hashtextextended((x)::text, 0)"],
    ["CAST(x AS STRING)", "CAST(x AS text)"],
    ["CAST(x AS LONG)", "CAST(x AS bigint)"],
    ["CAST(x AS DOUBLE)", "CAST(x AS double precision)"],
    ["CAST(x AS DECIMAL(38, 4))", "CAST(x AS DECIMAL(38, 4))"],
    ["a SIMILAR TO '.*tv.*'", "a ~ '.*tv.*'"],
    ["a NOT SIMILAR TO '.*tv.*'", "a !~ '.*tv.*'"],
    ["CURRENT_DATE", "DATE '2025-04-30'"],
    ["CURRENT_TIMESTAMP", "TIMESTAMP '2025-04-30 15:04:05.678'"],
    ["CAST('today' AS DATE)", "DATE '2025-04-30'"],
    ["CAST('yesterday' AS DATE)", "DATE '2025-04-29'"],
    ["CAST('now' AS TIMESTAMP)", "TIMESTAMP '2025-04-30 15:04:05.678'"],
    // Object.prototype's names are ordinary strings, not day shifts: passed through unchanged.
    ["CAST('constructor' AS DATE)", "CAST('constructor' AS date)"],
    ["BUILT_IN_PARAMETER('TIME_WINDOW_START')", "TIMESTAMP '2025-01-01 00:00:00'"],
    ["BUILT_IN_PARAMETER('TIME_WINDOW_END')", "TIMESTAMP '2025-04-01 00:00:00'"],
    ["a / b", "a / CAST(NULLIF(b, 0) AS double precision)"],
    ["SUM(x) / 100000", "SUM(x) / CAST(100000 AS double precision)"],
    ["SUM(x) / NULLIF(SUM(y), 0)", "SUM(x) / CAST(NULLIF(SUM(y), 0) AS double precision)"],
    ["a / -b.c::int * 2", "a / CAST(NULLIF(-b.c::int, 0) AS double precision) * 2"],
    ["SUM(x) / SUM(SUM(x)) OVER ()", "SUM(x) / CAST(NULLIF(SUM(SUM(x)) OVER (), 0) AS double precision)"],
    ["GREATEST(a, b)", "(CASE WHEN (a) IS NULL OR (b) IS NULL THEN NULL ELSE GREATEST(a, b) END)"],
  ])("%s", (amc, pg) => {
    expect(tr(`SELECT ${amc}`)).toBe(`SELECT ${pg}`);
  });

  it("nests: translated arguments inside translated calls", () => {
    expect(tr("SELECT IF(NVL(a, 0) > 0, DAYOFWEEK(d), 0)")).toBe(
      "SELECT (CASE WHEN COALESCE(a, 0) > 0 THEN (EXTRACT(DOW FROM (d))::int + 1) ELSE 0 END)",
    );
  });

  it("never touches string literals or comments", () => {
    const q = "SELECT 'IF(a, b, c) / CURRENT_DATE NVL(x)' AS s, \"NVL\" /* IF(x,y,z) a/b */ -- CURRENT_DATE / 2\nFROM t";
    expect(tr(q)).toBe(q);
    expect(tr("SELECT 'it''s / NVL(x)' AS s")).toBe("SELECT 'it''s / NVL(x)' AS s");
  });

  it("leaves plain PostgreSQL-compatible SQL byte for byte", () => {
    const q = "SELECT campaign,\n  COUNT(DISTINCT user_id) AS users -- reach\nFROM dsp_impressions WHERE impressions > 0 GROUP BY 1";
    expect(tr(q)).toBe(q);
  });

  it("aliases subqueries in FROM that have none", () => {
    expect(tr("SELECT COUNT(x) FROM (SELECT 1 AS x)")).toBe("SELECT COUNT(x) FROM (SELECT 1 AS x) AS __q1");
    expect(tr("SELECT 1 FROM a JOIN (SELECT 1 AS k) ON true")).toBe("SELECT 1 FROM a JOIN (SELECT 1 AS k) AS __q1 ON true");
    expect(tr("SELECT 1 FROM a, (SELECT 1 AS k) WHERE true")).toBe("SELECT 1 FROM a, (SELECT 1 AS k) AS __q1 WHERE true");
    // Aliased ones, IN (subquery) and scalar subqueries stay as they are.
    expect(tr("SELECT 1 FROM (SELECT 1) q")).toBe("SELECT 1 FROM (SELECT 1) q");
    expect(tr("SELECT 1 FROM (SELECT 1) AS q")).toBe("SELECT 1 FROM (SELECT 1) AS q");
    expect(tr("SELECT (SELECT 1), 2 FROM t WHERE x IN (SELECT 1)")).toBe("SELECT (SELECT 1), 2 FROM t WHERE x IN (SELECT 1)");
  });

  it("turns TABLE(EXTEND_TIME_WINDOW(...)) into a widened view", () => {
    const t = translateAmcSql("SELECT COUNT(1) FROM TABLE(EXTEND_TIME_WINDOW('SPONSORED_ADS_TRAFFIC', 'P14D', 'P0D')) WHERE clicks > 0", ctx);
    expect(t.sql).toBe("SELECT COUNT(1) FROM pg_temp.__amc_ext_1 AS sponsored_ads_traffic WHERE clicks > 0");
    expect(t.extendedWindows).toEqual([{ view: "__amc_ext_1", table: "sponsored_ads_traffic", back: "P14D", forward: "P0D" }]);
    const aliased = translateAmcSql("SELECT COUNT(1) FROM TABLE(EXTEND_TIME_WINDOW('dsp_impressions', 'P7D', 'P1D')) i", ctx);
    expect(aliased.sql).toBe("SELECT COUNT(1) FROM pg_temp.__amc_ext_1 i");
  });

  it("rejects what the sandbox cannot run, with AMC-like messages", () => {
    expect(() => tr("SELECT CUSTOM_PARAMETER('x')")).toThrow(TranslationError);
    expect(() => tr("SELECT BUILT_IN_PARAMETER('NOPE')")).toThrow(/TIME_WINDOW_START/);
    expect(() => tr("SELECT IF(a, b)")).toThrow(/expected 3, got 2/);
    expect(() => tr("SELECT 1 FROM TABLE(EXTEND_TIME_WINDOW('nope', 'P1D', 'P0D'))")).toThrow(/not available/);
    expect(() => tr("SELECT 1 FROM TABLE(EXTEND_TIME_WINDOW('dsp_clicks', '14 days', 'P0D'))")).toThrow(/ISO-8601/);
    expect(() => tr("SELECT 'unterminated")).toThrow(/Unterminated string literal/);
  });
});

describe("translated SQL means in PostgreSQL what it meant in AMC", async () => {
  const { db } = await freshDatabase();
  const one = async (amcExpr: string): Promise<string | null> => {
    const rows = await db.execute<{ v: string | null }>(sql.raw(`SELECT (${tr(`SELECT ${amcExpr}`).slice(7)})::text AS v`));
    return rows[0]?.v ?? null;
  };

  it.each([
    ["IF(1 > 0, 'yes', 'no')", "yes"],
    // 2025-01-05 is a Sunday: AMC counts 1 = Sunday.
    ["DAYOFWEEK(DATE '2025-01-05')", "1"],
    ["DAYOFWEEK(DATE '2025-01-11')", "7"],
    ["SECONDS_BETWEEN(TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-01 01:00:30')", "3630.000000"],
    ["SECONDS_BETWEEN(DATE '2025-01-02', DATE '2025-01-01')", "-86400.000000"],
    ["HOUR(TIMESTAMP '2025-01-01 13:45:00')", "13"],
    ["HOUR(DATE '2025-01-01')", "0"],
    ["DAYOFMONTH(DATE '2025-03-31')", "31"],
    ["MONTH(DATE '2025-03-31')", "3"],
    ["YEAR(DATE '2025-03-31')", "2025"],
    ["CONVERT_TIME_ZONE_FROM_UTC(TIMESTAMP '2025-01-01 12:00:00', 'America/New_York')", "2025-01-01 07:00:00"],
    ["CONVERT_TIME_ZONE_FROM_UTC(TIMESTAMP '2025-07-01 12:00:00', 'America/New_York')", "2025-07-01 08:00:00"],
    ["EPOCH_TO_UTC_TIMESTAMP(1735689600)", "2025-01-01 00:00:00"],
    ["EPOCH_TO_UTC_TIMESTAMP(1735689600000)", "2025-01-01 00:00:00"],
    ["ARRAY_CONTAINS(ARRAY['a', 'b'], 'b')", "true"],
    ["ARRAY_CONTAINS(ARRAY['a', 'b'], 'c')", "false"],
    ["NVL2(NULL, 'y', 'n')", "n"],
    ["IFNULL(NULL, 3)", "3"],
    ["'Twitch Web' SIMILAR TO '.*Web$'", "true"],
    ["CHARINDEX('lo', 'hello')", "4"],
    ["LOCATE('lo', 'hello')", "4"],
    ["INSTR('hello', 'lo')", "4"],
    ["1 / 4", "0.25"],
    ["1 / 0", null],
    ["7 / 2 * 2", "7"],
    ["CAST(12 AS STRING)", "12"],
    ["CAST('9007199254740993' AS LONG)", "9007199254740993"],
    ["CONTAINED_IN(2, 1, 2, 3)", "true"],
    ["REGEXP_REPLACE('a-b-c', '-', '+')", "a+b+c"],
    ["GREATEST(1, NULL)", null],
    ["LEAST(3, 2)", "2"],
    ["CURRENT_DATE", "2025-04-30"],
    ["CAST('today' AS DATE)", "2025-04-30"],
    ["BUILT_IN_PARAMETER('TIME_WINDOW_START')", "2025-01-01 00:00:00"],
  ])("%s → %s", async (amcExpr, expected) => {
    expect(await one(amcExpr)).toBe(expected);
  });

  it("aggregates: COLLECT, ARRAY_SORT, MEDIAN, PERCENTILE", async () => {
    const q = tr(`SELECT ARRAY_TO_STRING(ARRAY_SORT(COLLECT(DISTINCT v)), ',') AS s, MEDIAN(n) AS med,
      PERCENTILE(n, 0.9) AS p90, CARDINALITY(COLLECT(v)) AS c
      FROM (VALUES ('b', 1), ('a', 2), ('b', 3), ('c', 10)) AS t(v, n)`);
    const [row] = await db.execute<{ s: string; med: number; p90: number; c: number }>(sql.raw(q));
    expect(row).toMatchObject({ s: "a,b,c", med: 2.5, c: 4 });
    expect(row?.p90).toBeCloseTo(7.9, 9);
  });

  it("a FROM subquery without alias runs", async () => {
    const [row] = await db.execute<{ n: string }>(sql.raw(tr("SELECT COUNT(*)::text AS n FROM (SELECT 1 AS x UNION ALL SELECT 2)")));
    expect(row?.n).toBe("2");
  });
});
