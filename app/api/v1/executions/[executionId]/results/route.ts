import { apiResults, resultsEndpoint } from "@/lib/api/executions";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(resultsEndpoint), async ({ db, user, params, query }) => apiResults(db, user, params.executionId, query));
