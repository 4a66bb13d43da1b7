import { apiListExecutions, listExecutionsEndpoint } from "@/lib/api/executions";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(listExecutionsEndpoint), async ({ db, user, query }) => apiListExecutions(db, user, query));
