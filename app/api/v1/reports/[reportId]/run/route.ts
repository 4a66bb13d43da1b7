import { apiRunReport, runReportEndpoint } from "@/lib/api/reports";
import { idempotencyKeyOf, v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(runReportEndpoint), async ({ db, user, params, body, req, now }) =>
  Response.json(await apiRunReport(db, user, params.reportId, body, idempotencyKeyOf(req), now), { status: 202 }),
);
