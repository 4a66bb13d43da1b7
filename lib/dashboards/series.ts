import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";

/** Windows that end within this many days of now may still be restated by AMC. */
export const PROVISIONAL_DAYS = 14;
/** A chart never gets more groups than this (the data table says when it was cut). */
export const MAX_GROUPS = 2000;
/** Pseudo column: group by the execution's time window instead of a result column. */
export const WINDOW_COLUMN = "@window";

export interface DateRange {
  /** Inclusive first day (UTC), YYYY-MM-DD. */
  from?: string | null;
  /** Inclusive last day (UTC), YYYY-MM-DD. */
  to?: string | null;
}

export interface SeriesRequest {
  x?: string | null;
  series?: string | null;
  y: string[];
  aggregate?: "sum" | "avg" | "max" | "ratio";
}

export interface SeriesPoint {
  x: string | null;
  series: string | null;
  values: (number | null)[];
  provisional: boolean;
}

export interface CombinedWindow {
  executionUuid: string;
  executionId: string;
  start: Date | null;
  end: Date | null;
  rowCount: number;
  columns: string[];
  completedAt: Date | null;
  provisional: boolean;
}

export const provisionalCutoff = (now: Date) => new Date(now.getTime() - PROVISIONAL_DAYS * 86_400_000);

const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);
const dayAfter = (d: string) => new Date(dayStart(d).getTime() + 86_400_000);

/**
 * The de-duplicated windows of a report: of all its completed executions with a stored result
 * (manual, scheduled, backfill segments), the newest per (window_start, window_end). A window is
 * in the range when it overlaps [from, to + 1 day).
 */
export function latestWindowsSql(reportUuid: string, range: DateRange): SQL {
  const from = range.from ? dayStart(range.from).toISOString() : null;
  const to = range.to ? dayAfter(range.to).toISOString() : null;
  return sql`
    SELECT DISTINCT ON (er.window_start, er.window_end)
           er.execution_id, e.execution_id AS human_id, er.window_start, er.window_end, er.columns, er.row_count,
           e.completed_at
    FROM execution_results er
    JOIN report_executions e ON e.id = er.execution_id
    WHERE er.report_id = ${reportUuid} AND e.status = 'completed'
      AND (${from}::timestamptz IS NULL OR er.window_end IS NULL OR er.window_end > ${from}::timestamptz)
      AND (${to}::timestamptz IS NULL OR er.window_start IS NULL OR er.window_start < ${to}::timestamptz)
    ORDER BY er.window_start, er.window_end, e.completed_at DESC NULLS LAST, e.created_at DESC, er.execution_id DESC`;
}

export async function combinedWindows(db: Database, reportUuid: string, range: DateRange, now: Date): Promise<CombinedWindow[]> {
  const cutoff = provisionalCutoff(now);
  const rows = await db.execute<{
    execution_id: string;
    human_id: string;
    window_start: string | null;
    window_end: string | null;
    columns: string[];
    row_count: number;
    completed_at: string | null;
  }>(sql`SELECT * FROM (${latestWindowsSql(reportUuid, range)}) l ORDER BY l.window_start NULLS FIRST, l.window_end`);
  return rows.map((r) => {
    const end = r.window_end ? new Date(r.window_end) : null;
    return {
      executionUuid: r.execution_id,
      executionId: r.human_id,
      start: r.window_start ? new Date(r.window_start) : null,
      end,
      rowCount: r.row_count,
      columns: r.columns,
      completedAt: r.completed_at ? new Date(r.completed_at) : null,
      provisional: end !== null && end > cutoff,
    };
  });
}

/** The position (0-based) of column `name` in the execution's columns array, found in SQL. */
const colIndex = (name: string) =>
  sql`(SELECT (c.o - 1)::int FROM jsonb_array_elements_text(l.columns) WITH ORDINALITY AS c(name, o) WHERE c.name = ${name} LIMIT 1)`;

// A cell counts as a number when it looks like one; anything else is ignored by the aggregate.
const NUMERIC_RE = "^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$";
const num = (cell: SQL) => sql`CASE WHEN ${cell} ~ ${NUMERIC_RE} THEN (${cell})::numeric END`;

/**
 * One widget's data over the report's combined result, aggregated in SQL: rows of the newest
 * execution per window, grouped by the widget's x and series columns (found by name in each
 * execution's `columns`), y columns summed (or averaged / maxed). A group is provisional when
 * any window contributing to it ends within the last PROVISIONAL_DAYS days.
 * (combinedSeriesSql is the statement, exported for the benchmark's EXPLAIN.)
 */
export function combinedSeriesSql(reportUuid: string, req: SeriesRequest, range: DateRange, now: Date): SQL {
  const ys = req.y.slice(0, 12);
  const agg = req.aggregate === "avg" ? sql.raw("AVG") : req.aggregate === "max" ? sql.raw("MAX") : sql.raw("SUM");
  const xExpr = !req.x
    ? sql`NULL::text`
    : req.x === WINDOW_COLUMN
      ? sql`to_char(c.window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
      : sql`r.cells ->> c.xi`;
  const sExpr = req.series ? sql`r.cells ->> c.si` : sql`NULL::text`;
  const valueExprs = ys.map((_, i) => sql`(${agg}(${num(sql`r.cells ->> c.yis[${sql.raw(String(i + 1))}]`)}))::float8`);
  const valuesArray = ys.length ? sql`ARRAY[${sql.join(valueExprs, sql`, `)}]` : sql`ARRAY[]::float8[]`;
  const cutoff = provisionalCutoff(now).toISOString();
  const yArray = ys.length ? sql`ARRAY[${sql.join(ys.map((y) => colIndex(y)), sql`, `)}]::int[]` : sql`ARRAY[]::int[]`;
  const xIdx = req.x && req.x !== WINDOW_COLUMN ? colIndex(req.x) : sql`NULL::int`;
  const sIdx = req.series ? colIndex(req.series) : sql`NULL::int`;
  return sql`
    WITH l AS (${latestWindowsSql(reportUuid, range)}),
    c AS MATERIALIZED (
      SELECT l.execution_id, l.window_start, l.window_end, ${xIdx} AS xi, ${sIdx} AS si, ${yArray} AS yis FROM l
    )
    SELECT ${xExpr} AS x, ${sExpr} AS s, to_jsonb(${valuesArray}) AS v,
           bool_or(c.window_end > ${cutoff}::timestamptz) AS provisional
    FROM c JOIN execution_result_rows r ON r.execution_id = c.execution_id
    GROUP BY 1, 2
    ORDER BY 1 NULLS LAST, 2 NULLS LAST
    LIMIT ${MAX_GROUPS + 1}`;
}

export async function combinedSeries(
  db: Database,
  reportUuid: string,
  req: SeriesRequest,
  range: DateRange,
  now: Date,
): Promise<{ points: SeriesPoint[]; truncated: boolean }> {
  const rows = await db.execute<{ x: string | null; s: string | null; v: (number | null)[]; provisional: boolean }>(
    combinedSeriesSql(reportUuid, req, range, now),
  );
  const points = rows.slice(0, MAX_GROUPS).map((r) => ({
    x: r.x,
    series: r.s,
    values: (r.v ?? []).map((v) => (v === null ? null : Number(v))),
    provisional: r.provisional === true,
  }));
  return { points, truncated: rows.length > MAX_GROUPS };
}

/** A metric card's single value: sum / avg / max of y[0], or sum(y[0]) / sum(y[1]) for "ratio". */
export async function combinedMetric(
  db: Database,
  reportUuid: string,
  req: SeriesRequest,
  range: DateRange,
  now: Date,
): Promise<{ value: number | null; provisional: boolean }> {
  const ratio = req.aggregate === "ratio";
  const { points } = await combinedSeries(
    db,
    reportUuid,
    { y: ratio ? req.y.slice(0, 2) : req.y.slice(0, 1), aggregate: ratio ? "sum" : req.aggregate },
    range,
    now,
  );
  const p = points[0];
  if (!p) return { value: null, provisional: false };
  if (ratio) {
    const [a, b] = p.values;
    return { value: a != null && b ? a / b : null, provisional: p.provisional };
  }
  return { value: p.values[0] ?? null, provisional: p.provisional };
}
