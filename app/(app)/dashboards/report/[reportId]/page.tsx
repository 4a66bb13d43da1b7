import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { reportForUserOrThrow } from "@/lib/auth/guards";
import { dashboards } from "@/db/schema";
import { eq } from "drizzle-orm";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { ensureReportDashboard, hasCompletedResult } from "@/lib/dashboards/create";

/**
 * A report's dashboard by report id: opens it, creating it first when the report has completed
 * runs but no dashboard yet (e.g. runs completed before dashboards existed).
 */
export default async function ReportDashboardPage({ params }: { params: Promise<{ reportId: string }> }) {
  const user = await requireUser();
  const { reportId } = await params;
  const db = getDb();
  const report = await orNotFound(reportForUserOrThrow(db, user, reportId));
  let uuid = report.dashboardId;
  if (!uuid && (await hasCompletedResult(db, report.id))) uuid = await ensureReportDashboard(db, report.id);
  if (uuid) {
    const [d] = await db.select({ dashboardId: dashboards.dashboardId }).from(dashboards).where(eq(dashboards.id, uuid));
    if (d) redirect(`/dashboards/${d.dashboardId}`);
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
