import { apiListDashboards, listDashboardsEndpoint } from "@/lib/api/dashboards";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(listDashboardsEndpoint), async ({ db, user, query }) => apiListDashboards(db, user, query));
