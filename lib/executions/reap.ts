import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import { reportExecutions } from "../../db/schema";
import { addMs, logOf, settingsOf, type EngineDeps } from "../engine/deps";
import { instanceRef } from "./instance-ref";
import { ended, requeued } from "./transitions";

export interface ReapSummary {
  timedOut: number;
  resubmitted: number;
  abandoned: number;
}

/**
 * Reap phase: nothing stays `running` forever.
 * - running past the timeout (24 h): failed with a clear reason, and cancelled at AMC.
 * - a submit that crashed after claiming (lease gone, no AMC id): we cannot know whether AMC
 *   received it (its API has no idempotency key), so the run goes back to the queue with one
 *   attempt used — a possible second AMC run is cheaper than a lost report — or fails clearly
 *   once attempts are spent.
 */
export async function reap(deps: EngineDeps): Promise<ReapSummary> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const log = logOf(deps);
  const hours = Math.round(settings.runningTimeoutMs / 3600_000);

  const timedOut = await db
    .update(reportExecutions)
    .set(ended("failed", now, { message: `Timed out: AMC did not finish this run within ${hours} h, so it was stopped.`, details: { cause: "timeout" } }))
    .where(
      and(
        eq(reportExecutions.status, "running"),
        lt(reportExecutions.startedAt, addMs(now, -settings.runningTimeoutMs)),
        // Not while a server holds it (a download in progress finishes or loses its lease).
        or(isNull(reportExecutions.leaseExpiresAt), lte(reportExecutions.leaseExpiresAt, now)),
      ),
    )
    .returning({ id: reportExecutions.id, amcExecutionId: reportExecutions.amcExecutionId, instanceId: reportExecutions.instanceId, executionId: reportExecutions.executionId });
  for (const r of timedOut) {
    log.warn("timed out", { executionId: r.executionId });
    if (!r.amcExecutionId) continue;
    const instance = await instanceRef(db, r.instanceId);
    if (!instance) continue;
    await deps
      .gateways(instance)
      .then((g) => g.cancel(instance.instanceId, r.amcExecutionId!))
      .catch(() => {}); // best effort: AMC ends it at its own timeout anyway
  }

  // A running row without an AMC id and without a live lease has no server working on it: its
  // submit was interrupted (or it was written by something other than the submit phase).
  const interrupted = and(
    eq(reportExecutions.status, "running"),
    isNull(reportExecutions.amcExecutionId),
    or(isNull(reportExecutions.leaseExpiresAt), lt(reportExecutions.leaseExpiresAt, now)),
  );
  const resubmitted = await db
    .update(reportExecutions)
    .set({
      ...requeued(now),
      attempts: sql`${reportExecutions.attempts} + 1`,
      errorDetails: { note: "The submit was interrupted before AMC's answer was saved; submitted again." },
    })
    .where(and(interrupted, lt(reportExecutions.attempts, settings.maxSubmitAttempts - 1)))
    .returning({ id: reportExecutions.id });
  const abandoned = await db
    .update(reportExecutions)
    .set(
      ended("failed", now, {
        message: `Submitting to AMC was interrupted ${settings.maxSubmitAttempts} times; the run was stopped. Run it again.`,
        details: { cause: "interrupted_submit" },
      }),
    )
    .where(interrupted)
    .returning({ id: reportExecutions.id });
  return { timedOut: timedOut.length, resubmitted: resubmitted.length, abandoned: abandoned.length };
}
