import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { listWidgets } from "@/db/queries/dashboards";
import { dashboardForUserOrThrow } from "@/lib/auth/guards";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { alignSeries, comparedPeriods, firstIssue, periodQuerySchema, presetPeriod, type Period, type PeriodQuery } from "@/lib/dashboards/compare";
import type { WidgetConfig } from "@/lib/dashboards/create";
import { combinedWindows, PROVISIONAL_DAYS, WINDOW_COLUMN, type CombinedWindow, type DateRange } from "@/lib/dashboards/series";
import { loadWidgetData, pendingWork, type WidgetData } from "@/lib/dashboards/widget-data";
import { windowDays } from "@/lib/params/zoned";
import { formatWindow } from "@/app/_components/format";
import { formatValue, FunnelChart, PieChart, XYChart, type NumberFormat } from "../charts";
import { ComparedTable, MetricComparison } from "../compare-views";
import { DownloadLinks, FavoriteStar, RemoveWidgetButton, WidgetEditor } from "../controls";
import type { PageArgs } from "@/lib/http/search-params";
import { formatCell } from "@/lib/results/format";

export const metadata: Metadata = { title: "Dashboard" };

// The date range's days are UTC days (lib/dashboards/series.ts); windows are shown in the report's zone.
const utcDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (now: Date, n: number) => utcDay(new Date(now.getTime() - n * 86_400_000));
const periodLabel = (p: Period) => (p.from === p.to ? p.from : `${p.from} – ${p.to}`);
/** The windows' span as the user reads it: first day – last day (inclusive) in the report's zone. */
const spanLabel = (windows: CombinedWindow[], zone: string | null) => (windows.length ? formatWindow(windows[0]!.start, windows.at(-1)!.end, zone) : "—");

export default async function DashboardPage({ params, searchParams }: PageArgs<{ dashboardId: string }>) {
  const user = await requireUser();
  const { dashboardId } = await params;
  const sp = await searchParams;
  const parsed = periodQuerySchema.safeParse(sp);
  // A bad address is said on the page; the dashboard shows as if it had no dates.
  const query: PeriodQuery = parsed.success ? parsed.data : periodQuerySchema.parse({});
  let problem = parsed.success ? null : firstIssue(parsed.error);
  const range: DateRange = { from: query.from ?? null, to: query.to ?? null };
  const db = getDb();
  const view = await orNotFound(dashboardForUserOrThrow(db, user, dashboardId));
  const zone = view.reportTimezone;
  const now = new Date();
  const [widgets, windows, work] = await Promise.all([
    listWidgets(db, view.dashboard.id),
    view.reportUuid ? combinedWindows(db, view.reportUuid, range, now) : Promise.resolve([] as CombinedWindow[]),
    view.reportUuid ? pendingWork(db, view.reportUuid) : Promise.resolve({ inFlight: 0, failed: 0 }),
  ]);

  // A preset becomes dates in the address, so a bookmark compares the same days next week too.
  if (query.cmp === "previous" || query.cmp === "last_year") {
    const first = windows[0]?.start;
    const last = windows.at(-1)?.end;
    const current: Period | null =
      query.from && query.to ? { from: query.from, to: query.to } : first && last ? { from: utcDay(first), to: utcDay(new Date(last.getTime() - 1)) } : null;
    if (current) {
      const base = presetPeriod(query.cmp, current);
      redirect(`/dashboards/${dashboardId}?${new URLSearchParams({ from: current.from, to: current.to, cmp_from: base.from, cmp_to: base.to })}`);
    }
    problem = "There is no data to compare yet: choose a date range first.";
  }
  const periods = comparedPeriods(query);

  const load = (r: DateRange) => Promise.all(widgets.map((w) => loadWidgetData(db, view.reportUuid!, w, r, now)));
  const [data, baseWindows, baseData] = await Promise.all([
    windows.length > 0 && view.reportUuid ? load(range) : Promise.resolve([] as WidgetData[]),
    periods && view.reportUuid ? combinedWindows(db, view.reportUuid, periods.base, now) : Promise.resolve([] as CombinedWindow[]),
    periods && windows.length > 0 && view.reportUuid ? load(periods.base) : Promise.resolve(null),
  ]);
  const comparison = periods && baseData ? { periods, labels: { current: periodLabel(periods.current), base: periodLabel(periods.base) } } : null;

  const columns = [...new Set([...windows].reverse().flatMap((w) => w.columns))];
  const gaps = windows.slice(1).filter((w, i) => w.start && windows[i]!.end && w.start > windows[i]!.end!).length;
  const exportQuery = new URLSearchParams(
    Object.entries({ from: range.from, to: range.to, cmp_from: periods?.base.from, cmp_to: periods?.base.to }).filter((e): e is [string, string] => !!e[1]),
  );
  const exportHref = (format: string) => `/api/dashboards/${dashboardId}/export?${new URLSearchParams([...exportQuery, ["format", format]])}`;
  const raw = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string) : "");
  // The select shows what the address asked for, even when a date in it was refused.
  const compareChoice = periods ? "custom" : parsed.success ? (query.cmp ?? "none") : raw("cmp") || (raw("cmp_from") || raw("cmp_to") ? "custom" : "none");

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm"><Link href="/dashboards" className="text-indigo-700 hover:underline">Dashboards</Link></p>
          <h1 className="mt-1 flex items-center gap-2 text-xl font-semibold">
            {view.dashboard.name}
            <FavoriteStar dashboardId={dashboardId} favorite={view.isFavorite} name={view.dashboard.name} />
          </h1>
          <p className="mt-1 flex flex-wrap gap-3 text-sm text-slate-600">
            {view.reportId && <Link href={`/reports/${view.reportId}`} className="font-mono text-xs text-indigo-700 hover:underline">{view.reportId}</Link>}
            <span>{view.instanceName ?? "—"}</span>
            <span data-testid="dashboard-span">{windows.length} window{windows.length === 1 ? "" : "s"}{windows.length > 0 && `: ${spanLabel(windows, zone)}`}</span>
          </p>
        </div>
        {windows.length > 0 && (
          <DownloadLinks
            links={[
              { format: "csv", label: comparison ? "Download CSV with comparison" : "Download CSV", href: exportHref("csv") },
              { format: "xlsx", label: comparison ? "Download XLSX with comparison" : "Download XLSX", href: exportHref("xlsx") },
            ]}
          />
        )}
      </div>

      <form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" aria-label="Date range">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">From</span>
          <input type="date" name="from" defaultValue={query.from ?? raw("from")} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">To</span>
          <input type="date" name="to" defaultValue={query.to ?? raw("to")} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">Compare with</span>
          <select name="cmp" defaultValue={compareChoice} className="rounded border border-slate-300 px-2 py-1">
            <option value="none">No comparison</option>
            <option value="previous">Previous period (same length)</option>
            <option value="last_year">Same period last year</option>
            <option value="custom">These dates:</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">Compare from</span>
          <input type="date" name="cmp_from" defaultValue={query.cmp_from ?? raw("cmp_from")} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">Compare to</span>
          <input type="date" name="cmp_to" defaultValue={query.cmp_to ?? raw("cmp_to")} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">Apply</button>
        <span className="flex gap-3 text-indigo-700">
          {[28, 91, 364].map((n) => (
            <Link key={n} href={`?from=${daysAgo(now, n)}&to=${daysAgo(now, 0)}`} className="hover:underline">Last {n / 7} weeks</Link>
          ))}
          <Link href="?" className="hover:underline">All</Link>
        </span>
        <p className="basis-full text-xs text-slate-500">Days are UTC days; a window counts when it overlaps them. Windows below are shown in the report&apos;s zone{zone ? ` (${zone})` : ""}.</p>
      </form>

      {problem && (
        <p role="alert" data-testid="period-problem" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {problem} The dashboard below shows all dates without a comparison.
        </p>
      )}

      {comparison && (
        <div data-testid="compare-summary" className="rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-950">
          <p>
            Comparing <strong>{comparison.labels.current}</strong> with <strong>{comparison.labels.base}</strong>: values, then the comparison&apos;s, the change (Δ) and the change in % of the comparison.
          </p>
          <p className="text-xs text-indigo-900">
            This period: {windows.length} window{windows.length === 1 ? "" : "s"} ({spanLabel(windows, zone)}) · Comparison: {baseWindows.length} window{baseWindows.length === 1 ? "" : "s"}
            {baseWindows.length > 0 ? ` (${spanLabel(baseWindows, zone)})` : ""}
          </p>
          {baseWindows.length === 0 && <p role="status" className="mt-1 text-amber-900">No completed runs in the comparison period: its values show as —.</p>}
        </div>
      )}

      {windows.length === 0 ? (
        <p data-testid="dashboard-empty" className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
          {range.from || range.to ? "No completed runs in this date range." : "No completed runs yet."}{" "}
          {work.inFlight > 0 ? `${work.inFlight} run${work.inFlight === 1 ? " is" : "s are"} in progress; the charts appear when one completes.` : view.reportId ? <>Run the report from <Link href={`/reports/${view.reportId}`} className="text-indigo-700 hover:underline">its page</Link>.</> : null}
        </p>
      ) : (
        <>
          {(gaps > 0 || work.inFlight > 0 || work.failed > 0) && (
            <p data-testid="dashboard-partial" role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Partial data:
              {gaps > 0 && ` ${gaps} gap${gaps === 1 ? "" : "s"} between windows;`}
              {work.inFlight > 0 && ` ${work.inFlight} run${work.inFlight === 1 ? "" : "s"} still in progress;`}
              {work.failed > 0 && ` ${work.failed} failed run${work.failed === 1 ? "" : "s"} without a newer success;`}
              {" "}the charts show what has completed.
            </p>
          )}
          <WindowStrip windows={windows} zone={zone} />
        </>
      )}

      <div className="grid gap-4 lg:grid-cols-2">
        {widgets.map((w, i) => {
          const c = (w.config ?? {}) as WidgetConfig;
          return (
            <section key={w.id} data-testid="widget" data-widget-type={w.widgetType} className={`rounded-lg border border-slate-200 bg-white p-4 ${w.widgetType === "table" ? "lg:col-span-2" : ""}`}>
              <div className="flex items-start justify-between gap-2">
                <h2 className="font-semibold">{w.title}</h2>
                <div className="flex gap-3">
                  <WidgetEditor dashboardId={dashboardId} columns={columns} label="Edit" widget={{ id: w.id, widgetType: w.widgetType, title: w.title, ...c }} />
                  <RemoveWidgetButton dashboardId={dashboardId} widgetId={w.id} title={w.title} />
                </div>
              </div>
              {data[i] && (
                <Widget
                  type={w.widgetType}
                  title={w.title}
                  data={data[i]!}
                  format={c.format}
                  x={c.x}
                  compare={comparison && baseData?.[i] ? { base: baseData[i]!, periods: comparison.periods, labels: comparison.labels } : null}
                />
              )}
            </section>
          );
        })}
      </div>
      <div className="rounded-lg border border-dashed border-slate-300 bg-white p-4">
        <WidgetEditor dashboardId={dashboardId} columns={columns} label="+ Add widget" />
      </div>
    </div>
  );
}

function WindowStrip({ windows, zone }: { windows: CombinedWindow[]; zone: string | null }) {
  const expired = windows.some((w) => w.expired);
  return (
    <div className="text-xs text-slate-600">
      <p className="mb-1">
        Windows (newest run per window). <span className="rounded bg-amber-100 px-1 text-amber-900">Provisional</span> = ends within the last{" "}
        {PROVISIONAL_DAYS} days; AMC may still restate it.
        {expired && (
          <>
            {" "}
            <span className="rounded bg-slate-200 px-1 text-slate-500 line-through">Expired</span> = older than the retention period: its rows were removed and it adds nothing to the charts.
          </>
        )}
      </p>
      <ul className="flex flex-wrap gap-1" data-testid="window-strip">
        {windows.map((w) => (
          <li
            key={w.executionUuid}
            data-provisional={w.provisional}
            data-expired={w.expired}
            title={`${formatWindow(w.start, w.end, zone)} · ${w.executionId} · ${w.expired ? "expired (retention)" : `${w.rowCount} rows`}${w.provisional ? " · provisional" : ""}`}
            className={`rounded px-1.5 py-0.5 tabular-nums ${w.expired ? "bg-slate-200 text-slate-500 line-through" : w.provisional ? "bg-amber-100 text-amber-900" : "bg-slate-100"}`}
          >
            {w.start && w.end ? windowDays(w.start, w.end, zone).first : "—"}
            {w.provisional && " *"}
            {w.expired && <span className="sr-only"> (expired)</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface WidgetComparison {
  base: WidgetData;
  periods: { current: Period; base: Period };
  labels: { current: string; base: string };
}

function Widget({ type, title, data, format, x, compare }: { type: string; title: string; data: WidgetData; format?: NumberFormat; x?: string; compare: WidgetComparison | null }) {
  if (data.kind === "unbound") return <p className="mt-3 text-sm text-slate-500">{data.reason}</p>;
  if (data.kind === "metric") {
    return (
      <div className="mt-3">
        <p data-testid="metric-value" className="text-3xl font-semibold tabular-nums">{formatValue(data.value, format)}</p>
        {compare && <MetricComparison value={data.value} base={compare.base.kind === "metric" ? compare.base.value : null} format={format} baseLabel={compare.labels.base} />}
        {data.provisional && <p className="text-xs text-amber-800">includes provisional windows</p>}
      </div>
    );
  }
  if (data.kind === "rows") {
    return (
      <div className="mt-3 max-h-96 overflow-auto">
        {compare && (
          <p className="mb-2 text-xs text-slate-500">
            This table lists stored rows, so it shows this period only. To compare, edit it: pick an x column and value columns; the download has every row with its comparison.
          </p>
        )}
        <table className="min-w-full text-xs" data-testid="widget-table">
          <thead className="sticky top-0 bg-slate-50 text-left">
            <tr>{data.columns.map((c) => <th key={c} scope="col" className="px-2 py-1">{c}</th>)}<th /></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.rows.map((r, i) => (
              <tr key={i} className={r.provisional ? "bg-amber-50" : undefined}>
                {r.cells.map((v, k) => <td key={k} title={v ?? undefined} className="whitespace-nowrap px-2 py-1 tabular-nums">{formatCell(data.columns[k] ?? "", v)}</td>)}
                <td className="px-2 py-1 text-amber-800">{r.provisional ? "provisional" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-1 text-xs text-slate-500">First {data.rows.length} rows of the newest windows; download for everything.</p>
      </div>
    );
  }
  const xLabel = x === WINDOW_COLUMN ? "window" : (x ?? "");
  const base = compare?.base.kind === "xy" ? compare.base : compare ? { categories: [], series: [] } : null;
  const aligned = compare && base ? alignSeries(data, base, { current: compare.periods.current.from, base: compare.periods.base.from }) : null;
  if (data.categories.length === 0 && !aligned?.rows.length) return <p className="mt-3 text-sm text-slate-500">These columns have no values in this range.</p>;
  const kind = type === "bar" ? "bar" : type === "area" ? "area" : "line";
  const overlaid = type === "line" || type === "area";
  const index = new Map(data.categories.map((c, i) => [c, i]));
  // Compared, a line or area chart runs over the aligned positions, the comparison dashed.
  const overlay =
    aligned && compare && overlaid
      ? {
          categories: aligned.rows.map((r) => r.x ?? (aligned.byOffset ? `day ${r.offset! + 1}` : (r.baseX ?? ""))),
          series: aligned.names.map((name, k) => ({ name, values: aligned.rows.map((r) => r.current[k] ?? null) })),
          comparison: aligned.names.map((name, k) => ({ name, values: aligned.rows.map((r) => r.base[k] ?? null) })),
          provisional: aligned.rows.map((r) => (r.x !== null ? (data.provisional[index.get(r.x) ?? -1] ?? false) : false)),
        }
      : null;
  const chart =
    type === "pie" ? (
      <PieChart title={title} format={format} slices={data.categories.map((c, i) => ({ label: c, value: data.series[0]?.values[i] ?? 0, provisional: data.provisional[i]! }))} />
    ) : type === "funnel" ? (
      <FunnelChart title={title} format={format} stages={data.categories.map((c, i) => ({ label: c, value: data.series[0]?.values[i] ?? null }))} />
    ) : type === "table" ? null : (
      <XYChart kind={kind} title={title} format={format} data={overlay ?? data} />
    );
  return (
    <div className="mt-3 space-y-3">
      {chart}
      {overlay && compare && (
        <p data-testid="compare-legend" className="flex flex-wrap gap-4 text-xs text-slate-600">
          <span><span aria-hidden="true" className="mr-1 inline-block w-6 border-t-2 border-slate-600 align-middle" />{compare.labels.current}</span>
          <span><span aria-hidden="true" className="mr-1 inline-block w-6 border-t-2 border-dashed border-slate-600 align-middle" />{compare.labels.base} (comparison{aligned!.byOffset ? ", aligned by day from its start" : ""})</span>
        </p>
      )}
      {aligned && compare ? (
        <ComparedTable aligned={aligned} provisional={overlay?.provisional ?? aligned.rows.map((r) => (r.x !== null ? (data.provisional[index.get(r.x) ?? -1] ?? false) : false))} xLabel={xLabel} format={format} labels={compare.labels} />
      ) : (
        <div className="max-h-64 overflow-auto">
          <table className="min-w-full text-xs" data-testid="widget-table">
            <thead className="sticky top-0 bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-2 py-1">{xLabel}</th>
                {data.series.map((s) => <th key={s.name} scope="col" className="px-2 py-1 text-right">{s.name}</th>)}
                <th scope="col" className="px-2 py-1"><span className="sr-only">Provisional</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.categories.map((c, i) => (
                <tr key={c} data-provisional={data.provisional[i]} className={data.provisional[i] ? "bg-amber-50" : undefined}>
                  <td className="whitespace-nowrap px-2 py-1">{c}</td>
                  {data.series.map((s) => <td key={s.name} className="px-2 py-1 text-right tabular-nums">{formatValue(s.values[i], format)}</td>)}
                  <td className="px-2 py-1 text-amber-800">{data.provisional[i] ? "provisional" : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.truncated && <p className="mt-1 text-xs text-slate-500">Only the first groups are shown; narrow the range or pick another x column.</p>}
    </div>
  );
}
