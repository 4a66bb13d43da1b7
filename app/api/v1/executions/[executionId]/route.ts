import { apiGetExecution, getExecutionEndpoint } from "@/lib/api/executions";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(getExecutionEndpoint), async ({ db, user, params }) => apiGetExecution(db, user, params.executionId));
