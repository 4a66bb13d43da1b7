import { and, asc, DrizzleQueryError, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportDefinitions, reportExecutions, reportScheduleSkips, reportSchedules } from "../../db/schema";
import { AppError, uniqueViolation } from "../errors";
import { createExecution, type RunRequest } from "../executions/create";
import { logOf, type EngineDeps, type Logger } from "../engine/deps";
import { newExecutionId } from "../ids";
import { dueOccurrences, type DueOccurrences } from "./cron";
import { schedulerSettings, type SchedulerSettings } from "./settings";

/**
 * Materialize due schedules (architecture.md §6.1). In one transaction per batch:
 * 1. claim due schedules (`next_run_at <= now`, active, unpaused) with FOR UPDATE SKIP LOCKED,
 *    so concurrent ticks on any number of servers take disjoint sets;
 * 2. per schedule, the latest due occurrence is the slot to run; older missed ones are recorded
 *    in report_schedule_skips (no storm of catch-up runs);
 * 3. one execution per (schedule, slot), rendered afresh with the window resolved against the
 *    slot; uq_report_executions_schedule_slot makes a second one impossible;
 * 4. next_run_at advances to the first occurrence strictly after the slot.
 * Everything commits together or not at all: a tick killed half way leaves each schedule
 * either fully materialized or still due, so the next tick finishes the job exactly once.
 *
 * A slot is never run before it is due. A run that cannot even be rendered (parameters no
 * longer valid, template gone) is recorded as a failed execution with the reason, and the
 * schedule still advances: it counts towards auto-pause instead of wedging the schedule.
 */

export interface MaterializeSummary {
  /** Schedules claimed as due. */
  claimed: number;
  /** Executions created (one per claimed schedule, except the cases below). */
  created: number;
  /** Slots that already had their execution (nothing created twice). */
  existing: number;
  /** Runs recorded as failed because they could not be rendered. */
  failed: number;
  /** Older missed occurrences recorded as skipped. */
  skipped: number;
  /** Schedules advanced without a run: next_run_at was not an occurrence, or report inactive. */
  advancedOnly: number;
  /** Schedules paused because their stored cron or zone no longer parses. */
  paused: number;
  batches: number;
  /** Batches rolled back and retried (deadlock, or isolating a row that fails in the database). */
  retries: number;
}

export type CreateFn = typeof createExecution;


export interface MaterializeOptions {
  settings?: Partial<SchedulerSettings>;
  /** Stop starting new batches after this `performance.now()` instant. */
  deadline?: number;
  /** Test seam: the execution factory (default createExecution). */
  create?: CreateFn;
}

export const emptyMaterializeSummary = (): MaterializeSummary => ({
  claimed: 0,
  created: 0,
  existing: 0,
  failed: 0,
  skipped: 0,
  advancedOnly: 0,
  paused: 0,
  batches: 0,
  retries: 0,
});

export async function materializeDue(deps: EngineDeps, options: MaterializeOptions = {}): Promise<MaterializeSummary> {
  const settings = schedulerSettings(options.settings);
  const summary = emptyMaterializeSummary();
  const log = logOf(deps);
  for (;;) {
    if (options.deadline !== undefined && performance.now() >= options.deadline) break;
    let isolate = false;
    let attempt = 0;
    let result: MaterializeSummary;
    for (;;) {
      try {
        result = await deps.db.transaction((tx) => materializeBatch(tx, deps.now, settings, options.create ?? createExecution, isolate, log));
        break;
      } catch (e) {
        const state = sqlState(e);
        attempt += 1;
        if (attempt > 3) throw e;
        if (state === "40P01" || state === "40001") {
          // Deadlock with another writer of the same report rows: the whole batch rolled back;
          // run it again.
          summary.retries += 1;
          continue;
        }
        if (!isolate && isRowError(state)) {
          // Some schedule's run fails in the database (a constraint, bad data). Run the batch
          // again with a savepoint per schedule, so that one records its failure and the others
          // go through.
          log.warn("materialize batch failed; retrying row by row", { sqlState: state });
          summary.retries += 1;
          isolate = true;
          continue;
        }
        throw e;
      }
    }
    summary.batches += 1;
    for (const k of Object.keys(result) as (keyof MaterializeSummary)[]) {
      if (k !== "batches" && k !== "retries") summary[k] += result[k];
    }
    if (result.claimed < settings.materializeBatch) break;
  }
  return summary;
}

interface Claimed {
  id: string;
  reportId: string | null;
  cronExpression: string;
  timezone: string;
  defaultParameters: unknown;
  nextRunAt: Date | null;
}

async function materializeBatch(
  tx: Database,
  now: Date,
  settings: SchedulerSettings,
  create: CreateFn,
  isolate: boolean,
  log: Logger,
): Promise<MaterializeSummary> {
  const s = emptyMaterializeSummary();
  // Served by idx_report_schedules_next_run (partial: active and unpaused).
  const claimed: Claimed[] = await tx
    .select({
      id: reportSchedules.id,
      reportId: reportSchedules.reportId,
      cronExpression: reportSchedules.cronExpression,
      timezone: reportSchedules.timezone,
      defaultParameters: reportSchedules.defaultParameters,
      nextRunAt: reportSchedules.nextRunAt,
    })
    .from(reportSchedules)
    // Literal booleans: the partial index's predicate, provable even under a generic plan.
    .where(and(sql`${reportSchedules.isActive} = TRUE AND ${reportSchedules.isPaused} = FALSE`, lte(reportSchedules.nextRunAt, now)))
    // Oldest slot first, in the index's order: the scan stops after `limit` rows, no sort.
    .orderBy(asc(reportSchedules.nextRunAt))
    .limit(settings.materializeBatch)
    .for("update", { skipLocked: true });
  s.claimed = claimed.length;
  if (claimed.length === 0) return s;

  const reportIds = [...new Set(claimed.map((c) => c.reportId).filter((id): id is string => id !== null))];
  const reports = new Map(
    (
      await tx
        .select({
          id: reportDefinitions.id,
          isActive: reportDefinitions.isActive,
          templateId: reportDefinitions.templateId,
          instanceId: reportDefinitions.instanceId,
        })
        .from(reportDefinitions)
        .where(inArray(reportDefinitions.id, reportIds))
    ).map((r) => [r.id, r]),
  );

  // Which slots already have their execution (only possible if next_run_at was moved back by
  // hand: a claimed row is never materialized twice, the lock and the advance see to that).
  const plans = new Map<string, DueOccurrences>();
  const advances: { id: string; next: Date }[] = [];
  const skips: { scheduleId: string; scheduledFor: Date; reason: string }[] = [];
  const pauses: { id: string; reason: string }[] = [];
  for (const c of claimed) {
    try {
      plans.set(c.id, dueOccurrences(c.cronExpression, c.timezone, c.nextRunAt!, now, settings.maxRecordedSkips));
    } catch (e) {
      // A stored cron/zone that does not parse (written around the validation): pausing, with
      // the reason, is the honest state; it cannot have a next run (pitfall 3).
      pauses.push({ id: c.id, reason: `This schedule's cron "${c.cronExpression}" or time zone "${c.timezone}" is not valid: ${e instanceof Error ? e.message : String(e)}. Edit it to resume.` });
    }
  }
  const slots = [...plans.entries()].filter(([, p]) => p.latest).map(([id, p]) => ({ id, slot: p.latest! }));
  const existing = new Set<string>();
  if (slots.length > 0) {
    const rows = await tx
      .select({ scheduleId: reportExecutions.scheduleId, scheduledFor: reportExecutions.scheduledFor })
      .from(reportExecutions)
      .where(
        sql`(${reportExecutions.scheduleId}, ${reportExecutions.scheduledFor}) IN (${sql.join(
          slots.map((x) => sql`(${x.id}::uuid, ${x.slot.toISOString()}::timestamptz)`),
          sql`, `,
        )})`,
      );
    for (const r of rows) existing.add(`${r.scheduleId}|${r.scheduledFor?.getTime()}`);
  }

  const failures: (typeof reportExecutions.$inferInsert)[] = [];
  const jobs: { request: RunRequest; failed: (message: string, details: Record<string, unknown>) => void }[] = [];
  for (const c of claimed) {
    const plan = plans.get(c.id);
    if (!plan) continue;
    advances.push({ id: c.id, next: plan.next });
    for (const slot of plan.skipped) {
      skips.push({ scheduleId: c.id, scheduledFor: slot, reason: missedReason(plan) });
    }
    s.skipped += plan.skipped.length + plan.skippedUnrecorded;
    const slot = plan.latest;
    if (!slot) {
      s.advancedOnly += 1;
      continue;
    }
    const report = c.reportId ? reports.get(c.reportId) : undefined;
    if (!report?.isActive) {
      skips.push({ scheduleId: c.id, scheduledFor: slot, reason: "The report is inactive, so its schedule did not run." });
      s.skipped += 1;
      s.advancedOnly += 1;
      continue;
    }
    if (existing.has(`${c.id}|${slot.getTime()}`)) {
      s.existing += 1;
      continue;
    }
    jobs.push({
      request: {
        reportUuid: report.id,
        triggeredBy: "schedule",
        // Relative windows resolve against the slot, in the report's (= schedule's) zone, so a
        // late tick still reports the intended window.
        now: slot,
        scheduleId: c.id,
        scheduledFor: slot,
        valueOverrides: (c.defaultParameters ?? {}) as Record<string, unknown>,
      },
      failed: (message, details) => {
        failures.push({
          executionId: newExecutionId(),
          reportId: report.id,
          templateId: report.templateId,
          instanceId: report.instanceId,
          triggeredBy: "schedule",
          scheduleId: c.id,
          scheduledFor: slot,
          status: "failed",
          errorMessage: message,
          errorDetails: details,
          completedAt: now,
        });
        s.failed += 1;
      },
    });
  }

  const INTERNAL = "The scheduled run could not start because of an internal error. Tell your admin.";
  const settle = (job: (typeof jobs)[number], outcome: PromiseSettledResult<unknown>) => {
    if (outcome.status === "fulfilled") {
      s.created += 1;
      return;
    }
    const e = outcome.reason;
    switch (classify(e)) {
      case "app": {
        // Thrown before anything was written: the transaction is intact.
        const err = e as AppError;
        job.failed(`The scheduled run could not start: ${err.message}`, { code: err.code, fieldErrors: err.fieldErrors ?? null });
        return;
      }
      case "bug":
        // Not the database's doing (e.g. a stored window spec that no longer parses): this
        // schedule's run fails, visibly, instead of the batch failing on every tick.
        log.error("scheduled run could not be created", { scheduleId: job.request.scheduleId, error: errorText(e) });
        job.failed(INTERNAL, { error: errorText(e) });
        return;
      case "slot-taken":
        // Only reachable with savepoints: the slot's execution exists; nothing created twice.
        s.existing += 1;
        return;
      case "row":
        // Only reachable with savepoints: rolled back to this schedule's savepoint.
        job.failed(INTERNAL, { sqlState: sqlState(e) ?? null });
        return;
      case "fatal":
        throw e;
    }
  };

  for (const job of jobs) {
    // With isolate, a savepoint per schedule. One at a time: pipelining creates on the
    // transaction's connection saved ~10%, but a connection dying mid-pipeline made postgres.js
    // throw an uncaught TypeError (connection.js nextWrite), which would kill the server process.
    const [outcome] = await Promise.allSettled([isolate ? tx.transaction((sp) => create(sp, job.request)) : create(tx, job.request)]);
    // Without savepoints, a database error aborted the whole transaction: throw it (a row
    // error makes materializeDue run the batch again with savepoints).
    if (!isolate && outcome!.status === "rejected" && isDatabaseError(outcome!.reason)) throw outcome!.reason;
    settle(job, outcome!);
  }

  if (failures.length > 0) await tx.insert(reportExecutions).values(failures);
  if (skips.length > 0) await tx.insert(reportScheduleSkips).values(skips).onConflictDoNothing();
  if (advances.length > 0) {
    await tx.execute(sql`
      UPDATE report_schedules AS s SET next_run_at = v.next
        FROM (VALUES ${sql.join(
          advances.map((a) => sql`(${a.id}::uuid, ${a.next.toISOString()}::timestamptz)`),
          sql`, `,
        )}) AS v(id, next)
       WHERE s.id = v.id`);
  }
  for (const p of pauses) {
    await tx.update(reportSchedules).set({ isPaused: true, pauseReason: p.reason }).where(eq(reportSchedules.id, p.id));
    s.paused += 1;
  }
  return s;
}

function missedReason(plan: DueOccurrences): string {
  const n = plan.skipped.length + plan.skippedUnrecorded + 1;
  return `Missed while no scheduler tick ran: of ${n} missed runs only the latest (${plan.latest!.toISOString()}) ran.`;
}

/** PostgreSQL's SQLSTATE of an error (drizzle wraps the driver's error as `cause`). */
export function sqlState(e: unknown): string | undefined {
  for (let x: unknown = e, i = 0; x && typeof x === "object" && i < 3; x = (x as { cause?: unknown }).cause, i++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * An error from the database or the connection to it (drizzle wraps the driver's; postgres.js
 * errors carry a `code`: a SQLSTATE, or CONNECTION_CLOSED and the like), as opposed to an error
 * in the app's own code.
 */
function isDatabaseError(e: unknown): boolean {
  if (e instanceof AppError) return false;
  for (let x: unknown = e, i = 0; x && typeof x === "object" && i < 3; x = (x as { cause?: unknown }).cause, i++) {
    if (x instanceof DrizzleQueryError) return true;
    if (typeof (x as { code?: unknown }).code === "string") return true;
  }
  return false;
}

function classify(e: unknown): "app" | "bug" | "slot-taken" | "row" | "fatal" {
  if (e instanceof AppError) return "app";
  if (!isDatabaseError(e)) return "bug";
  if (uniqueViolation(e) === "uq_report_executions_schedule_slot") return "slot-taken";
  if (isRowError(sqlState(e))) return "row";
  return "fatal";
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 500);

/** Errors about one row's data (class 22 data exception, 23 integrity violation). */
const isRowError = (state: string | undefined) => state !== undefined && (state.startsWith("22") || state.startsWith("23"));
