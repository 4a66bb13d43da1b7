"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { executionIdSchema, reportIdSchema } from "@/lib/ids";
import { cancelRunForUser } from "@/lib/executions/cancel";
import { runReportNow } from "@/lib/executions/create";
import { appEngineDeps } from "@/lib/engine/app-deps";

export const runNowAction = action(
  z.strictObject({ reportId: reportIdSchema, idempotencyKey: z.string().min(8).max(100) }),
  async (input, { db, user }) => {
    const { execution, created } = await runReportNow(db, user, input, new Date());
    revalidatePath(`/reports/${input.reportId}`);
    return { executionId: execution.executionId, created };
  },
);

export const cancelRunAction = action(
  z.strictObject({ reportId: reportIdSchema, executionId: executionIdSchema }),
  async (input, { user }) => {
    const result = await cancelRunForUser(appEngineDeps(new Date()), user, input.executionId);
    revalidatePath(`/reports/${input.reportId}`);
    return { status: result.status, cancelledAt: result.cancelledAt?.toISOString() ?? null };
  },
);
