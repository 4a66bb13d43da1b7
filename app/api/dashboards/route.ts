import { getDb } from "@/db/client";
import { listDashboards } from "@/db/queries/dashboards";
import { currentUser } from "@/lib/auth/session";
import { apiError } from "@/lib/http/api-error";

/** GET /api/dashboards[?report_id=&instance_id=]: the viewer's dashboards, favorites first. */
export async function GET(req: Request) {
  const user = await currentUser();
  if (!user) return apiError("UNAUTHENTICATED", "Sign in to list dashboards.");
  const p = new URL(req.url).searchParams;
  const rows = await listDashboards(getDb(), user, { reportId: p.get("report_id"), instanceId: p.get("instance_id") });
  return Response.json({
    dashboards: rows.map((r) => ({
      dashboard_id: r.dashboardId,
      name: r.name,
      report_id: r.reportId,
      instance_id: r.amcInstanceId,
      data_start: r.dataStart,
      data_end: r.dataEnd,
      last_updated: r.lastUpdated,
      is_favorite: r.isFavorite,
    })),
  });
}
