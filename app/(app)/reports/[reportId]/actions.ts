"use server";

import { revalidatePath } from "next/cache";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { reportExecutions } from "@/db/schema";
import { action } from "@/lib/actions/action";
import { canAccessInstance } from "@/db/queries/access";
import { notFound } from "@/lib/errors";
import { cancelExecution } from "@/lib/executions/cancel";
import { runReportNow } from "@/lib/executions/create";
import { appEngineDeps } from "@/lib/engine/app-engine";

const reportIdSchema = z.string().regex(/^rpt_[0-9a-z]+$/, "Not a report id.");

export const runNowAction = action(
  z.strictObject({ reportId: reportIdSchema, idempotencyKey: z.string().min(8).max(100) }),
  async (input, { db, user }) => {
    const { execution, created } = await runReportNow(db, user, input, new Date());
    revalidatePath(`/reports/${input.reportId}`);
    return { executionId: execution.executionId, created };
  },
);

export const cancelRunAction = action(
  z.strictObject({ reportId: reportIdSchema, executionId: z.string().regex(/^exec_[0-9a-z]+$/, "Not an execution id.") }),
  async (input, { db, user }) => {
    const [run] = await db
      .select({ id: reportExecutions.id, instanceId: reportExecutions.instanceId })
      .from(reportExecutions)
      .where(eq(reportExecutions.executionId, input.executionId));
    if (!run?.instanceId || !(await canAccessInstance(db, user, run.instanceId))) throw notFound("Execution");
    const result = await cancelExecution(appEngineDeps(new Date()), run.id);
    revalidatePath(`/reports/${input.reportId}`);
    return { status: result.status, cancelledAt: result.cancelledAt?.toISOString() ?? null };
  },
);
