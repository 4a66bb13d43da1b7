import { and, asc, DrizzleQueryError, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryTemplateParameters, queryTemplates, reportDefinitions, reportSchedules } from "../../db/schema";
import { AppError, notFound } from "../errors";
import { buildRun, type NewExecution } from "../executions/create";
import { logOf, type EngineDeps, type Logger } from "../engine/deps";
import { newExecutionId } from "../ids";
import type { ParamDef } from "../params/definitions";
import { memoizedResolveWindow, type resolveWindow } from "../params/window";
import { toParamDef, type TemplateRow } from "../templates/load";
import { dueOccurrences, type DueOccurrences } from "./cron";
import { schedulerSettings, type SchedulerSettings } from "./settings";

/**
 * Materialize due schedules (architecture.md §6.1), set-based: a batch is a fixed handful of
 * statements, not a round trip per run. In one transaction per batch:
 * 1. claim due schedules (`next_run_at <= now`, active, unpaused) with FOR UPDATE SKIP LOCKED,
 *    so concurrent ticks on any number of servers take disjoint sets;
 * 2. per schedule, in the process: the latest due occurrence is the slot to run; older missed
 *    ones are recorded in report_schedule_skips (no storm of catch-up runs), and so is a
 *    next_run_at that is not an occurrence of the cron at all (never dropped silently);
 * 3. one execution per (schedule, slot), rendered afresh with the window resolved against the
 *    slot (buildRun, the same function Run now uses), all written by one INSERT; ON CONFLICT on
 *    uq_report_executions_schedule_slot makes a second one impossible;
 * 4. next_run_at advances to the first occurrence strictly after the slot (croner, in the
 *    schedule's zone, computed here), every schedule of the batch in one UPDATE.
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
  /** Schedules advanced without a run: no occurrence due yet (next_run_at was off the cron; recorded as skipped), or report inactive. */
  advancedOnly: number;
  /** Schedules paused because their stored cron or zone no longer parses. */
  paused: number;
  batches: number;
  /** Batches rolled back and retried (deadlock, or isolating a row that fails in the database). */
  retries: number;
}

/** Writes a batch's runs (test seam; default insertRuns). */
export type CreateFn = (tx: Database, rows: NewExecution[]) => Promise<Written[]>;

export interface MaterializeOptions {
  settings?: Partial<SchedulerSettings>;
  /** Stop starting new batches after this `performance.now()` instant. */
  deadline?: number;
  /** Test seam: how a batch's runs are written (default insertRuns). */
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
        result = await deps.db.transaction((tx) => materializeBatch(tx, deps.now, settings, options.create ?? insertRuns, isolate, log));
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

type ReportRow = Pick<typeof reportDefinitions.$inferSelect, "id" | "isActive" | "templateId" | "instanceId" | "timezone" | "parameters" | "windowSpec">;

const INTERNAL = "The scheduled run could not start because of an internal error. Tell your admin.";

/**
 * One batch, in a fixed number of statements whatever its size: claim; read the batch's reports,
 * templates and parameter definitions; write every run (pending or failed) in one INSERT; record
 * skipped slots in one INSERT; advance every schedule (and pause the broken ones) in one UPDATE.
 * Slots, windows and SQL are computed in the process in between: CPU, not round trips.
 */
async function materializeBatch(
  tx: Database,
  now: Date,
  settings: SchedulerSettings,
  write: CreateFn,
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

  const sources = await loadSources(tx, claimed);

  const rows: NewExecution[] = [];
  const advances: { id: string; next: Date }[] = [];
  const skips: { scheduleId: string; scheduledFor: Date; reason: string }[] = [];
  const pauses: { id: string; reason: string }[] = [];
  // Croner in a zone costs tens of µs per occurrence, and a batch is mostly schedules sharing a
  // preset, zone and slot (Monday 03:00): the plan is a pure function of those, so each distinct
  // one is computed once per batch. Plans are only read, never changed.
  const planned = new Map<string, DueOccurrences>();
  for (const c of claimed) {
    let plan: DueOccurrences;
    try {
      const key = `${c.timezone}\u0000${c.cronExpression}\u0000${c.nextRunAt!.getTime()}`;
      plan = planned.get(key) ?? dueOccurrences(c.cronExpression, c.timezone, c.nextRunAt!, now, settings.maxRecordedSkips);
      planned.set(key, plan);
    } catch (e) {
      // A stored cron/zone that does not parse (written around the validation): pausing, with
      // the reason, is the honest state; it cannot have a next run (pitfall 3).
      pauses.push({ id: c.id, reason: `This schedule's cron "${c.cronExpression}" or time zone "${c.timezone}" is not valid: ${e instanceof Error ? e.message : String(e)}. Edit it to resume.` });
      continue;
    }
    advances.push({ id: c.id, next: plan.next });
    if (plan.offPattern) {
      // next_run_at was an instant the cron never gives (set by hand, imported, an older cron).
      // Not run: its window would be one nobody scheduled, and the schedule's own cadence
      // resumes at the next occurrence. Recorded, with the reason on the schedule card, so the
      // instant that was due is never dropped silently.
      skips.push({ scheduleId: c.id, scheduledFor: plan.offPattern, reason: offPatternReason(c, plan) });
      s.skipped += 1;
    }
    for (const slot of plan.skipped) {
      skips.push({ scheduleId: c.id, scheduledFor: slot, reason: missedReason(plan) });
    }
    s.skipped += plan.skipped.length + plan.skippedUnrecorded;
    const slot = plan.latest;
    if (!slot) {
      s.advancedOnly += 1;
      continue;
    }
    const report = c.reportId ? sources.reports.get(c.reportId) : undefined;
    if (!report?.isActive) {
      skips.push({ scheduleId: c.id, scheduledFor: slot, reason: "The report is inactive, so its schedule did not run." });
      s.skipped += 1;
      s.advancedOnly += 1;
      continue;
    }
    rows.push(runRow(sources, report, c, slot, now, log));
  }

  // One execution per (schedule, slot): a slot that already has its run (next_run_at moved back
  // by hand) is left out by the unique key, not by a read that a concurrent writer could race.
  let written: Written[];
  if (!isolate) {
    written = await write(tx, rows);
  } else {
    // A row failed in the database on the first try: each run in its own savepoint, so that one
    // records its failure and the others go through. Slow, and only ever for that batch.
    written = [];
    const replaced: NewExecution[] = [];
    for (const row of rows) {
      try {
        written.push(...(await tx.transaction((sp) => write(sp, [row]))));
      } catch (e) {
        if (!isDatabaseError(e) || !isRowError(sqlState(e))) throw e;
        log.error("scheduled run could not be written", { scheduleId: row.scheduleId, sqlState: sqlState(e) ?? null });
        replaced.push(failedRow(row, now, INTERNAL, { sqlState: sqlState(e) ?? null }));
      }
    }
    // Written directly, not through the seam: the failure record must not fail like the run did.
    written.push(...(await insertRuns(tx, replaced)));
  }
  for (const w of written) {
    if (w.status === "failed") s.failed += 1;
    else s.created += 1;
  }
  s.existing += rows.length - written.length;

  if (skips.length > 0) {
    await tx.execute(sql`
      INSERT INTO report_schedule_skips (schedule_id, scheduled_for, reason)
      SELECT schedule_id, scheduled_for, reason
        FROM json_to_recordset(${JSON.stringify(skips.map((k) => ({ schedule_id: k.scheduleId, scheduled_for: k.scheduledFor, reason: k.reason })))}::json)
             AS k(schedule_id uuid, scheduled_for timestamptz, reason text)
      ON CONFLICT DO NOTHING`);
  }
  // Every schedule of the batch in one statement: advanced to its next occurrence, or paused.
  const updates = [
    ...advances.map((a) => ({ id: a.id, next: a.next, pause_reason: null })),
    ...pauses.map((p) => ({ id: p.id, next: null, pause_reason: p.reason })),
  ];
  if (updates.length > 0) {
    await tx.execute(sql`
      UPDATE report_schedules AS s
         SET next_run_at = COALESCE(v.next, s.next_run_at),
             is_paused = s.is_paused OR v.pause_reason IS NOT NULL,
             pause_reason = COALESCE(v.pause_reason, s.pause_reason)
        FROM json_to_recordset(${JSON.stringify(updates)}::json) AS v(id uuid, next timestamptz, pause_reason text)
       WHERE s.id = v.id`);
  }
  s.paused += pauses.length;
  return s;
}

interface Sources {
  reports: Map<string, ReportRow>;
  templates: Map<string, TemplateRow>;
  /** A template's parameter definitions, or why they do not load (a stored rule that no longer parses). */
  defs: Map<string, ParamDef[] | Error>;
  /** The batch's windows, each distinct (spec, zone, lag, slot) resolved once. */
  resolve: typeof resolveWindow;
}

/** The batch's reports, their templates and parameter definitions: three reads, whatever the batch size. */
async function loadSources(tx: Database, claimed: Claimed[]): Promise<Sources> {
  const reportIds = [...new Set(claimed.map((c) => c.reportId).filter((id): id is string => id !== null))];
  const reports = new Map<string, ReportRow>();
  if (reportIds.length > 0) {
    const rows = await tx
      .select({
        id: reportDefinitions.id,
        isActive: reportDefinitions.isActive,
        templateId: reportDefinitions.templateId,
        instanceId: reportDefinitions.instanceId,
        timezone: reportDefinitions.timezone,
        parameters: reportDefinitions.parameters,
        windowSpec: reportDefinitions.windowSpec,
      })
      .from(reportDefinitions)
      .where(inArray(reportDefinitions.id, reportIds));
    for (const r of rows) reports.set(r.id, r);
  }
  const templateIds = [...new Set([...reports.values()].flatMap((r) => (r.isActive && r.templateId ? [r.templateId] : [])))];
  const templates = new Map<string, TemplateRow>();
  const defs = new Map<string, ParamDef[] | Error>();
  if (templateIds.length > 0) {
    for (const t of await tx.select().from(queryTemplates).where(inArray(queryTemplates.id, templateIds))) templates.set(t.id, t);
    // The same order loadTemplate reads them in, so a batched run renders exactly as Run now does.
    const params = await tx
      .select()
      .from(queryTemplateParameters)
      .where(inArray(queryTemplateParameters.templateId, templateIds))
      .orderBy(asc(queryTemplateParameters.displayOrder), asc(queryTemplateParameters.name));
    for (const id of templateIds) defs.set(id, []);
    for (const p of params) {
      const list = defs.get(p.templateId);
      if (!Array.isArray(list)) continue;
      try {
        list.push(toParamDef(p));
      } catch (e) {
        defs.set(p.templateId, e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
  return { reports, templates, defs, resolve: memoizedResolveWindow() };
}

/** The run of one slot: pending with its SQL rendered, or failed with the reason it cannot be. */
function runRow(sources: Sources, report: ReportRow, c: Claimed, slot: Date, now: Date, log: Logger): NewExecution {
  const base: NewExecution = {
    executionId: newExecutionId(),
    reportId: report.id,
    templateId: report.templateId,
    instanceId: report.instanceId,
    triggeredBy: "schedule",
    scheduleId: c.id,
    scheduledFor: slot,
  };
  try {
    if (!report.templateId || !report.instanceId) throw new AppError("VALIDATION_ERROR", "This report has no template or instance, so it cannot run.");
    const template = sources.templates.get(report.templateId);
    if (!template) throw notFound("Template");
    const defs = sources.defs.get(template.id);
    if (!defs || defs instanceof Error) throw defs ?? new Error(`no parameter definitions loaded for template ${template.id}`);
    return buildRun(
      { report: { ...report, instanceId: report.instanceId }, template, defs },
      {
        triggeredBy: "schedule",
        // Relative windows resolve against the slot, in the report's (= schedule's) zone, so a
        // late tick still reports the intended window.
        now: slot,
        scheduleId: c.id,
        scheduledFor: slot,
        valueOverrides: (c.defaultParameters ?? {}) as Record<string, unknown>,
      },
      sources.resolve,
    );
  } catch (e) {
    if (e instanceof AppError) {
      return failedRow(base, now, `The scheduled run could not start: ${e.message}`, { code: e.code, fieldErrors: e.fieldErrors ?? null });
    }
    // Not the database's doing (e.g. a stored window spec that no longer parses): this
    // schedule's run fails, visibly, instead of the batch failing on every tick.
    log.error("scheduled run could not be created", { scheduleId: c.id, error: errorText(e) });
    return failedRow(base, now, INTERNAL, { error: errorText(e) });
  }
}

function failedRow(row: NewExecution, now: Date, message: string, details: Record<string, unknown>): NewExecution {
  return {
    executionId: row.executionId,
    reportId: row.reportId,
    templateId: row.templateId,
    instanceId: row.instanceId,
    triggeredBy: row.triggeredBy,
    scheduleId: row.scheduleId,
    scheduledFor: row.scheduledFor,
    status: "failed",
    errorMessage: message,
    errorDetails: details,
    completedAt: now,
  };
}

/** What the INSERT wrote: one per run, except slots that already had theirs. */
export interface Written {
  scheduleId: string;
  status: string;
}

/**
 * Writes a batch's runs in one statement (one JSON parameter, so no bind-parameter limit),
 * skipping any (schedule, slot) that already has its run. The row triggers on
 * report_executions keep report_definitions' last_* copies true as for any other insert.
 */
export async function insertRuns(tx: Database, rows: NewExecution[]): Promise<Written[]> {
  if (rows.length === 0) return [];
  const records = rows.map((r) => ({
    execution_id: r.executionId,
    report_id: r.reportId ?? null,
    template_id: r.templateId ?? null,
    instance_id: r.instanceId ?? null,
    user_id: r.userId ?? null,
    triggered_by: r.triggeredBy,
    schedule_id: r.scheduleId ?? null,
    scheduled_for: r.scheduledFor ?? null,
    collection_id: r.collectionId ?? null,
    status: r.status ?? "pending",
    parameters_snapshot: r.parametersSnapshot ?? null,
    rendered_sql: r.renderedSql ?? null,
    template_version: r.templateVersion ?? null,
    time_window_start: r.timeWindowStart ?? null,
    time_window_end: r.timeWindowEnd ?? null,
    time_window_timezone: r.timeWindowTimezone ?? null,
    error_message: r.errorMessage ?? null,
    error_details: r.errorDetails ?? null,
    completed_at: r.completedAt ?? null,
  }));
  const cols = sql.raw(
    "execution_id, report_id, template_id, instance_id, user_id, triggered_by, schedule_id, scheduled_for, collection_id, status, parameters_snapshot, rendered_sql, template_version, time_window_start, time_window_end, time_window_timezone, error_message, error_details, completed_at",
  );
  const out = await tx.execute<{ schedule_id: string; status: string }>(sql`
    INSERT INTO report_executions (${cols})
    SELECT execution_id, report_id, template_id, instance_id, user_id, triggered_by, schedule_id, scheduled_for, collection_id, status,
           COALESCE(parameters_snapshot, '{}'::jsonb), rendered_sql, template_version, time_window_start, time_window_end,
           time_window_timezone, error_message, error_details, completed_at
      FROM json_to_recordset(${JSON.stringify(records)}::json) AS r(
             execution_id text, report_id uuid, template_id uuid, instance_id uuid, user_id uuid, triggered_by text,
             schedule_id uuid, scheduled_for timestamptz, collection_id uuid, status text, parameters_snapshot jsonb,
             rendered_sql text, template_version integer, time_window_start timestamptz, time_window_end timestamptz,
             time_window_timezone text, error_message text, error_details jsonb, completed_at timestamptz)
    ON CONFLICT (schedule_id, scheduled_for) WHERE schedule_id IS NOT NULL AND scheduled_for IS NOT NULL DO NOTHING
    RETURNING schedule_id, status`);
  return [...out].map((r) => ({ scheduleId: r.schedule_id, status: r.status }));
}

function missedReason(plan: DueOccurrences): string {
  const n = plan.skipped.length + plan.skippedUnrecorded + 1;
  return `Missed while no scheduler tick ran: of ${n} missed runs only the latest (${plan.latest!.toISOString()}) ran.`;
}

function offPatternReason(c: Claimed, plan: DueOccurrences): string {
  return (
    `Not run: the next run was set to ${plan.offPattern!.toISOString()}, which is not a time this schedule's cron "${c.cronExpression}" ` +
    `(${c.timezone}) gives (set by hand, imported, or left by an earlier cron). The schedule continues on its cron` +
    (plan.latest ? `; it ran for ${plan.latest.toISOString()}.` : ` from ${plan.next.toISOString()}.`)
  );
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

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 500);

/** Errors about one row's data (class 22 data exception, 23 integrity violation). */
const isRowError = (state: string | undefined) => state !== undefined && (state.startsWith("22") || state.startsWith("23"));
