import { apiCancelBackfill, cancelBackfillEndpoint } from "@/lib/api/backfills";
import { appEngineDeps } from "@/lib/engine/app-deps";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(cancelBackfillEndpoint), async ({ user, params, now }) =>
  Response.json(await apiCancelBackfill(appEngineDeps(now), user, params), { status: 202 }),
);
