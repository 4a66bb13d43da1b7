import { getDb, getSql } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { exportDashboard } from "@/lib/dashboards/export";

type Ctx = { params: Promise<{ dashboardId: string }> };

/** ?format=csv|xlsx[&from=YYYY-MM-DD&to=YYYY-MM-DD]: the combined data, streamed. 400 / 404 / 422. */
async function handle(req: Request, { params }: Ctx) {
  const url = new URL(req.url);
  return exportDashboard(getDb(), getSql(), await currentUser(), (await params).dashboardId, url.searchParams, new Date());
}

export const GET = handle;
export const POST = handle;
