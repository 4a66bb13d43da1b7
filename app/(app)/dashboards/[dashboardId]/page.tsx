import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { listWidgets } from "@/db/queries/dashboards";
import { dashboardForUserOrThrow } from "@/lib/auth/guards";
import { orNotFound, requireUser } from "@/lib/auth/session";
import type { WidgetConfig } from "@/lib/dashboards/create";
import { combinedWindows, PROVISIONAL_DAYS, WINDOW_COLUMN, type CombinedWindow, type DateRange } from "@/lib/dashboards/series";
import { loadWidgetData, pendingWork, type WidgetData } from "@/lib/dashboards/widget-data";
import { formatValue, FunnelChart, PieChart, XYChart, type NumberFormat } from "../charts";
import { FavoriteStar, RemoveWidgetButton, WidgetEditor } from "../controls";
import type { PageArgs } from "@/lib/http/search-params";
import { formatCell } from "@/lib/results/format";

export const metadata: Metadata = { title: "Dashboard" };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateParam = (v: string | string[] | undefined) => (typeof v === "string" && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : null);
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "—");
const lastDay = (d: Date | null) => (d ? new Date(d.getTime() - 1).toISOString().slice(0, 10) : "—");
const daysAgo = (now: Date, n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);

export default async function DashboardPage({ params, searchParams }: PageArgs<{ dashboardId: string }>) {
  const user = await requireUser();
  const { dashboardId } = await params;
  const sp = await searchParams;
  const range: DateRange = { from: dateParam(sp.from), to: dateParam(sp.to) };
  const db = getDb();
  const view = await orNotFound(dashboardForUserOrThrow(db, user, dashboardId));
  const now = new Date();
  const [widgets, windows, work] = await Promise.all([
    listWidgets(db, view.dashboard.id),
    view.reportUuid ? combinedWindows(db, view.reportUuid, range, now) : Promise.resolve([] as CombinedWindow[]),
    view.reportUuid ? pendingWork(db, view.reportUuid) : Promise.resolve({ inFlight: 0, failed: 0 }),
  ]);
  const data: WidgetData[] =
    windows.length > 0 && view.reportUuid
      ? await Promise.all(widgets.map((w) => loadWidgetData(db, view.reportUuid!, w, range, now)))
      : [];
  const columns = [...new Set([...windows].reverse().flatMap((w) => w.columns))];
  const gaps = windows.slice(1).filter((w, i) => w.start && windows[i]!.end && w.start > windows[i]!.end!).length;
  const rangeQuery = new URLSearchParams(Object.entries(range).filter((e): e is [string, string] => !!e[1]));
  const exportHref = (format: string) => `/api/dashboards/${dashboardId}/export?${new URLSearchParams([...rangeQuery, ["format", format]])}`;

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
            <span>{windows.length} window{windows.length === 1 ? "" : "s"}{windows.length > 0 && `: ${day(windows[0]!.start)} – ${lastDay(windows.at(-1)!.end)} (UTC)`}</span>
          </p>
        </div>
        {windows.length > 0 && (
          <div className="flex gap-2 text-sm">
            <a href={exportHref("csv")} className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">Download CSV</a>
            <a href={exportHref("xlsx")} className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">Download XLSX</a>
          </div>
        )}
      </div>

      <form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" aria-label="Date range">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">From</span>
          <input type="date" name="from" defaultValue={range.from ?? ""} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600">To</span>
          <input type="date" name="to" defaultValue={range.to ?? ""} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">Apply</button>
        <span className="flex gap-3 text-indigo-700">
          {[28, 91, 364].map((n) => (
            <Link key={n} href={`?from=${daysAgo(now, n)}&to=${daysAgo(now, 0)}`} className="hover:underline">Last {n / 7} weeks</Link>
          ))}
          <Link href="?" className="hover:underline">All</Link>
        </span>
      </form>

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
          <WindowStrip windows={windows} />
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
              {data[i] && <Widget type={w.widgetType} title={w.title} data={data[i]!} format={c.format} x={c.x} />}
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

function WindowStrip({ windows }: { windows: CombinedWindow[] }) {
  return (
    <div className="text-xs text-slate-600">
      <p className="mb-1">
        Windows (newest run per window). <span className="rounded bg-amber-100 px-1 text-amber-900">Provisional</span> = ends within the last{" "}
        {PROVISIONAL_DAYS} days; AMC may still restate it.
      </p>
      <ul className="flex flex-wrap gap-1" data-testid="window-strip">
        {windows.map((w) => (
          <li
            key={w.executionUuid}
            data-provisional={w.provisional}
            title={`${day(w.start)} – ${lastDay(w.end)} · ${w.executionId} · ${w.rowCount} rows${w.provisional ? " · provisional" : ""}`}
            className={`rounded px-1.5 py-0.5 tabular-nums ${w.provisional ? "bg-amber-100 text-amber-900" : "bg-slate-100"}`}
          >
            {day(w.start)}
            {w.provisional && " *"}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Widget({ type, title, data, format, x }: { type: string; title: string; data: WidgetData; format?: NumberFormat; x?: string }) {
  if (data.kind === "unbound") return <p className="mt-3 text-sm text-slate-500">{data.reason}</p>;
  if (data.kind === "metric") {
    return (
      <div className="mt-3">
        <p data-testid="metric-value" className="text-3xl font-semibold tabular-nums">{formatValue(data.value, format)}</p>
        {data.provisional && <p className="text-xs text-amber-800">includes provisional windows</p>}
      </div>
    );
  }
  if (data.kind === "rows") {
    return (
      <div className="mt-3 max-h-96 overflow-auto">
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
  if (data.categories.length === 0) return <p className="mt-3 text-sm text-slate-500">These columns have no values in this range.</p>;
  const chart =
    type === "pie" ? (
      <PieChart title={title} format={format} slices={data.categories.map((c, i) => ({ label: c, value: data.series[0]?.values[i] ?? 0, provisional: data.provisional[i]! }))} />
    ) : type === "funnel" ? (
      <FunnelChart title={title} format={format} stages={data.categories.map((c, i) => ({ label: c, value: data.series[0]?.values[i] ?? null }))} />
    ) : type === "table" ? null : (
      <XYChart kind={type === "bar" ? "bar" : type === "area" ? "area" : "line"} title={title} format={format} data={data} />
    );
  return (
    <div className="mt-3 space-y-3">
      {chart}
      <div className="max-h-64 overflow-auto">
        <table className="min-w-full text-xs" data-testid="widget-table">
          <thead className="sticky top-0 bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-2 py-1">{x === WINDOW_COLUMN ? "window" : (x ?? "")}</th>
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
        {data.truncated && <p className="mt-1 text-xs text-slate-500">Only the first groups are shown; narrow the range or pick another x column.</p>}
      </div>
    </div>
  );
}
