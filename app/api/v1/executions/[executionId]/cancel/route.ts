import { apiCancelExecution, cancelExecutionEndpoint } from "@/lib/api/executions";
import { appEngineDeps } from "@/lib/engine/app-deps";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(cancelExecutionEndpoint), async ({ user, params, now }) =>
  Response.json(await apiCancelExecution(appEngineDeps(now), user, params.executionId), { status: 202 }),
);
