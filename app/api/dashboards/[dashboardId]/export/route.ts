import { z } from "zod";
import { getSql } from "@/db/client";
import { exportDashboard, exportQuerySchema } from "@/lib/dashboards/export";
import { fileResponse } from "@/lib/http/file";
import { route } from "@/lib/http/route";
import { dashboardIdSchema } from "@/lib/ids";

/**
 * ?format=csv|xlsx[&from=YYYY-MM-DD&to=YYYY-MM-DD][&cmp_from=…&cmp_to=… | &cmp=previous|last_year]:
 * the combined data, streamed; with a comparison, each row gains the comparison period's values,
 * Δ and Δ% per value column. 400 / 404 / 422.
 */
const handle = route(
  {
    unauthenticated: "Sign in to download dashboard data.",
    params: z.object({ dashboardId: dashboardIdSchema }),
    query: exportQuerySchema,
  },
  async ({ db, user, params, query, now }) => fileResponse(await exportDashboard(db, getSql(), user, params.dashboardId, query, now)),
);

export const GET = handle;
export const POST = handle;
