import { and, eq, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import { reportExecutions } from "../../db/schema";
import { addMs, logOf, settingsOf, type EngineDeps } from "../engine/deps";
import { acceptedEarlier, adoptedElsewhere, storeAmcId } from "./reconcile";
import { accountNeedsReauthorization, instanceRef } from "./instance-ref";
import { takeLease } from "./lease";
import { timeWindowOf } from "./submit";
import { ended, requeued } from "./transitions";

export interface ReapSummary {
  timedOut: number;
  /** Interrupted submits whose create AMC had accepted: its execution adopted, polled from now. */
  adopted: number;
  resubmitted: number;
  abandoned: number;
  /** Runs that waited for re-authorization longer than AMC keeps results. */
  expired: number;
}

/**
 * Reap phase: nothing stays `running` forever.
 * - running past the timeout (24 h): failed with a clear reason, and cancelled at AMC.
 * - a submit that crashed after claiming (lease gone, no AMC id): AMC's listing says whether it
 *   received the create (its API has no idempotency key). A match is adopted and polled; else the
 *   run goes back to the queue with one attempt used (the submit phase looks again before
 *   sending), or fails clearly once attempts are spent.
 * - a run waiting for its account to be reconnected is not timed out (AMC may well have
 *   finished it); it fails only once AMC no longer keeps its result.
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
        isNull(reportExecutions.waitingReason),
        // Marked waiting on the next poll pass; until then, not timed out either.
        sql`NOT ${accountNeedsReauthorization}`,
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

  const retentionDays = Math.round(settings.resultRetentionMs / 86_400_000);
  const expired = await db
    .update(reportExecutions)
    .set(
      ended("failed", now, {
        message: `AMC finished or stopped this run, but the Amazon Ads account was not reconnected within ${retentionDays} days, and AMC no longer keeps the result. Reconnect the account on the Instances page and run it again.`,
        details: { cause: "reauthorization_expired" },
      }),
    )
    .where(
      and(
        eq(reportExecutions.status, "running"),
        isNotNull(reportExecutions.waitingReason),
        lt(reportExecutions.submittedAt, addMs(now, -settings.resultRetentionMs)),
        or(isNull(reportExecutions.leaseExpiresAt), lte(reportExecutions.leaseExpiresAt, now)),
      ),
    )
    .returning({ id: reportExecutions.id });

  // A running row without an AMC id and without a live lease has no server working on it: its
  // submit was interrupted (or it was written by something other than the submit phase).
  const interrupted = and(
    eq(reportExecutions.status, "running"),
    isNull(reportExecutions.amcExecutionId),
    or(isNull(reportExecutions.leaseExpiresAt), lt(reportExecutions.leaseExpiresAt, now)),
  );
  const adopted = await adoptInterrupted(deps, interrupted);
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
  return {
    timedOut: timedOut.length,
    adopted,
    resubmitted: resubmitted.length,
    abandoned: abandoned.length,
    expired: expired.length,
  };
}

/**
 * Interrupted submits whose create may have reached AMC: each is leased (so one server looks),
 * AMC's listing is asked, and a match becomes the run's execution, due for a poll at once. Runs
 * without a match, or whose listing failed, keep the lease only until the requeue below takes
 * them: it runs right after, and the submit phase asks the listing again before any resubmit.
 */
async function adoptInterrupted(deps: EngineDeps, interrupted: ReturnType<typeof and>): Promise<number> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const log = logOf(deps);
  const lease = addMs(now, settings.submitLeaseMs);
  const next = db
    .select({ id: reportExecutions.id })
    .from(reportExecutions)
    .where(and(interrupted, isNotNull(reportExecutions.submitAttemptedAt)))
    .limit(settings.submitBatch)
    .for("update", { skipLocked: true });
  const claimed = await takeLease(db, next, lease);

  let adopted = 0;
  for (const row of claimed) {
    const held = and(eq(reportExecutions.id, row.id), eq(reportExecutions.status, "running"), eq(reportExecutions.leaseExpiresAt, lease));
    const window = timeWindowOf(row);
    const instance = await instanceRef(db, row.instanceId);
    let found: string | null = null;
    if (instance && window && row.renderedSql && row.submitAttemptedAt) {
      try {
        const gateway = await deps.gateways(instance);
        const req = { instanceId: instance.instanceId, sql: row.renderedSql, timeWindow: window, isAdopted: adoptedElsewhere(db, instance.id, row.id) };
        found = await acceptedEarlier(gateway, instance, req, row.submitAttemptedAt);
      } catch (e) {
        log.warn("reconcile failed", { executionId: row.executionId, error: e instanceof Error ? e.name : "unknown" });
      }
    }
    const values = { submittedAt: now, leaseExpiresAt: null, attempts: 0, pollCount: 0, nextAttemptAt: now };
    if (instance && found && (await storeAmcId(db, and(held, isNull(reportExecutions.amcExecutionId)), instance.id, row.id, found, values)) === "saved") {
      adopted += 1;
      log.info("adopted", { executionId: row.executionId, amcExecutionId: found, instance: instance.instanceId });
      continue;
    }
    // Hand the row back to the requeue that follows (its lease made it invisible there).
    await db.update(reportExecutions).set({ leaseExpiresAt: null }).where(held);
  }
  return adopted;
}
