import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { cellNumber, cellText } from "../../db/queries/result-cells";
import type { ResultColumnSlot } from "../../db/schema/result-slots";

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
  resultKey: number;
  columnSlots: ResultColumnSlot[];
  /** Retention removed this window's rows (its place on the dashboard says so). */
  expired: boolean;
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
           e.completed_at, er.result_key, er.column_slots, er.expired_at
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
    result_key: string;
    column_slots: ResultColumnSlot[];
    expired_at: string | null;
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
      resultKey: Number(r.result_key),
      columnSlots: r.column_slots,
      expired: r.expired_at !== null,
    };
  });
}

// ---- rollups ---------------------------------------------------------------------------------

/** Widget shapes share a rollup when they group by the same columns and read the same values. */
export function rollupSpec(req: SeriesRequest): string {
  const x = req.x && req.x !== WINDOW_COLUMN ? req.x : null;
  const key = JSON.stringify({ v: 1, x, s: req.series ?? null, y: req.y.slice(0, 12) });
  return createHash("sha256").update(key).digest("base64url").slice(0, 22);
}

const slotOf = (w: Pick<CombinedWindow, "columns" | "columnSlots">, name: string | null | undefined) => {
  if (!name) return null;
  const i = w.columns.indexOf(name);
  return i >= 0 ? (w.columnSlots[i] ?? null) : null;
};

/**
 * Makes sure every window's result has its rollup for this widget shape: per (x, series) group,
 * the sum, count and max of each value. Results whose columns sit in the same typed slots are
 * rolled up by one set-based statement; a window is claimed through result_rollups_done in the
 * same statement, so concurrent viewers never double a rollup (the second waits, then finds it
 * claimed and done). Returns how many results were rolled up now.
 */
export async function ensureRollups(db: Database, spec: string, req: SeriesRequest, windows: CombinedWindow[]): Promise<number> {
  const live = windows.filter((w) => !w.expired);
  if (!live.length) return 0;
  const keys = live.map((w) => w.resultKey);
  const missing = await db.execute<{ result_key: string }>(sql`
    SELECT k AS result_key FROM unnest(${sql.raw(`ARRAY[${keys.join(",")}]::bigint[]`)}) k
    WHERE NOT EXISTS (SELECT 1 FROM result_rollups_done d WHERE d.spec = ${spec} AND d.result_key = k)`);
  if (!missing.length) return 0;
  const todo = new Set(missing.map((m) => Number(m.result_key)));
  const ys = req.y.slice(0, 12);
  const xName = req.x && req.x !== WINDOW_COLUMN ? req.x : null;
  // Results with the same slots for x, series and the values share one statement.
  const groups = new Map<string, CombinedWindow[]>();
  for (const w of live) {
    if (!todo.has(w.resultKey)) continue;
    const sig = JSON.stringify([slotOf(w, xName), slotOf(w, req.series), ys.map((y) => slotOf(w, y))]);
    groups.set(sig, [...(groups.get(sig) ?? []), w]);
  }
  let done = 0;
  for (const ws of groups.values()) {
    const w = ws[0]!;
    const xSlot = slotOf(w, xName);
    const sSlot = slotOf(w, req.series);
    const xExpr = xSlot ? cellText(xSlot) : sql`NULL::text`;
    const sExpr = sSlot ? cellText(sSlot) : sql`NULL::text`;
    const nums = ys.map((y) => {
      const slot = slotOf(w, y);
      return slot ? cellNumber(slot) : sql`NULL::numeric`;
    });
    const arr = (f: (n: SQL) => SQL, type: string) =>
      nums.length ? sql`ARRAY[${sql.join(nums.map(f), sql`, `)}]` : sql.raw(`ARRAY[]::${type}[]`);
    const groupKeys = ws.map((x) => x.resultKey).join(",");
    const inserted = await db.execute<{ n: number }>(sql`
      WITH claimed AS (
        INSERT INTO result_rollups_done (spec, result_key)
        SELECT ${spec}, k FROM unnest(${sql.raw(`ARRAY[${groupKeys}]::bigint[]`)}) k
        ON CONFLICT DO NOTHING
        RETURNING result_key
      ), rolled AS (
        INSERT INTO result_rollups (spec, result_key, group_no, x, s, sums, counts, maxes)
        SELECT ${spec}, r.result_key, row_number() OVER (PARTITION BY r.result_key), ${xExpr}, ${sExpr},
               ${arr((n) => sql`sum(${n})`, "numeric")}, ${arr((n) => sql`count(${n})`, "bigint")}, ${arr((n) => sql`max(${n})`, "numeric")}
        FROM execution_result_rows r
        WHERE r.result_key IN (SELECT result_key FROM claimed)
        GROUP BY r.result_key, 4, 5
        RETURNING 1
      )
      SELECT (SELECT count(*)::int FROM claimed) AS n`);
    done += inserted[0]?.n ?? 0;
  }
  return done;
}

/**
 * One widget's data over the report's combined result: the newest execution per window, grouped
 * by the widget's x and series columns (found by name in each result's columns), y values summed
 * (or averaged / maxed). Read from the widget shape's rollups (ensureRollups), so a year of weekly
 * segments is a few hundred rows to add up, not every stored row. A group is provisional when any
 * window contributing to it ends within the last PROVISIONAL_DAYS days.
 * (combinedSeriesSql is the statement over the windows combinedWindows found, which it is given
 * rather than finding them again; exported for the benchmark's EXPLAIN.)
 */
export function combinedSeriesSql(windows: CombinedWindow[], req: SeriesRequest): SQL {
  const ys = req.y.slice(0, 12);
  const spec = rollupSpec(req);
  const xExpr = !req.x
    ? sql`NULL::text`
    : req.x === WINDOW_COLUMN
      ? sql`l.day`
      : sql`u.x`;
  const value = (i: number) => {
    const k = sql.raw(String(i + 1));
    if (req.aggregate === "avg") return sql`(sum(u.sums[${k}]) / NULLIF(sum(u.counts[${k}]), 0))::float8`;
    if (req.aggregate === "max") return sql`max(u.maxes[${k}])::float8`;
    return sql`(CASE WHEN sum(u.counts[${k}]) > 0 THEN sum(u.sums[${k}]) END)::float8`;
  };
  const valuesArray = ys.length ? sql`ARRAY[${sql.join(ys.map((_, i) => value(i)), sql`, `)}]` : sql`ARRAY[]::float8[]`;
  const live = windows.filter((w) => !w.expired);
  const rows = live.map((w) => sql`(${w.resultKey}::bigint, ${w.start ? w.start.toISOString().slice(0, 10) : null}::text, ${w.provisional}::boolean)`);
  // No window: an empty answer of the same shape.
  const l = rows.length ? sql`(VALUES ${sql.join(rows, sql`, `)}) AS l(result_key, day, provisional)` : sql`(SELECT NULL::bigint AS result_key, NULL::text AS day, false AS provisional WHERE false) l`;
  return sql`
    SELECT ${xExpr} AS x, ${req.series ? sql`u.s` : sql`NULL::text`} AS s, to_jsonb(${valuesArray}) AS v,
           bool_or(l.provisional) AS provisional
    FROM ${l} JOIN result_rollups u ON u.spec = ${spec} AND u.result_key = l.result_key
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
  const windows = await combinedWindows(db, reportUuid, range, now);
  await ensureRollups(db, rollupSpec(req), req, windows);
  const rows = await db.execute<{ x: string | null; s: string | null; v: (number | null)[]; provisional: boolean }>(combinedSeriesSql(windows, req));
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
