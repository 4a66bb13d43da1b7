import { describe, expect, it } from "vitest";
import { type RuleCode, analyzeAmcSql, checkAmcSql } from "./rules";
import { CATALOG_QUERIES } from "../../../test/sandbox-queries";

const codes = (q: string): RuleCode[] => checkAmcSql(q).map((v) => v.code);

describe("static rules: rejections with AMC-like messages", () => {
  it.each<[string, string, RuleCode, RegExp]>([
    ["SELECT *", "SELECT * FROM dsp_impressions", "SELECT_STAR", /SELECT \* is not supported/],
    ["t.*", "SELECT i.*, COUNT(DISTINCT user_id) AS u FROM dsp_impressions i GROUP BY 1", "SELECT_STAR", /SELECT \* is not supported/],
    ["LIMIT", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1 LIMIT 10", "LIMIT_NOT_SUPPORTED", /LIMIT is not supported/],
    ["top-level ORDER BY", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1 ORDER BY 2 DESC", "ORDER_BY_NOT_SUPPORTED", /only supported inside window functions/],
    ["ORDER BY in a CTE", "WITH a AS (SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1 ORDER BY 1) SELECT campaign, u FROM a", "ORDER_BY_NOT_SUPPORTED", /ORDER BY/],
    ["RIGHT JOIN", "SELECT a.campaign, COUNT(DISTINCT b.user_id) AS u FROM dsp_impressions a RIGHT JOIN dsp_clicks b ON a.request_tag = b.request_tag GROUP BY 1", "RIGHT_JOIN_NOT_SUPPORTED", /RIGHT JOIN is not supported/],
    ["RIGHT OUTER JOIN", "SELECT a.campaign, COUNT(DISTINCT b.user_id) AS u FROM dsp_impressions a RIGHT OUTER JOIN dsp_clicks b ON true GROUP BY 1", "RIGHT_JOIN_NOT_SUPPORTED", /RIGHT JOIN/],
    ["no aggregate", "SELECT campaign, impressions FROM dsp_impressions", "NO_AGGREGATE", /at least one aggregate function/],
    ["window aggregate only", "SELECT campaign, SUM(impressions) OVER (PARTITION BY campaign) AS s FROM dsp_impressions", "NO_AGGREGATE", /aggregate/],
    ["user_id in output", "SELECT user_id, COUNT(*) AS n FROM dsp_impressions GROUP BY 1", "RESTRICTED_COLUMN_IN_OUTPUT", /'user_id' has aggregation threshold VERY_HIGH/],
    ["request_tag via a CTE alias", "WITH x AS (SELECT request_tag AS rt, COUNT(*) AS n FROM dsp_impressions GROUP BY 1) SELECT rt, SUM(n) AS n FROM x GROUP BY 1", "RESTRICTED_COLUMN_IN_OUTPUT", /'request_tag'/],
    ["MAX(event_id)", "SELECT campaign, MAX(event_id) AS e, COUNT(DISTINCT user_id) AS u FROM sponsored_ads_traffic GROUP BY 1", "RESTRICTED_COLUMN_IN_OUTPUT", /'event_id'/],
    ["conversion_id", "SELECT conversion_id, COUNT(DISTINCT user_id) AS u FROM conversions GROUP BY 1", "RESTRICTED_COLUMN_IN_OUTPUT", /conversion_id/],
    ["INTERNAL marketplace_id", "SELECT marketplace_id, COUNT(DISTINCT user_id) AS u FROM conversions_all GROUP BY 1", "RESTRICTED_COLUMN_IN_OUTPUT", /INTERNAL/],
    ["postal_code = literal", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE postal_code = 'US-10001' GROUP BY 1", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /'postal_code' has aggregation threshold HIGH and cannot be compared with literal values/],
    ["postal_code IN list", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE postal_code IN ('US-1', 'US-2') GROUP BY 1", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /postal_code/],
    ["LOWER(city_name) LIKE", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE LOWER(city_name) LIKE 'new%' GROUP BY 1", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /city_name/],
    ["user_id = 'x'", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE user_id = 'abc' GROUP BY 1", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /'user_id' has aggregation threshold VERY_HIGH/],
    ["literal on the left", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE 'abc' = i.user_id GROUP BY 1", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /user_id/],
    ["CASE WHEN on user_id", "SELECT CASE WHEN user_id = 'abc' THEN 'x' ELSE 'y' END AS g, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /user_id/],
    ["derived alias of postal_code", "WITH x AS (SELECT postal_code AS pc, user_id FROM dsp_impressions) SELECT COUNT(DISTINCT user_id) AS u FROM x WHERE pc = 'US-1'", "LITERAL_FILTER_ON_RESTRICTED_COLUMN", /postal_code/],
    ["unknown function", "SELECT campaign, COUNT(DISTINCT user_id) AS u, MAX(pg_sleep(1)::text) AS s FROM dsp_impressions GROUP BY 1", "UNKNOWN_FUNCTION", /Undefined function: pg_sleep/],
    ["set_config", "SELECT set_config('role', 'postgres', true) AS r, COUNT(DISTINCT user_id) AS u FROM dsp_impressions", "UNKNOWN_FUNCTION", /set_config/],
    ["quoted function name", "SELECT \"set_config\"('role', 'postgres', true) AS r, COUNT(DISTINCT user_id) AS u FROM dsp_impressions", "UNKNOWN_FUNCTION", /set_config/],
    ["unicode-escaped function name", "SELECT U&\"set\\005fconfig\"('role', 'postgres', true) AS r, COUNT(DISTINCT user_id) AS u FROM dsp_impressions", "SYNTAX_ERROR", /Unicode-escaped/],
    ["function in FROM", "SELECT COUNT(*) AS n FROM dsp_impressions, query_to_xml('select 1', false, false, '') x", "UNKNOWN_FUNCTION", /query_to_xml/],
    ["schema-qualified function", "SELECT pg_catalog.now() AS r, COUNT(DISTINCT user_id) AS u FROM dsp_impressions", "UNKNOWN_FUNCTION", /pg_catalog.now/],
    ["physical table", "SELECT COUNT(DISTINCT user_id) AS u FROM amc_sandbox.dsp_impressions", "UNKNOWN_TABLE", /Table or view not found: amc_sandbox.dsp_impressions/],
    ["app table", "SELECT COUNT(*) AS n FROM public.users", "UNKNOWN_TABLE", /public.users/],
    ["two statements", "SELECT COUNT(*) AS n FROM dsp_impressions; DROP TABLE dsp_impressions", "MULTIPLE_STATEMENTS", /one statement/],
    ["trailing semicolon", "SELECT COUNT(*) AS n FROM dsp_impressions;", "MULTIPLE_STATEMENTS", /trailing semicolon/],
    ["INSERT", "INSERT INTO dsp_impressions (campaign) VALUES ('x')", "NOT_A_SELECT", /Only SELECT queries are supported/],
    ["CREATE TABLE", "CREATE TABLE t AS SELECT COUNT(*) FROM dsp_impressions", "NOT_A_SELECT", /'CREATE'/],
    ["syntax", "SELECT COUNT(*) FROM (dsp_impressions", "SYNTAX_ERROR", /Unbalanced/],
  ])("%s", (_name, q, code, message) => {
    const violations = checkAmcSql(q);
    const hit = violations.find((v) => v.code === code);
    expect(hit, JSON.stringify(violations)).toBeDefined();
    expect(hit?.message).toMatch(message);
  });

  it("reports every violation, each once", () => {
    expect(codes("SELECT user_id FROM dsp_impressions ORDER BY 1 LIMIT 5").sort()).toEqual(
      ["LIMIT_NOT_SUPPORTED", "NO_AGGREGATE", "ORDER_BY_NOT_SUPPORTED", "RESTRICTED_COLUMN_IN_OUTPUT"].sort(),
    );
  });
});

describe("static rules: legal queries pass", () => {
  it.each(Object.entries(CATALOG_QUERIES))("catalog %s", (_name, q) => {
    expect(checkAmcSql(q)).toEqual([]);
  });

  it.each([
    ["COUNT(DISTINCT user_id) and user_id joins", "SELECT a.campaign, COUNT(DISTINCT a.user_id) AS u FROM dsp_impressions a JOIN dsp_clicks b ON a.user_id = b.user_id WHERE a.user_id IS NOT NULL GROUP BY 1"],
    ["ORDER BY inside OVER, RANK in a subquery", "SELECT campaign, sales, u FROM (SELECT campaign, SUM(total_product_sales) AS sales, COUNT(DISTINCT user_id) AS u, RANK() OVER (ORDER BY SUM(total_product_sales) DESC) AS rnk FROM amazon_attributed_events_by_conversion_time GROUP BY 1) r WHERE rnk <= 5"],
    ["HAVING on a user count", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1 HAVING COUNT(DISTINCT user_id) > 10"],
    ["postal_code as a dimension", "SELECT postal_code, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1"],
    ["literals on LOW columns", "SELECT campaign, COUNT(DISTINCT user_id) AS u FROM dsp_impressions WHERE device_type = 'TV' AND campaign_id_string IN ('1', '2') GROUP BY 1"],
    ["LEFT/RIGHT string functions", "SELECT LEFT(campaign, 3) AS c, RIGHT(campaign, 2) AS d, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1, 2"],
    ["user_id only tested for NULL in the output", "SELECT IF(user_id IS NULL, 'unresolved', 'resolved') AS a, SUM(impressions) AS i, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1"],
    ["EXTEND_TIME_WINDOW", "SELECT COUNT(DISTINCT user_id) AS u FROM TABLE(EXTEND_TIME_WINDOW('dsp_impressions', 'P14D', 'P0D'))"],
    ["text that looks like violations inside literals and comments", "SELECT campaign, COUNT(DISTINCT user_id) AS u /* LIMIT 5; SELECT * */ FROM dsp_impressions WHERE campaign <> 'ORDER BY; RIGHT JOIN' GROUP BY 1 -- LIMIT"],
  ])("%s", (_name, q) => {
    expect(checkAmcSql(q)).toEqual([]);
  });
});

describe("what the threshold filter needs", () => {
  it("finds COUNT(DISTINCT user_id) and lower bounds of it through CTEs", () => {
    const t01 = analyzeAmcSql(CATALOG_QUERIES.T01);
    expect(t01.outputColumns.map((c) => c.name)).toContain("users_min");
    expect(t01.userCountColumns).toEqual([t01.outputColumns.findIndex((c) => c.name === "users_min")]);
    expect(t01.threshold).toBe(2);
    const t03 = analyzeAmcSql(CATALOG_QUERIES.T03);
    expect(t03.userCountColumns.map((i) => t03.outputColumns[i]?.name)).toEqual(["reach", "purchasers"]);
  });

  it("does not take a re-selected dimension for a user count", () => {
    const a = analyzeAmcSql("WITH x AS (SELECT campaign, COUNT(*) AS n FROM dsp_impressions GROUP BY 1) SELECT campaign, n FROM x");
    expect(a.userCountColumns).toEqual([]);
  });

  it("uses a __du column and hides it", () => {
    const a = analyzeAmcSql("SELECT campaign, SUM(impressions) AS imps, COUNT(DISTINCT user_id) AS __du FROM dsp_impressions GROUP BY 1");
    expect(a.userCountColumns).toEqual([2]);
    expect(a.hiddenColumns).toEqual([2]);
  });

  it.each([
    ["LOW dimensions → 2", "SELECT campaign, device_type, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1, 2", 2],
    ["HIGH postal_code → 100", "SELECT postal_code, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1", 100],
    ["MEDIUM _dt → 100", "SELECT impression_dt, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1", 100],
    ["MEDIUM through an alias → 100", "WITH x AS (SELECT bid_price AS b, user_id FROM dsp_impressions) SELECT b, COUNT(DISTINCT user_id) AS u FROM x GROUP BY 1", 100],
    ["_date is LOW → 2", "SELECT impression_date, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1", 2],
    ["metrics only → 1", "SELECT SUM(impressions) AS i, COUNT(DISTINCT user_id) AS u FROM dsp_impressions", 1],
    ["a condition on MEDIUM only groups → 2", "SELECT IF(impression_dt_utc < TIMESTAMP '2025-02-01 00:00:00', 'early', 'late') AS half, COUNT(DISTINCT user_id) AS u FROM dsp_impressions GROUP BY 1", 2],
  ])("%s", (_name, q, threshold) => {
    expect(analyzeAmcSql(q).threshold).toBe(threshold);
  });
});
