import { apiRetryBackfill, retryBackfillEndpoint } from "@/lib/api/backfills";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(retryBackfillEndpoint), async ({ db, user, params, now }) =>
  Response.json(await apiRetryBackfill(db, user, params, now), { status: 202 }),
);
