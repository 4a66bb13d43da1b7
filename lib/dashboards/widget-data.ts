import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { WidgetConfig } from "./create";
import { combinedMetric, combinedSeries, latestWindowsSql, provisionalCutoff, type DateRange, type SeriesPoint } from "./series";

export type WidgetData =
  | { kind: "xy"; categories: string[]; series: { name: string; values: (number | null)[] }[]; provisional: boolean[]; points: SeriesPoint[]; yNames: string[]; truncated: boolean }
  | { kind: "metric"; value: number | null; provisional: boolean }
  | { kind: "rows"; columns: string[]; rows: { cells: (string | null)[]; provisional: boolean }[] }
  | { kind: "unbound"; reason: string };

/** A widget's data over the combined result, shaped for its chart and the table under it. */
export async function loadWidgetData(
  db: Database,
  reportUuid: string,
  widget: { widgetType: string; config: unknown },
  range: DateRange,
  now: Date,
): Promise<WidgetData> {
  const c = (widget.config ?? {}) as WidgetConfig;
  const y = Array.isArray(c.y) ? c.y.filter((v) => typeof v === "string") : [];
  if (widget.widgetType === "metric_card") {
    if (!y.length) return { kind: "unbound", reason: "Pick a value column for this card." };
    const m = await combinedMetric(db, reportUuid, { y, aggregate: c.aggregate }, range, now);
    return { kind: "metric", ...m };
  }
  if (widget.widgetType === "table" && !c.x && !y.length) {
    return { kind: "rows", ...(await combinedRowsPreview(db, reportUuid, range, now, 100)) };
  }
  if (!y.length) return { kind: "unbound", reason: "Pick at least one value (y) column." };
  if (widget.widgetType === "funnel" && !c.x) {
    const { points } = await combinedSeries(db, reportUuid, { y, aggregate: c.aggregate === "ratio" ? "sum" : c.aggregate }, range, now);
    const p = points[0];
    return {
      kind: "xy",
      categories: y,
      series: [{ name: "value", values: y.map((_, i) => p?.values[i] ?? null) }],
      provisional: y.map(() => p?.provisional ?? false),
      points: p ? y.map((name, i) => ({ x: name, series: null, values: [p.values[i] ?? null], provisional: p.provisional })) : [],
      yNames: ["value"],
      truncated: false,
    };
  }
  const { points, truncated } = await combinedSeries(
    db,
    reportUuid,
    { x: c.x ?? null, series: c.series ?? null, y, aggregate: c.aggregate === "ratio" ? "sum" : c.aggregate },
    range,
    now,
  );
  const categories = [...new Set(points.map((p) => p.x ?? "(all)"))];
  const index = new Map(categories.map((k, i) => [k, i]));
  const provisional = categories.map(() => false);
  let series: { name: string; values: (number | null)[] }[];
  if (c.series) {
    // One series per value of the series column (the 8 largest), of the first y column.
    const totals = new Map<string, number>();
    for (const p of points) totals.set(p.series ?? "(none)", (totals.get(p.series ?? "(none)") ?? 0) + Math.abs(p.values[0] ?? 0));
    const names = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k]) => k);
    series = names.map((name) => ({ name, values: categories.map(() => null as number | null) }));
    for (const p of points) {
      const i = index.get(p.x ?? "(all)")!;
      if (p.provisional) provisional[i] = true;
      const s = series.find((s) => s.name === (p.series ?? "(none)"));
      if (s) s.values[i] = p.values[0] ?? null;
    }
  } else {
    series = y.map((name) => ({ name, values: categories.map(() => null as number | null) }));
    for (const p of points) {
      const i = index.get(p.x ?? "(all)")!;
      if (p.provisional) provisional[i] = true;
      y.forEach((_, k) => (series[k]!.values[i] = p.values[k] ?? null));
    }
  }
  return { kind: "xy", categories, series, provisional, points, yNames: c.series ? [y[0]!] : y, truncated };
}

/** The first `limit` rows of the combined result (newest window first), for table widgets. */
export async function combinedRowsPreview(db: Database, reportUuid: string, range: DateRange, now: Date, limit: number) {
  const rows = await db.execute<{ columns: string[]; cells: (string | null)[]; provisional: boolean }>(sql`
    WITH l AS (${latestWindowsSql(reportUuid, range)})
    SELECT l.columns, r.cells, (l.window_end > ${provisionalCutoff(now).toISOString()}::timestamptz) AS provisional
    FROM (SELECT * FROM l ORDER BY window_start DESC NULLS LAST, window_end DESC LIMIT ${limit}) l
    CROSS JOIN LATERAL (
      SELECT cells, row_no FROM execution_result_rows r WHERE r.execution_id = l.execution_id ORDER BY row_no LIMIT ${limit}
    ) r
    ORDER BY l.window_start DESC NULLS LAST, l.window_end DESC, r.row_no
    LIMIT ${limit}`);
  const columns = rows[0]?.columns ?? [];
  return {
    columns,
    rows: rows.map((r) => ({ cells: columns.map((c) => r.cells[r.columns.indexOf(c)] ?? null), provisional: r.provisional === true })),
  };
}

/** Runs of the report that are not (yet) in the dashboard: in flight, or failed without a newer success. */
export async function pendingWork(db: Database, reportUuid: string) {
  const [row] = await db.execute<{ in_flight: number; failed: number }>(sql`
    SELECT count(*) FILTER (WHERE e.status IN ('pending', 'running'))::int AS in_flight,
           count(*) FILTER (WHERE e.status = 'failed' AND NOT EXISTS (
             SELECT 1 FROM execution_results er JOIN report_executions e2 ON e2.id = er.execution_id
             WHERE er.report_id = e.report_id AND e2.status = 'completed'
               AND er.window_start IS NOT DISTINCT FROM e.time_window_start AND er.window_end IS NOT DISTINCT FROM e.time_window_end))::int AS failed
    FROM report_executions e WHERE e.report_id = ${reportUuid}`);
  return { inFlight: row?.in_flight ?? 0, failed: row?.failed ?? 0 };
}
