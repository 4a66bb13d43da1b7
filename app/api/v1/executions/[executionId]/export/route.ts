import { getSql } from "@/db/client";
import { exportEndpoint } from "@/lib/api/executions";
import { exportExecution } from "@/lib/dashboards/export";
import { fileResponse } from "@/lib/http/file";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(exportEndpoint), async ({ db, user, params, query, now }) =>
  fileResponse(await exportExecution(db, getSql(), user, params.executionId, query.format, now)),
);
