/**
 * What the sandbox knows about AMC: its table names and how each is windowed (amc-data-model.md
 * §2.6), the aggregation-threshold class of each column (§1.0) and the functions AMC SQL offers
 * (§2.2). Shared by the rules, the translator and the runner.
 */

export const SANDBOX_SCHEMA = "amc_sandbox";
export const SANDBOX_READER_ROLE = "amc_sandbox_reader";

export interface SandboxTable {
  /** The name AMC SQL uses. */
  amcName: string;
  /** The table in schema amc_sandbox behind it. */
  physical: string;
  /** The UTC time column the execution window restricts. */
  windowColumn: string;
}

export const SANDBOX_TABLES: readonly SandboxTable[] = [
  { amcName: "dsp_impressions", physical: "dsp_impressions", windowColumn: "impression_dt_utc" },
  { amcName: "dsp_clicks", physical: "dsp_clicks", windowColumn: "click_dt_utc" },
  { amcName: "dsp_views", physical: "dsp_views", windowColumn: "event_dt_utc" },
  { amcName: "sponsored_ads_traffic", physical: "sponsored_ads_traffic", windowColumn: "event_dt_utc" },
  {
    amcName: "amazon_attributed_events_by_conversion_time",
    physical: "amazon_attributed_events",
    windowColumn: "conversion_event_dt_utc",
  },
  {
    amcName: "amazon_attributed_events_by_traffic_time",
    physical: "amazon_attributed_events",
    windowColumn: "traffic_event_dt_utc",
  },
  { amcName: "conversions", physical: "conversions", windowColumn: "event_dt_utc" },
  {
    amcName: "conversions_with_relevance",
    physical: "conversions_with_relevance",
    windowColumn: "event_dt_utc",
  },
  { amcName: "conversions_all", physical: "conversions_all", windowColumn: "event_dt_utc" },
];

export function sandboxTable(amcName: string): SandboxTable | undefined {
  const lower = amcName.toLowerCase();
  return SANDBOX_TABLES.find((t) => t.amcName === lower);
}

// ---------------------------------------------------------------------------------------------
// Aggregation-threshold classes

export type ThresholdClass = "NONE" | "LOW" | "MEDIUM" | "HIGH" | "VERY_HIGH" | "INTERNAL";

const CLASS_RANK: Record<ThresholdClass, number> = {
  NONE: 0,
  LOW: 1,
  MEDIUM: 2,
  HIGH: 3,
  VERY_HIGH: 4,
  INTERNAL: 5,
};

export function maxClass(a: ThresholdClass, b: ThresholdClass): ThresholdClass {
  return CLASS_RANK[a] >= CLASS_RANK[b] ? a : b;
}

export function classAtLeast(c: ThresholdClass, min: ThresholdClass): boolean {
  return CLASS_RANK[c] >= CLASS_RANK[min];
}

const VERY_HIGH = new Set([
  "user_id",
  "device_id",
  "request_tag",
  "impression_id",
  "event_id",
  "traffic_event_id",
  "conversion_id",
  "event_source",
]);
const INTERNAL = new Set(["marketplace_id", "sns_subscription_id"]);
const HIGH = new Set(["postal_code", "city_name"]);
const MEDIUM = new Set(["bid_price", "click_cost"]);

/**
 * The class AMC gives a column name when it is above LOW, else undefined (LOW, NONE, aliases:
 * the caller decides by where the name is used). Every `<x>_dt` / `<x>_dt_utc` event timestamp is MEDIUM; flight dates
 * (`campaign_start_dt`, `line_item_end_dt`…) are LOW like the `_date` variants.
 */
export function columnClass(name: string): ThresholdClass | undefined {
  const n = name.toLowerCase();
  if (VERY_HIGH.has(n)) return "VERY_HIGH";
  if (INTERNAL.has(n)) return "INTERNAL";
  if (HIGH.has(n)) return "HIGH";
  if (MEDIUM.has(n)) return "MEDIUM";
  if (/_dt(_utc)?$/.test(n) && !/_(start|end)_dt(_utc)?$/.test(n)) return "MEDIUM";
  return undefined;
}

/** Users a row needs for a column class (§1.0). */
export function classThreshold(c: ThresholdClass): number {
  switch (c) {
    case "NONE":
      return 1;
    case "LOW":
      return 2;
    default:
      return 100;
  }
}

// ---------------------------------------------------------------------------------------------
// Functions

/** Aggregates whose result carries no single user's value (the output is a NONE metric). */
export const METRIC_AGGREGATES = new Set([
  "COUNT",
  "SUM",
  "AVG",
  "STDDEV",
  "STDDEV_POP",
  "STDDEV_SAMP",
  "VARIANCE",
  "VAR_POP",
  "VAR_SAMP",
  "MEDIAN",
  "PERCENTILE",
  "APPROX_PERCENTILE",
  "SKEWNESS",
]);

/** Aggregates that return one of their inputs, so the output keeps the input's class. */
export const VALUE_AGGREGATES = new Set(["MIN", "MAX", "COLLECT"]);

/** Window-only functions (they never make a query aggregate). */
export const WINDOW_FUNCTIONS = new Set([
  "ROW_NUMBER",
  "RANK",
  "DENSE_RANK",
  "NTILE",
  "PERCENT_RANK",
  "CUME_DIST",
  "LAG",
  "LEAD",
  "FIRST_VALUE",
  "LAST_VALUE",
]);

/** Scalar functions of AMC SQL (§2.2) that the sandbox runs (translated or as they are). */
export const SCALAR_FUNCTIONS = new Set([
  "IF",
  "CASE",
  "CAST",
  "EXTRACT",
  "DATE_TRUNC",
  "HOUR",
  "MINUTE",
  "SECOND",
  "MONTH",
  "YEAR",
  "WEEK",
  "QUARTER",
  "DAYOFMONTH",
  "DAYOFWEEK",
  "DAYOFYEAR",
  "SECONDS_BETWEEN",
  "CONVERT_TIME_ZONE_FROM_UTC",
  "EPOCH_TO_UTC_TIMESTAMP",
  "COALESCE",
  "NVL",
  "IFNULL",
  "NVL2",
  "NULLIF",
  "GREATEST",
  "LEAST",
  "CONCAT",
  "LOWER",
  "UPPER",
  "TRIM",
  "LTRIM",
  "RTRIM",
  "REPLACE",
  "SUBSTRING",
  "SUBSTR",
  "LENGTH",
  "LEFT",
  "RIGHT",
  "REGEXP_REPLACE",
  "REGEXP_SUBSTR",
  "REGEXP_SPLIT",
  "STRPOS",
  "INSTR",
  "CHARINDEX",
  "LOCATE",
  "POSITION",
  "ARRAY_SORT",
  "ARRAY_TO_STRING",
  "ARRAY_CONTAINS",
  "CARDINALITY",
  "EXPLODE",
  "ARRAY_DISTINCT",
  "ARRAY_UNION",
  "ARRAY_INTERSECT",
  "ARRAY_COMPLEMENT",
  "ARRAY_CAT",
  "ARRAY_REMOVE",
  "NAMED_ROW",
  "ROUND",
  "FLOOR",
  "CEIL",
  "CEILING",
  "TRUNC",
  "ABS",
  "SIGN",
  "MOD",
  "POWER",
  "SQRT",
  "LN",
  "LOG",
  "EXP",
  "RANDOM",
  "UUID",
  "HASH64",
  "MD5",
  "CONTAINED_IN",
  "BUILT_IN_PARAMETER",
  "CUSTOM_PARAMETER",
  "EXTEND_TIME_WINDOW",
]);

export function isAggregate(name: string): boolean {
  const n = name.toUpperCase();
  return METRIC_AGGREGATES.has(n) || VALUE_AGGREGATES.has(n);
}

export function isKnownFunction(name: string): boolean {
  const n = name.toUpperCase();
  return isAggregate(n) || WINDOW_FUNCTIONS.has(n) || SCALAR_FUNCTIONS.has(n);
}
