import { z } from "zod";
import { getSql } from "@/db/client";
import { exportDashboard, exportQuerySchema } from "@/lib/dashboards/export";
import { fileResponse } from "@/lib/http/file";
import { route } from "@/lib/http/route";
import { dashboardIdSchema } from "@/lib/ids";

/** ?format=csv|xlsx[&from=YYYY-MM-DD&to=YYYY-MM-DD]: the combined data, streamed. 400 / 404 / 422. */
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
