import { TranslationError } from "./error";

/** An AMC function the sandbox rewrites: what arguments it takes, and its PostgreSQL. */
interface AmcFunction {
  /** How many arguments it takes, or a check of them that returns AMC's message when they are wrong. */
  args: number | ((args: string[], name: string) => string | undefined);
  sql: (args: string[], name: string) => string;
}

const EXTRACT_UNITS: Record<string, { unit: string; needsTimestamp: boolean }> = {
  HOUR: { unit: "HOUR", needsTimestamp: true },
  MINUTE: { unit: "MINUTE", needsTimestamp: true },
  SECOND: { unit: "SECOND", needsTimestamp: true },
  MONTH: { unit: "MONTH", needsTimestamp: false },
  YEAR: { unit: "YEAR", needsTimestamp: false },
  QUARTER: { unit: "QUARTER", needsTimestamp: false },
  DAYOFMONTH: { unit: "DAY", needsTimestamp: false },
  DAYOFYEAR: { unit: "DOY", needsTimestamp: false },
  // PostgreSQL's WEEK is the ISO week; AMC's week numbering is not documented.
  WEEK: { unit: "WEEK", needsTimestamp: false },
};

const extractFunctions = Object.entries(EXTRACT_UNITS).map(([name, { unit, needsTimestamp }]): [string, AmcFunction] => [
  name,
  {
    args: 1,
    sql: ([v]) => {
      const x = needsTimestamp ? `(${v})::timestamp` : `(${v})`;
      return name === "SECOND" ? `(floor(EXTRACT(SECOND FROM ${x}))::int)` : `(EXTRACT(${unit} FROM ${x})::int)`;
    },
  },
]);

const setOperators: Record<string, string> = { ARRAY_UNION: "UNION", ARRAY_INTERSECT: "INTERSECT", ARRAY_COMPLEMENT: "EXCEPT" };

/**
 * AMC functions the sandbox rewrites into PostgreSQL, by upper-case name. Each takes its
 * arguments already translated; the calls that need the token tree (COLLECT, ARRAY_SORT over
 * COLLECT, CAST, BUILT_IN_PARAMETER) are the translator's.
 */
const AMC_FUNCTIONS = new Map<string, AmcFunction>([
  ...extractFunctions,
  ["IF", { args: 3, sql: (a) => `(CASE WHEN ${a[0]} THEN ${a[1]} ELSE ${a[2]} END)` }],
  ["NVL", { args: 2, sql: (a) => `COALESCE(${a.join(", ")})` }],
  ["IFNULL", { args: 2, sql: (a) => `COALESCE(${a.join(", ")})` }],
  ["NVL2", { args: 3, sql: (a) => `(CASE WHEN (${a[0]}) IS NOT NULL THEN ${a[1]} ELSE ${a[2]} END)` }],
  ["SECONDS_BETWEEN", { args: 2, sql: (a) => `EXTRACT(EPOCH FROM ((${a[1]})::timestamp - (${a[0]})::timestamp))` }],
  // AMC: 1 = Sunday; PostgreSQL DOW: 0 = Sunday.
  ["DAYOFWEEK", { args: 1, sql: (a) => `(EXTRACT(DOW FROM (${a[0]}))::int + 1)` }],
  [
    "CONVERT_TIME_ZONE_FROM_UTC",
    { args: 2, sql: (a) => `(((${a[0]})::timestamp AT TIME ZONE 'UTC') AT TIME ZONE (${a[1]}))` },
  ],
  [
    "EPOCH_TO_UTC_TIMESTAMP",
    {
      args: 1,
      sql: (a) => {
        // AMC accepts seconds or milliseconds.
        const x = `(${a[0]})`;
        return `(to_timestamp(CASE WHEN ${x} > 100000000000 THEN ${x} / 1000.0 ELSE ${x} END) AT TIME ZONE 'UTC')`;
      },
    },
  ],
  // ARRAY_SORT(COLLECT(...)) is the translator's; this is ARRAY_SORT of an array value.
  ["ARRAY_SORT", { args: 1, sql: (a) => `ARRAY(SELECT __x FROM unnest(${a[0]}) AS __s(__x) ORDER BY 1)` }],
  ["ARRAY_CONTAINS", { args: 2, sql: (a) => `((${a[1]}) = ANY(${a[0]}))` }],
  ["EXPLODE", { args: 1, sql: (a) => `unnest(${a[0]})` }],
  ["ARRAY_DISTINCT", { args: 1, sql: (a) => `ARRAY(SELECT DISTINCT unnest(${a[0]}))` }],
  ...Object.entries(setOperators).map(([name, op]): [string, AmcFunction] => [
    name,
    { args: 2, sql: (a) => `ARRAY(SELECT unnest(${a[0]}) ${op} SELECT unnest(${a[1]}))` },
  ]),
  [
    "NAMED_ROW",
    {
      args: (a) => (a.length === 0 || a.length % 2 !== 0 ? "NAMED_ROW expects name/value pairs" : undefined),
      sql: (a) => `ROW(${a.filter((_, k) => k % 2 === 1).join(", ")})`,
    },
  ],
  [
    "CONTAINED_IN",
    {
      args: (a) => (a.length < 2 ? "CONTAINED_IN expects a value and at least one candidate" : undefined),
      sql: (a) => `((${a[0]}) IN (${a.slice(1).join(", ")}))`,
    },
  ],
  ["REGEXP_SPLIT", { args: 2, sql: (a) => `regexp_split_to_array(${a.join(", ")})` }],
  ["REGEXP_SUBSTR", { args: 2, sql: (a) => `substring((${a[0]}) from (${a[1]}))` }],
  // AMC replaces every match (Java replaceAll); PostgreSQL only the first without 'g'.
  ["REGEXP_REPLACE", { args: 3, sql: (a) => `regexp_replace(${a.join(", ")}, 'g')` }],
  ["CHARINDEX", { args: 2, sql: (a) => `strpos(${a[1]}, ${a[0]})` }],
  ["LOCATE", { args: 2, sql: (a) => `strpos(${a[1]}, ${a[0]})` }],
  ["INSTR", { args: 2, sql: (a) => `strpos(${a[0]}, ${a[1]})` }],
  ["MEDIAN", { args: 1, sql: (a) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${a[0]})` }],
  ["PERCENTILE", { args: 2, sql: (a) => `percentile_cont(${a[1]}) WITHIN GROUP (ORDER BY ${a[0]})` }],
  ["APPROX_PERCENTILE", { args: 2, sql: (a) => `percentile_cont(${a[1]}) WITHIN GROUP (ORDER BY ${a[0]})` }],
  [
    "SKEWNESS",
    {
      args: 1,
      sql: (a) => {
        const x = `(${a[0]})::double precision`;
        const m1 = `avg(${x})`;
        const m2 = `avg(${x} ^ 2)`;
        const m3 = `avg(${x} ^ 3)`;
        // Population skewness from raw moments: (E[x³] − 3μE[x²] + 2μ³) / (E[x²] − μ²)^1.5.
        return `((${m3} - 3 * ${m1} * ${m2} + 2 * ${m1} ^ 3) / NULLIF((${m2} - ${m1} ^ 2) ^ 1.5, 0))`;
      },
    },
  ],
  ["HASH64", { args: 1, sql: (a) => `hashtextextended((${a[0]})::text, 0)` }],
  ["UUID", { args: 0, sql: () => "gen_random_uuid()::text" }],
  ...["GREATEST", "LEAST"].map((name): [string, AmcFunction] => [
    name,
    {
      args: (a, n) => (a.length < 1 ? `${n} expects at least one argument` : undefined),
      sql: (a, n) => {
        // AMC returns NULL when any input is NULL; PostgreSQL ignores NULL inputs.
        const anyNull = a.map((x) => `(${x}) IS NULL`).join(" OR ");
        return `(CASE WHEN ${anyNull} THEN NULL ELSE ${n}(${a.join(", ")}) END)`;
      },
    },
  ]),
]);

/** True when the translator rewrites calls of this (upper-case) function name. */
export function isAmcFunction(name: string): boolean {
  return AMC_FUNCTIONS.has(name);
}

/** The PostgreSQL for a call of the AMC function `name` with translated arguments. */
export function amcFunctionSql(name: string, args: string[]): string {
  const fn = AMC_FUNCTIONS.get(name);
  if (!fn) throw new Error(`not an AMC function the sandbox rewrites: ${name}`);
  let wrong: string | undefined;
  if (typeof fn.args !== "number") wrong = fn.args(args, name);
  else if (args.length !== fn.args) {
    wrong = `Invalid number of arguments for function ${name}: expected ${fn.args}, got ${args.length}`;
  }
  if (wrong !== undefined) throw new TranslationError(wrong);
  return fn.sql(args, name);
}
