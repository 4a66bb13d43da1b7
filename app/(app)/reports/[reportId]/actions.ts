"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { executionIdSchema, reportIdSchema } from "@/lib/ids";
import { cancelRunForUser } from "@/lib/executions/cancel";
import { runReportNow } from "@/lib/executions/create";
import { rerunExecution } from "@/lib/executions/rerun";
import { latestRunMark } from "@/db/queries/runs-mark";
import { reportForUserOrThrow } from "@/lib/auth/guards";
import { appEngineDeps } from "@/lib/engine/app-deps";

const idempotencyKey = z.string().min(8).max(100);

/** Run now; with `window` ("Run another window") the dates the user picked, for this run only. */
export const runNowAction = action(
  z.strictObject({
    reportId: reportIdSchema,
    idempotencyKey,
    window: z
      .strictObject({
        kind: z.literal("absolute"),
        start: z.iso.date("Use a date like 2026-03-01."),
        end: z.iso.date("Use a date like 2026-03-31."),
      })
      .refine((w) => w.start <= w.end, { message: "The last day must not be before the first day.", path: ["end"] })
      .optional(),
  }),
  async (input, { db, user }) => {
    const { execution, created } = await runReportNow(db, user, input, new Date());
    revalidatePath(`/reports/${input.reportId}`);
    return { executionId: execution.executionId, created };
  },
);

/** Re-run same window: a manual run over exactly a finished run's days and values. */
export const rerunAction = action(
  z.strictObject({ reportId: reportIdSchema, executionId: executionIdSchema, idempotencyKey }),
  async (input, { db, user }) => {
    const { execution, created } = await rerunExecution(db, user, input, new Date());
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

/**
 * A cheap mark of the report's runs (count and newest id), polled by the open report page so
 * a run the scheduler (or anyone else) creates appears without a reload.
 */
export const runsMarkAction = action(z.strictObject({ reportId: reportIdSchema }), async (input, { db, user }) => {
  const report = await reportForUserOrThrow(db, user, input.reportId);
  return latestRunMark(db, report.id);
});
