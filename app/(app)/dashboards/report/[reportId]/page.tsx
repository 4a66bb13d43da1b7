import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { reportForUserOrThrow } from "@/lib/auth/guards";
import { dashboards } from "@/db/schema";
import { eq } from "drizzle-orm";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { ensureReportDashboard, hasCompletedResult } from "@/lib/dashboards/create";
import type { PageArgs } from "@/lib/http/search-params";

/**
 * A report's dashboard by report id: opens it, creating it first when the report has completed
 * runs but no dashboard yet (e.g. runs completed before dashboards existed). The period query
 * (`?from=&to=&cmp_from=&cmp_to=`) goes along, so a link by report id can compare periods too.
 */
export default async function ReportDashboardPage({ params, searchParams }: PageArgs<{ reportId: string }>) {
  const user = await requireUser();
  const { reportId } = await params;
  const sp = await searchParams;
  const carried = new URLSearchParams(
    ["from", "to", "cmp_from", "cmp_to", "cmp"].flatMap((k) => (typeof sp[k] === "string" ? [[k, sp[k] as string] as [string, string]] : [])),
  ).toString();
  const db = getDb();
  const report = await orNotFound(reportForUserOrThrow(db, user, reportId));
  let uuid = report.dashboardId;
  if (!uuid && (await hasCompletedResult(db, report.id))) uuid = await ensureReportDashboard(db, report.id);
  if (uuid) {
    const [d] = await db.select({ dashboardId: dashboards.dashboardId }).from(dashboards).where(eq(dashboards.id, uuid));
    if (d) redirect(`/dashboards/${d.dashboardId}${carried ? `?${carried}` : ""}`);
  }
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Dashboard</h1>
      <p data-testid="dashboard-empty" className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
        No completed runs yet. The dashboard appears when the first run of{" "}
        <Link href={`/reports/${reportId}`} className="font-mono text-indigo-700 hover:underline">{reportId}</Link> completes.
      </p>
    </div>
  );
}
