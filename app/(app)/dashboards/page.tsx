import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { dashboardInstances, DASHBOARDS_LIMIT, listDashboards } from "@/db/queries/dashboards";
import { requireUser } from "@/lib/auth/session";
import { formatWindow } from "@/app/_components/format";
import { LocalTime } from "@/app/_components/local-time";
import { FavoriteStar } from "./controls";
import { z } from "zod";
import { searchParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Dashboards" };

const one = (v: string | string[] | undefined) => searchParam(v, z.string().max(100)) ?? null;

export default async function DashboardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = await searchParams;
  const instance = one(sp.instance);
  const report = one(sp.report);
  const db = getDb();
  const [rows, instances] = await Promise.all([listDashboards(db, user, { instanceId: instance, reportId: report }), dashboardInstances(db, user)]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">Dashboards</h1>
          <p className="text-sm text-slate-600">One per report, built from its completed runs. Your favorites come first.</p>
        </div>
        <form method="get" className="flex items-end gap-2 text-sm">
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Instance</span>
            <select name="instance" defaultValue={instance ?? ""} className="rounded border border-slate-300 px-2 py-1">
              <option value="">All instances</option>
              {instances.map((i) => <option key={i.instanceId} value={i.instanceId}>{i.instanceName}</option>)}
            </select>
          </label>
          {report && <input type="hidden" name="report" value={report} />}
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">Filter</button>
          {(instance || report) && <Link href="/dashboards" className="px-1 py-1 text-indigo-700 hover:underline">Clear</Link>}
        </form>
      </div>
      {rows.length === 0 ? (
        <p data-testid="dashboards-empty" className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
          No dashboards yet. A report gets its dashboard when its first run completes — see <Link href="/reports" className="text-indigo-700 hover:underline">Reports</Link>.
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {rows.map((d) => (
            <li key={d.dashboardId} data-testid="dashboard-card" data-dashboard-id={d.dashboardId} data-favorite={d.isFavorite} className="rounded-lg border border-slate-200 bg-white p-4">
              <div className="flex items-start justify-between gap-2">
                <Link href={`/dashboards/${d.dashboardId}`} className="font-semibold text-indigo-700 hover:underline">{d.name}</Link>
                <FavoriteStar dashboardId={d.dashboardId} favorite={d.isFavorite} name={d.name} />
              </div>
              <dl className="mt-2 space-y-1 text-sm">
                <div className="flex gap-2"><dt className="w-24 text-slate-500">Report</dt><dd>{d.reportId ? <Link href={`/reports/${d.reportId}`} className="font-mono text-xs text-indigo-700 hover:underline">{d.reportId}</Link> : "—"}</dd></div>
                <div className="flex gap-2"><dt className="w-24 text-slate-500">Instance</dt><dd>{d.instanceName ?? "—"}</dd></div>
                <div className="flex gap-2"><dt className="w-24 text-slate-500">Data</dt><dd className="tabular-nums">{d.dataStart && d.dataEnd ? formatWindow(d.dataStart, d.dataEnd, d.reportTimezone) : "no completed runs yet"}</dd></div>
                <div className="flex gap-2"><dt className="w-24 text-slate-500">Updated</dt><dd><LocalTime iso={d.lastUpdated?.toISOString() ?? null} /></dd></div>
              </dl>
            </li>
          ))}
        </ul>
      )}
      {rows.length === DASHBOARDS_LIMIT && <p className="text-sm text-slate-500">Showing the first {DASHBOARDS_LIMIT}; filter by instance to narrow down.</p>}
    </div>
  );
}
