import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportExecutions } from "../../db/schema";
import { onExecutionCompleted } from "../dashboards/create";
import { addMs, errorMessage, logOf, settingsOf, type EngineDeps } from "../engine/deps";

/**
 * Follow-up of completed runs: what must happen once after a run is completed (today: the
 * report's dashboard appears with its first result), done apart from the poller so that a
 * failure here never undoes or delays marking the run completed, and is retried instead of lost.
 *
 * Why a marker column (report_executions.followed_up_at) rather than "reports with a completed
 * run and no dashboard": the marker states what is owed per run, so the queue is a small partial
 * index however many reports exist, it stays correct when a follow-up does more than dashboards,
 * and a report whose dashboard a user deleted does not get one back from an old run.
 *
 * Concurrency: one transaction per batch claims owed runs with FOR UPDATE SKIP LOCKED (other
 * ticks take other runs), runs each follow-up in a savepoint and stamps followed_up_at in the same
 * commit, so a run is followed up by one tick at a time. The follow-up itself must be idempotent
 * (onExecutionCompleted locks the report row and creates at most one dashboard), because a crash
 * between its effect and the commit repeats it. A failed follow-up rolls back its savepoint, is
 * logged and recorded on the run (error_details.followUp), and waits followUpRetryMs in
 * next_attempt_at — unused once a run is completed — so it is tried on a later tick, never in a
 * hot loop, never dropped.
 */

export type FollowUpFn = (db: Database, executionUuid: string) => Promise<unknown>;

export interface FollowUpSummary {
  followedUp: number;
  /** Follow-ups that failed in this pass and wait for a later tick. */
  failed: number;
  batches: number;
}

export interface FollowUpOptions {
  /** performance.now() past which no new batch starts. */
  deadline?: number;
  /** The follow-up to run per completed run (tests inject failures). */
  followUp?: FollowUpFn;
}

// Literal SQL, word for word the predicate of idx_report_executions_follow_up_pending, so the
// planner can use that partial index even with a generic plan.
const owed = sql`${reportExecutions.status} = 'completed' AND ${reportExecutions.followedUpAt} IS NULL`;

export async function followUpCompleted(deps: EngineDeps, options: FollowUpOptions = {}): Promise<FollowUpSummary> {
  const settings = settingsOf(deps);
  const followUp = options.followUp ?? onExecutionCompleted;
  const summary: FollowUpSummary = { followedUp: 0, failed: 0, batches: 0 };
  for (;;) {
    if (options.deadline !== undefined && performance.now() >= options.deadline) break;
    const r = await deps.db.transaction((tx) => followUpBatch(tx, deps, settings.followUpBatch, settings.followUpRetryMs, followUp));
    summary.batches += 1;
    summary.followedUp += r.followedUp;
    summary.failed += r.failed;
    // Failed runs wait in next_attempt_at, so a full batch means more may be owed right now.
    if (r.claimed < settings.followUpBatch) break;
  }
  return summary;
}

async function followUpBatch(tx: Database, deps: EngineDeps, batch: number, retryMs: number, followUp: FollowUpFn) {
  const { now } = deps;
  const claimed = await tx
    .select({ id: reportExecutions.id, executionId: reportExecutions.executionId, reportId: reportExecutions.reportId })
    .from(reportExecutions)
    .where(sql`${owed} AND (${reportExecutions.nextAttemptAt} IS NULL OR ${reportExecutions.nextAttemptAt} <= ${now.toISOString()}::timestamptz)`)
    .orderBy(asc(reportExecutions.completedAt))
    .limit(batch)
    .for("update", { skipLocked: true });

  // Report order: a follow-up locks its report row until this batch commits, and concurrent
  // batches taking report locks in one global order cannot deadlock.
  const ordered = [...claimed].sort((a, b) => (a.reportId ?? "").localeCompare(b.reportId ?? ""));
  const done: string[] = [];
  let failed = 0;
  for (const run of ordered) {
    try {
      await tx.transaction((savepoint) => followUp(savepoint, run.id).then(() => undefined));
      done.push(run.id);
    } catch (e) {
      failed += 1;
      const message = errorMessage(e);
      logOf(deps).warn("follow-up failed, retried later", { executionId: run.executionId, error: message });
      await tx
        .update(reportExecutions)
        .set({
          nextAttemptAt: addMs(now, retryMs),
          errorDetails: sql`COALESCE(${reportExecutions.errorDetails}, '{}'::jsonb) || ${JSON.stringify({ followUp: { error: message, at: now.toISOString() } })}::jsonb`,
        })
        .where(eq(reportExecutions.id, run.id));
    }
  }
  if (done.length > 0) await tx.update(reportExecutions).set({ followedUpAt: now }).where(inArray(reportExecutions.id, done));
  return { claimed: claimed.length, followedUp: done.length, failed };
}
