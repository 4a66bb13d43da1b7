import { z } from "zod";
import { listDashboards } from "@/db/queries/dashboards";
import { route } from "@/lib/http/route";
import { reportIdSchema } from "@/lib/ids";

/** GET /api/dashboards[?report_id=&instance_id=]: the viewer's dashboards, favorites first. */
export const GET = route(
  {
    unauthenticated: "Sign in to list dashboards.",
    query: z.object({
      report_id: reportIdSchema.optional(),
      instance_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid AMC instance id.").optional(),
    }),
  },
  async ({ db, user, query }) => {
    const rows = await listDashboards(db, user, { reportId: query.report_id, instanceId: query.instance_id });
    return {
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
    };
  },
);
