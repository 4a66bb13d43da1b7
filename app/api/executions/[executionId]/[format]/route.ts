import { z } from "zod";
import { getSql } from "@/db/client";
import { EXPORT_FORMATS, exportExecution } from "@/lib/dashboards/export";
import { fileResponse } from "@/lib/http/file";
import { route } from "@/lib/http/route";
import { executionIdSchema } from "@/lib/ids";

/** GET /api/executions/[executionId]/csv|xlsx: one run's stored result, streamed. 404 when not visible or no result. */
export const GET = route(
  {
    unauthenticated: "Sign in to download results.",
    params: z.object({ executionId: executionIdSchema, format: z.enum(EXPORT_FORMATS) }),
  },
  async ({ db, user, params, now }) => fileResponse(await exportExecution(db, getSql(), user, params.executionId, params.format, now)),
);
