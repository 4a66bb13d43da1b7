import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboardWidgets } from "../../db/schema";
import type { WidgetConfig } from "./create";
import { resultRowsAt } from "../results/read";
import { combinedMetric, combinedSeries, combinedWindows, ensureRollups, rollupSpec, type DateRange, type SeriesPoint, type SeriesRequest } from "./series";

export type WidgetData =
  | { kind: "xy"; categories: string[]; series: { name: string; values: (number | null)[] }[]; provisional: boolean[]; points: SeriesPoint[]; yNames: string[]; truncated: boolean }
  | { kind: "metric"; value: number | null; provisional: boolean }
  | { kind: "rows"; columns: string[]; rows: { cells: (string | null)[]; provisional: boolean }[] }
  | { kind: "unbound"; reason: string };

/**
 * The series request a widget's data is aggregated from (its rollup's shape), or null for a
 * widget that reads rows or is not bound yet. The one mapping from a widget's config to its
 * aggregate: loadWidgetData and the rollup warm-up both use it.
 */
export function widgetSeriesRequest(widget: { widgetType: string; config: unknown }): SeriesRequest | null {
  const c = (widget.config ?? {}) as WidgetConfig;
  const y = Array.isArray(c.y) ? c.y.filter((v) => typeof v === "string") : [];
  if (!y.length) return null;
  if (widget.widgetType === "metric_card") {
    const ratio = c.aggregate === "ratio";
    return { y: ratio ? y.slice(0, 2) : y.slice(0, 1), aggregate: ratio ? "sum" : c.aggregate };
  }
  const aggregate = c.aggregate === "ratio" ? "sum" : c.aggregate;
  if (widget.widgetType === "funnel" && !c.x) return { y, aggregate };
  return { x: c.x ?? null, series: c.series ?? null, y, aggregate };
}

/**
 * Builds the rollups of one new result for every widget of a dashboard (the engine's follow-up of
 * a completed run), so the first view after a run reads rollups instead of rows.
 */
export async function warmWidgetRollups(db: Database, dashboardUuid: string, reportUuid: string, executionUuid: string, now: Date) {
  const widgets = await db.select().from(dashboardWidgets).where(eq(dashboardWidgets.dashboardId, dashboardUuid));
  const window = (await combinedWindows(db, reportUuid, {}, now)).filter((w) => w.executionUuid === executionUuid);
  if (!window.length) return 0;
  let built = 0;
  for (const w of widgets) {
    const req = widgetSeriesRequest(w);
    if (req) built += await ensureRollups(db, rollupSpec(req), req, window);
  }
  return built;
}

/** A widget's data over the combined result, shaped for its chart and the table under it. */
export async function loadWidgetData(
  db: Database,
  reportUuid: string,
  widget: { widgetType: string; config: unknown },
  range: DateRange,
  now: Date,
): Promise<WidgetData> {
  const c = (widget.config ?? {}) as WidgetConfig;
  const req = widgetSeriesRequest(widget);
  if (widget.widgetType === "table" && !c.x && !req) {
    return { kind: "rows", ...(await combinedRowsPreview(db, reportUuid, range, now, 100)) };
  }
  if (!req) {
    return { kind: "unbound", reason: widget.widgetType === "metric_card" ? "Pick a value column for this card." : "Pick at least one value (y) column." };
  }
  const y = req.y;
  if (widget.widgetType === "metric_card") {
    return { kind: "metric", ...(await combinedMetric(db, reportUuid, { y, aggregate: c.aggregate }, range, now)) };
  }
  if (widget.widgetType === "funnel" && !c.x) {
    const { points } = await combinedSeries(db, reportUuid, req, range, now);
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
  const { points, truncated } = await combinedSeries(db, reportUuid, req, range, now);
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

/**
 * The first `limit` rows of the combined result (newest window first), for table widgets, each
 * window's columns mapped by name onto the newest window's.
 */
export async function combinedRowsPreview(db: Database, reportUuid: string, range: DateRange, now: Date, limit: number) {
  const windows = (await combinedWindows(db, reportUuid, range, now)).filter((w) => !w.expired).reverse();
  const columns = windows[0]?.columns ?? [];
  const rows: { cells: (string | null)[]; provisional: boolean }[] = [];
  for (const w of windows) {
    if (rows.length >= limit) break;
    const cells = await resultRowsAt(db, w, 0, limit - rows.length);
    const at = columns.map((c) => w.columns.indexOf(c));
    for (const r of cells) rows.push({ cells: at.map((i) => (i >= 0 ? (r[i] ?? null) : null)), provisional: w.provisional });
  }
  return { columns, rows };
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
