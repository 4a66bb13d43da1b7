import { apiCreateReport, apiListReports, createReportEndpoint, listReportsEndpoint } from "@/lib/api/reports";
import { idempotencyKeyOf, v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(listReportsEndpoint), async ({ db, user, query }) => apiListReports(db, user, query));

export const POST = route(v1(createReportEndpoint), async ({ db, user, body, req, now }) => {
  const answer = await apiCreateReport(db, user, body, idempotencyKeyOf(req), now);
  return Response.json(answer.body, { status: answer.status, headers: answer.replayed ? { "Idempotent-Replayed": "true" } : {} });
});
