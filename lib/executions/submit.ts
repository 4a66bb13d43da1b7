import { and, asc, count, eq, exists, isNull, lte, or, sql } from "drizzle-orm";
import { amcAccounts, amcInstances, reportExecutions } from "../../db/schema";
import { AmcError, type AmcTimeWindow, type SubmitRequest } from "../amc/gateway";
import { toAmcWindow } from "../params/window";
import { addMs, logOf, settingsOf, type EngineDeps, type InstanceRef } from "../engine/deps";
import { isDatabaseUnavailable } from "../errors/unavailable";
import { explainFailure } from "./explain";
import { instanceRefColumns } from "./instance-ref";
import { acceptedEarlier, adoptedElsewhere, storeAmcId } from "./reconcile";
import { pollDelayMs, submitBackoffMs } from "./settings";
import { ended, requeued } from "./transitions";

export interface SubmitSummary {
  claimed: number;
  submitted: number;
  requeued: number;
  failed: number;
}

type Execution = typeof reportExecutions.$inferSelect;

/** Pending, past its backoff, and not a segment of a paused backfill (lib/backfill/pause.ts). */
const due = (now: Date) =>
  and(
    eq(reportExecutions.status, "pending"),
    or(isNull(reportExecutions.nextAttemptAt), lte(reportExecutions.nextAttemptAt, now)),
    or(
      isNull(reportExecutions.collectionId),
      sql`NOT EXISTS (SELECT 1 FROM report_data_collections c WHERE c.id = ${reportExecutions.collectionId} AND c.status = 'paused')`,
    ),
  );

/** At most `backfillSlotShare` of an instance's slots for one backfill (product.md §3.6). */
export function backfillCap(deps: EngineDeps): number {
  const settings = settingsOf(deps);
  return Math.max(1, Math.floor(settings.maxRunningPerInstance * settings.backfillSlotShare));
}

/**
 * Runs that are not backfill segments, and the segments of each backfill (oldest created
 * first) that fit under its cap once its running segments are counted.
 */
function fairShare(instanceId: string, now: Date, cap: number) {
  return sql`(${reportExecutions.collectionId} IS NULL OR ${reportExecutions.id} IN (
    SELECT r.id FROM (
      SELECT e.id, e.collection_id,
             row_number() OVER (PARTITION BY e.collection_id ORDER BY e.created_at, e.id) AS rn
        FROM report_executions e
       WHERE e.instance_id = ${instanceId} AND e.status = 'pending' AND e.collection_id IS NOT NULL
         AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= ${now.toISOString()}::timestamptz)
    ) r
    WHERE r.rn + (SELECT count(*) FROM report_executions x
                   WHERE x.instance_id = ${instanceId} AND x.status = 'running'
                     AND x.collection_id = r.collection_id) <= ${cap}))`;
}

/**
 * Submit phase. Per instance, under a row lock on the instance (so concurrent servers agree on
 * the count of free slots), claim at most `maxRunningPerInstance − running` due pending runs by
 * marking them running with a submit lease; then call AMC outside the transaction and record
 * the AMC id. A claimed row is never submitted by anyone else: the claim commits first.
 *
 * Bounded and fair between instances: a pass claims at most `submitBatch` runs, offered to the
 * instances with due runs and a free slot in turn order (least recently served first, by
 * amc_instances.last_submit_pass_at), each getting an equal share of what is left of the pass.
 * With more such instances than the batch, that is one run each, so every instance is served
 * within ceil(instances / submitBatch) passes however deep the others' queues are; with fewer,
 * each takes up to its free slots. Within an instance: manual and scheduled before backfill
 * segments, oldest first.
 */
export async function submitPending(deps: EngineDeps): Promise<SubmitSummary> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const summary: SubmitSummary = { claimed: 0, submitted: 0, requeued: 0, failed: 0 };

  // Instances with nothing due, or already at AMC's limit, are left out here rather than
  // skipped in the loop, so they cannot take the pass's candidate places from those that can run.
  const pendingHere = db
    .select({ one: sql`1` })
    .from(reportExecutions)
    .where(and(sql`${reportExecutions.instanceId} = ${amcInstances.id}`, due(now)));
  const candidates = await db
    .select({ instanceId: amcInstances.id })
    .from(amcInstances)
    .where(
      and(
        exists(pendingHere),
        sql`(SELECT count(*) FROM ${reportExecutions} r
              WHERE r.instance_id = ${amcInstances.id} AND r.status = 'running') < ${settings.maxRunningPerInstance}`,
      ),
    )
    // idx_amc_instances_submit_turn: never served first, then least recently served.
    .orderBy(sql`${amcInstances.lastSubmitPassAt} ASC NULLS FIRST`, asc(amcInstances.id))
    .limit(settings.submitBatch);

  for (const [i, { instanceId }] of candidates.entries()) {
    const left = settings.submitBatch - summary.claimed;
    if (left <= 0) break;
    // An equal share of what is left among the instances still to serve: a share an earlier
    // instance could not use (fewer due runs, fewer free slots, locked by another server) goes
    // to the later ones.
    const share = Math.ceil(left / (candidates.length - i));
    const claim = await db.transaction(async (tx) => {
      // NO KEY UPDATE: serializes slot counting per instance without blocking inserts that
      // reference the instance (those take KEY SHARE).
      const [instance] = await tx
        .select(instanceRefColumns)
        .from(amcInstances)
        .where(eq(amcInstances.id, instanceId))
        .for("no key update", { skipLocked: true });
      if (!instance) return null;
      const [running] = await tx
        .select({ n: count() })
        .from(reportExecutions)
        .where(and(eq(reportExecutions.instanceId, instanceId), eq(reportExecutions.status, "running")));
      const slots = Math.min(settings.maxRunningPerInstance - (running?.n ?? 0), share);
      if (slots <= 0) return null;
      const next = tx
        .select({ id: reportExecutions.id })
        .from(reportExecutions)
        .where(and(eq(reportExecutions.instanceId, instanceId), due(now), fairShare(instanceId, now, backfillCap(deps))))
        // Manual and scheduled runs before backfill segments; oldest first.
        .orderBy(
          sql`CASE WHEN ${reportExecutions.triggeredBy} = 'backfill' THEN 1 ELSE 0 END`,
          asc(reportExecutions.createdAt),
          asc(reportExecutions.id),
        )
        .limit(slots)
        .for("update", { skipLocked: true });
      const rows = await tx
        .update(reportExecutions)
        .set({
          status: "running",
          startedAt: now,
          leaseExpiresAt: addMs(now, settings.submitLeaseMs),
          // From here AMC may receive a create for this run: a later resubmit must look first.
          submitAttemptedAt: sql`coalesce(${reportExecutions.submitAttemptedAt}, ${now.toISOString()}::timestamptz)`,
        })
        .where(sql`${reportExecutions.id} IN (${next})`)
        .returning();
      // Served: to the back of the turn order (under the instance lock this pass already holds).
      if (rows.length > 0) await tx.update(amcInstances).set({ lastSubmitPassAt: now }).where(eq(amcInstances.id, instanceId));
      return { instance, rows };
    });
    if (!claim) continue;
    summary.claimed += claim.rows.length;
    for (const row of claim.rows) {
      const outcome = await submitOne(deps, claim.instance, row);
      summary[outcome] += 1;
    }
  }
  return summary;
}

async function submitOne(
  deps: EngineDeps,
  instance: InstanceRef,
  row: Execution,
): Promise<"submitted" | "requeued" | "failed"> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const log = logOf(deps);
  const mine = and(
    eq(reportExecutions.id, row.id),
    eq(reportExecutions.status, "running"),
    isNull(reportExecutions.amcExecutionId),
  );

  const fail = async (message: string, details: Record<string, unknown>) => {
    await db
      .update(reportExecutions)
      .set(ended("failed", now, { message, details }))
      .where(mine);
    return "failed" as const;
  };

  const window = timeWindowOf(row);
  if (!row.renderedSql || !window) {
    return fail("This run has no rendered SQL or time window, so it cannot be sent to AMC.", { cause: "internal" });
  }

  try {
    const gateway = await deps.gateways(instance);
    const req: SubmitRequest = {
      instanceId: instance.instanceId,
      sql: row.renderedSql,
      timeWindow: window,
      isAdopted: adoptedElsewhere(db, instance.id, row.id),
    };
    // An earlier attempt (requeued after a lost answer, or recovered by the reaper after a
    // crash) may have been accepted: adopt it instead of making AMC run the query twice. The
    // claim stamped submit_attempted_at with this pass's `now` when it was unset, and every
    // requeue waits a positive backoff, so an earlier stamp means an earlier attempt.
    const earlier =
      row.submitAttemptedAt && row.submitAttemptedAt.getTime() < now.getTime()
        ? await acceptedEarlier(gateway, instance, req, row.submitAttemptedAt)
        : null;
    const amcExecutionId = earlier ?? (await gateway.submit(req)).amcExecutionId;
    const values = {
      submittedAt: now,
      leaseExpiresAt: null,
      attempts: 0,
      pollCount: 0,
      nextAttemptAt: addMs(now, pollDelayMs(settings, 0, instance.isBuiltinSandbox)),
    };
    const notCancelled = and(mine, isNull(reportExecutions.cancelRequestedAt));
    let stored: boolean;
    if (earlier) {
      const outcome = await storeAmcId(db, notCancelled, instance.id, row.id, earlier, values);
      if (outcome === "taken") {
        // Another run with the same SQL and window adopted it a moment ago: look again next pass.
        await db.update(reportExecutions).set(requeued(addMs(now, 1_000))).where(mine);
        return "requeued";
      }
      stored = outcome === "saved";
      log.info("adopted", { executionId: row.executionId, amcExecutionId, instance: instance.instanceId });
    } else {
      const saved = await db
        .update(reportExecutions)
        .set({ ...values, amcExecutionId })
        .where(notCancelled)
        .returning({ id: reportExecutions.id });
      stored = saved.length > 0;
    }
    if (!stored) {
      // Cancelled (or reaped) while AMC was answering: AMC must not keep running it.
      await gateway.cancel(instance.instanceId, amcExecutionId).catch(() => {});
      await db
        .update(reportExecutions)
        .set({ ...ended("cancelled", now), amcExecutionId })
        .where(mine);
      return "failed";
    }
    log.info("submitted", { executionId: row.executionId, amcExecutionId, instance: instance.instanceId });
    return "submitted";
  } catch (e) {
    // The database went away (AMC may even have accepted the run): failing the run could land on
    // another, live connection and lose it. Left running under its lease, the reaper recovers
    // it, adopting AMC's execution if the create got through.
    if (isDatabaseUnavailable(e)) throw e;
    if (e instanceof AmcError && e.cause === "rate_limited") {
      // AMC is busy, the run is fine: back in the queue, no attempt used (pitfall 27).
      await db
        .update(reportExecutions)
        .set(requeued(addMs(now, e.retryAfterMs ?? settings.rateLimitBackoffMs)))
        .where(mine);
      return "requeued";
    }
    // A 401 that survived a refresh is no broken connection (LWA still issues tokens): like a
    // transient error, retried after a backoff, with a fresh token (the client dropped the
    // refused one).
    if (e instanceof AmcError && (e.cause === "transient" || e.cause === "auth") && row.attempts + 1 < settings.maxSubmitAttempts) {
      await db
        .update(reportExecutions)
        .set({
          ...requeued(addMs(now, submitBackoffMs(settings, row.attempts + 1))),
          attempts: row.attempts + 1,
          errorDetails: { lastError: e.message, cause: e.cause },
        })
        .where(mine);
      return "requeued";
    }
    if (e instanceof AmcError && e.cause === "reauthorize" && instance.accountId) {
      await db
        .update(amcAccounts)
        .set({ status: "needs_reauthorization", lastError: e.message, lastCheckedAt: now })
        .where(eq(amcAccounts.id, instance.accountId));
    }
    const { message, cause } = explainFailure(e, instance.instanceId);
    log.warn("submit failed", { executionId: row.executionId, cause });
    return fail(message, {
      cause,
      ...(e instanceof AmcError ? { httpStatus: e.httpStatus, amcCode: e.amcCode, attempts: row.attempts + 1 } : {}),
    });
  }
}

/** The window AMC gets: the stored instants, as local times in the stored zone. */
export function timeWindowOf(row: Pick<Execution, "timeWindowStart" | "timeWindowEnd" | "timeWindowTimezone">): AmcTimeWindow | null {
  if (!row.timeWindowStart || !row.timeWindowEnd) return null;
  return toAmcWindow({ start: row.timeWindowStart, end: row.timeWindowEnd, timeZone: row.timeWindowTimezone ?? "UTC" });
}
