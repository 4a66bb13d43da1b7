import { and, eq } from "drizzle-orm";
import { reportExecutions } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { executionForUserOrThrow } from "../auth/guards";
import { AppError } from "../errors";
import type { EngineDeps } from "../engine/deps";
import { instanceRef } from "./instance-ref";
import { ended } from "./transitions";

export interface CancelResult {
  status: "cancelled" | "cancelling";
  cancelledAt: Date | null;
}

/**
 * Cancel a run (product.md §3.6): pending is dropped locally; running is cancelled at AMC first,
 * then locally. If AMC cannot be reached now, the request is recorded and the poll phase
 * retries it, so the slot is never freed while AMC still runs the query.
 * Access to the run's instance is the caller's check.
 */
export async function cancelExecution(deps: EngineDeps, executionUuid: string): Promise<CancelResult> {
  const { db, now } = deps;
  const [row] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, executionUuid));
  if (!row) throw new AppError("NOT_FOUND", "Execution was not found.");

  if (row.status === "pending") {
    const done = await db
      .update(reportExecutions)
      .set({ status: "cancelled", completedAt: now, cancelRequestedAt: now })
      .where(and(eq(reportExecutions.id, row.id), eq(reportExecutions.status, "pending")))
      .returning({ id: reportExecutions.id });
    if (done.length > 0) return { status: "cancelled", cancelledAt: now };
    return cancelExecution(deps, executionUuid); // it just started: cancel it as running
  }
  if (row.status !== "running") {
    throw new AppError("VALIDATION_ERROR", `This run already ended (${row.status}); there is nothing to cancel.`);
  }

  await db
    .update(reportExecutions)
    .set({ cancelRequestedAt: now })
    .where(and(eq(reportExecutions.id, row.id), eq(reportExecutions.status, "running")));
  if (!row.amcExecutionId || !row.instanceId) {
    // Submit in flight: the submit phase sees the request and cancels at AMC when it gets the id.
    return { status: "cancelling", cancelledAt: null };
  }
  const instance = await instanceRef(db, row.instanceId);
  if (!instance) throw new AppError("NOT_FOUND", "AMC instance was not found.");
  try {
    const gateway = await deps.gateways(instance);
    await gateway.cancel(instance.instanceId, row.amcExecutionId);
  } catch {
    return { status: "cancelling", cancelledAt: null };
  }
  await db
    .update(reportExecutions)
    .set(ended("cancelled", now))
    .where(and(eq(reportExecutions.id, row.id), eq(reportExecutions.status, "running")));
  return { status: "cancelled", cancelledAt: now };
}

/**
 * Cancel for a signed-in user: the run loaded through its guard, cancelled, and the request
 * recorded in the audit log. Right after, since cancelling spans AMC and several statements;
 * a backfill's cancel records itself once instead of once per segment (lib/backfill).
 */
export async function cancelRunForUser(deps: EngineDeps, user: SessionUser, executionId: string): Promise<CancelResult> {
  const { execution, reportId } = await executionForUserOrThrow(deps.db, user, executionId);
  const result = await cancelExecution(deps, execution.id);
  await recordAudit(deps.db, {
    actor: user,
    action: "run.cancel",
    targetType: "execution",
    targetId: execution.executionId,
    instanceId: execution.instanceId,
    details: { reportId, status: result.status },
    now: deps.now,
  });
  return result;
}
