import { apiStartBackfill, startBackfillEndpoint } from "@/lib/api/backfills";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(startBackfillEndpoint), async ({ db, user, params, body, now }) =>
  Response.json(await apiStartBackfill(db, user, params.reportId, body, now), { status: 201 }),
);
