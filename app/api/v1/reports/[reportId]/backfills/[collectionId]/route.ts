import { apiGetBackfill, getBackfillEndpoint } from "@/lib/api/backfills";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(getBackfillEndpoint), async ({ db, user, params }) => apiGetBackfill(db, user, params));
