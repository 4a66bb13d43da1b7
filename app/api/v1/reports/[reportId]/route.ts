import { apiDeleteReport, apiGetReport, apiUpdateReport, deleteReportEndpoint, getReportEndpoint, updateReportEndpoint } from "@/lib/api/reports";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(getReportEndpoint), async ({ db, user, params }) => apiGetReport(db, user, params.reportId));

export const PATCH = route(v1(updateReportEndpoint), async ({ db, user, params, body, now }) => apiUpdateReport(db, user, params.reportId, body, now));

export const DELETE = route(v1(deleteReportEndpoint), async ({ db, user, params }) => {
  await apiDeleteReport(db, user, params.reportId);
  return new Response(null, { status: 204 });
});
