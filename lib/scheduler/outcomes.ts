import { and, asc, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportExecutions, reportSchedules } from "../../db/schema";
import { logOf, type EngineDeps } from "../engine/deps";
import { notifyRunsCompleted, notifyRunsFailed, notifySchedulesPaused } from "../notifications/record";
import { schedulerSettings, type SchedulerSettings } from "./settings";

/**
 * "Schedules learn" (architecture.md §6.5): every finished scheduled run is counted into its
 * schedule exactly once — run_count, last_run_at, last_run_status and failure_count (consecutive
 * failures; a success resets it, a cancellation neither counts nor resets). After N consecutive
 * failures (setting) the schedule pauses itself, with the last run's error as the reason.
 *
 * Only terminal states count, and only the poller/reaper set those (pitfall 8), so a run that
 * AMC accepted and later failed counts as the failure it is.
 *
 * Concurrency: the schedule row is the unit of work. A transaction locks a batch of schedules
 * that have uncounted runs (FOR UPDATE SKIP LOCKED: other ticks take other schedules), reads all
 * their uncounted runs in completion order, updates the counters and stamps the runs
 * (schedule_outcome_recorded_at) in the same commit. Whoever holds a schedule's lock is the only
 * one counting its runs, and a stamped run is never read again: exactly once per run.
 *
 * The same commit records the notifications (lib/notifications/record.ts): each failed run, each
 * completed run for users who opted in, each pause with its reason. So an event is recorded
 * exactly when its run is counted, never lost to a crash in between and never twice.
 */

export interface OutcomeSummary {
  /** Finished runs counted. */
  counted: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Schedules that paused themselves in this pass. */
  autoPaused: number;
  batches: number;
}

// Literal SQL, word for word the predicate of idx_report_executions_schedule_outcome_pending, so
// the planner can use that partial index even with a generic plan (bound parameters cannot
// prove a partial index's predicate).
const uncounted = sql`${reportExecutions.scheduleId} IS NOT NULL AND ${reportExecutions.scheduleOutcomeRecordedAt} IS NULL AND ${reportExecutions.status} IN ('completed', 'failed', 'cancelled')`;

export interface OutcomeOptions {
  settings?: Partial<SchedulerSettings>;
  deadline?: number;
}

export async function recordOutcomes(deps: EngineDeps, options: OutcomeOptions = {}): Promise<OutcomeSummary> {
  const settings = schedulerSettings(options.settings);
  const summary: OutcomeSummary = { counted: 0, succeeded: 0, failed: 0, cancelled: 0, autoPaused: 0, batches: 0 };
  for (;;) {
    if (options.deadline !== undefined && performance.now() >= options.deadline) break;
    const r = await deps.db.transaction((tx) => outcomeBatch(tx, deps, settings));
    summary.batches += 1;
    summary.counted += r.counted;
    summary.succeeded += r.succeeded;
    summary.failed += r.failed;
    summary.cancelled += r.cancelled;
    summary.autoPaused += r.autoPaused;
    if (r.schedules < settings.outcomesBatch) break;
  }
  return summary;
}

async function outcomeBatch(tx: Database, deps: EngineDeps, settings: SchedulerSettings) {
  const out = { schedules: 0, counted: 0, succeeded: 0, failed: 0, cancelled: 0, autoPaused: 0 };
  // Candidates from the partial index of uncounted finished runs (small), then lock their
  // schedules; a wider candidate list lets concurrent ticks spread over different schedules.
  const candidates = sql`
    SELECT DISTINCT pending.schedule_id FROM (
      SELECT ${reportExecutions.scheduleId} AS schedule_id FROM ${reportExecutions}
       WHERE ${uncounted}
       ORDER BY ${reportExecutions.completedAt}
       LIMIT ${settings.outcomesBatch * 5}
    ) AS pending`;
  const schedules = await tx
    .select({
      id: reportSchedules.id,
      scheduleId: reportSchedules.scheduleId,
      isActive: reportSchedules.isActive,
      isPaused: reportSchedules.isPaused,
      runCount: reportSchedules.runCount,
      failureCount: reportSchedules.failureCount,
      lastRunAt: reportSchedules.lastRunAt,
      lastRunStatus: reportSchedules.lastRunStatus,
    })
    .from(reportSchedules)
    .where(sql`${reportSchedules.id} IN (${candidates})`)
    .orderBy(asc(reportSchedules.id))
    .limit(settings.outcomesBatch)
    .for("update", { skipLocked: true });
  out.schedules = schedules.length;
  if (schedules.length === 0) return out;

  const runs = await tx
    .select({
      id: reportExecutions.id,
      scheduleId: reportExecutions.scheduleId,
      status: reportExecutions.status,
      errorMessage: reportExecutions.errorMessage,
      startedAt: reportExecutions.startedAt,
      scheduledFor: reportExecutions.scheduledFor,
      completedAt: reportExecutions.completedAt,
    })
    .from(reportExecutions)
    .where(and(uncounted, inArray(reportExecutions.scheduleId, schedules.map((s) => s.id))))
    .orderBy(sql`${reportExecutions.completedAt} ASC NULLS LAST`, asc(reportExecutions.scheduledFor), asc(reportExecutions.id));

  const byId = new Map(schedules.map((s) => [s.id, { ...s, lastError: null as string | null, touched: false, pauseReason: null as string | null }]));
  const failedRuns: string[] = [];
  const completedRuns: string[] = [];
  for (const run of runs) {
    const s = byId.get(run.scheduleId!);
    if (!s) continue;
    s.touched = true;
    s.runCount = (s.runCount ?? 0) + 1;
    s.lastRunAt = run.startedAt ?? run.scheduledFor ?? run.completedAt;
    s.lastRunStatus = run.status;
    if (run.status === "failed") {
      s.failureCount = (s.failureCount ?? 0) + 1;
      s.lastError = run.errorMessage;
      out.failed += 1;
      failedRuns.push(run.id);
    } else if (run.status === "completed") {
      s.failureCount = 0;
      s.lastError = null;
      out.succeeded += 1;
      completedRuns.push(run.id);
    } else {
      out.cancelled += 1;
    }
    out.counted += 1;
  }

  const log = logOf(deps);
  const changed = [...byId.values()].filter((s) => s.touched);
  for (const s of changed) {
    if (s.isActive && !s.isPaused && (s.failureCount ?? 0) >= settings.autoPauseAfterFailures) {
      const cause = (s.lastError ?? "the run failed").trim().replace(/\.$/, "");
      s.pauseReason = `${cause} — paused after ${s.failureCount} consecutive failed runs. Resume it once the cause is fixed.`;
      out.autoPaused += 1;
      log.warn("schedule paused itself", { scheduleId: s.scheduleId, failures: s.failureCount, reason: s.lastError });
    }
  }
  if (changed.length > 0) {
    await tx.execute(sql`
      UPDATE report_schedules AS s
         SET run_count = v.run_count,
             failure_count = v.failure_count,
             last_run_at = v.last_run_at,
             last_run_status = v.last_run_status,
             is_paused = s.is_paused OR v.pause,
             pause_reason = CASE WHEN v.pause THEN v.pause_reason ELSE s.pause_reason END
        FROM (VALUES ${sql.join(
          changed.map(
            (s) =>
              sql`(${s.id}::uuid, ${s.runCount}::int, ${s.failureCount}::int, ${s.lastRunAt?.toISOString() ?? null}::timestamptz, ${s.lastRunStatus}::text, ${s.pauseReason !== null}::boolean, ${s.pauseReason}::text)`,
          ),
          sql`, `,
        )}) AS v(id, run_count, failure_count, last_run_at, last_run_status, pause, pause_reason)
       WHERE s.id = v.id`);
    await tx
      .update(reportExecutions)
      .set({ scheduleOutcomeRecordedAt: deps.now })
      .where(and(inArray(reportExecutions.id, runs.map((r) => r.id)), isNull(reportExecutions.scheduleOutcomeRecordedAt)));
    await notifyRunsFailed(tx, failedRuns, deps.now);
    await notifyRunsCompleted(tx, completedRuns, deps.now);
    await notifySchedulesPaused(tx, changed.flatMap((s) => (s.pauseReason ? [{ scheduleUuid: s.id, reason: s.pauseReason }] : [])), deps.now);
  }
  return out;
}
