import { eq } from "drizzle-orm";
import { isDeepStrictEqual } from "node:util";
import type { Database } from "../../db/client";
import { reportDefinitions, type ExecutionStatus } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { executionForUserOrThrow, reportForUserOrThrow, type Execution, type Report } from "../auth/guards";
import { AppError, notFound } from "../errors";
import { addDays, daysBetween, localDate } from "../params/zoned";
import { windowSpecSchema, type WindowSpec } from "../params/window";
import { createSchedule, previewSchedule, upcomingRuns, type CreateScheduleRequest, type Schedule, type SchedulePreview } from "../scheduler/schedules";
import { loadTemplate } from "../templates/load";
import { runReportNow } from "./create";

/** Runs that can be repeated or scheduled: they ended, so their window and values are final. */
const FINISHED: readonly ExecutionStatus[] = ["completed", "failed", "cancelled"];

/**
 * What a finished run was made of, read back for *Re-run same window* and *Schedule this*
 * (product.md story 7): its window as calendar days in its zone, its parameter values, and how
 * its window relates to the report's current one.
 */
export interface RunRecipe {
  executionId: string;
  status: ExecutionStatus;
  zone: string;
  firstDay: string;
  lastDay: string;
  days: number;
  /** Every value the run was rendered with. */
  values: Record<string, unknown>;
  /** Only the values that differ from the report's current ones (what a schedule must override). */
  changedValues: Record<string, unknown>;
  /**
   * The window a schedule of this run uses: the report's own when the run used it (so "previous
   * month" stays a calendar month), else rolling days of the run's length.
   */
  scheduleWindow: WindowSpec;
  /** True when scheduling this run changes the report's window (the run had its own window). */
  windowChanges: boolean;
}

/** The run, checked against the caller's access and the report in the address (else 404). */
async function finishedRun(db: Database, user: SessionUser, ref: RunRef): Promise<{ report: Report & { instanceId: string }; run: Execution }> {
  const report = await reportForUserOrThrow(db, user, ref.reportId);
  const { execution, reportId } = await executionForUserOrThrow(db, user, ref.executionId);
  if (reportId !== report.reportId) throw notFound("Execution");
  if (!FINISHED.includes(execution.status)) {
    throw new AppError("VALIDATION_ERROR", "This run has not finished yet; wait for it (or cancel it) first.");
  }
  return { report, run: execution };
}

export interface RunRef {
  reportId: string;
  executionId: string;
}

export function recipeOf(report: Pick<Report, "parameters" | "windowSpec" | "timezone">, run: Execution): RunRecipe {
  if (!run.timeWindowStart || !run.timeWindowEnd) throw new AppError("VALIDATION_ERROR", "This run has no time window to repeat.");
  const zone = run.timeWindowTimezone ?? report.timezone;
  const firstDay = localDate(run.timeWindowStart, zone);
  const endExclusive = localDate(run.timeWindowEnd, zone);
  const days = daysBetween(firstDay, endExclusive);
  const snapshot = (run.parametersSnapshot ?? {}) as { values?: Record<string, unknown>; window?: unknown };
  const values = snapshot.values ?? {};
  const current = (report.parameters ?? {}) as Record<string, unknown>;
  const changedValues = Object.fromEntries(Object.entries(values).filter(([k, v]) => !isDeepStrictEqual(current[k], v)));
  const reportWindow = windowSpecSchema.safeParse(report.windowSpec);
  const usedReportWindow = reportWindow.success && isDeepStrictEqual(snapshot.window, reportWindow.data);
  const scheduleWindow: WindowSpec = usedReportWindow ? reportWindow.data : { kind: "last_days", n: Math.min(365, Math.max(1, days)) };
  return {
    executionId: run.executionId,
    status: run.status,
    zone,
    firstDay,
    lastDay: addDays(endExclusive, -1),
    days,
    values,
    changedValues,
    scheduleWindow,
    windowChanges: !usedReportWindow,
  };
}

/** The recipe of a finished run the caller may see (for the run page and the schedule form). */
export async function runRecipe(db: Database, user: SessionUser, ref: RunRef): Promise<RunRecipe> {
  const { report, run } = await finishedRun(db, user, ref);
  return recipeOf(report, run);
}

/**
 * *Re-run same window*: a manual run over exactly the run's days with exactly its values, made
 * like Run now (same rate limit, idempotent by key: a double click is one run). The window is
 * resolved in the report's zone, so a report whose zone changed since cannot repeat the run's
 * instants and is refused rather than silently shifted.
 */
export async function rerunExecution(db: Database, user: SessionUser, input: RunRef & { idempotencyKey: string }, now: Date) {
  const { report, run } = await finishedRun(db, user, input);
  const recipe = recipeOf(report, run);
  if (recipe.zone !== report.timezone) {
    throw new AppError(
      "CONFLICT",
      `This run's window is in ${recipe.zone} but the report now uses ${report.timezone}; use Run now with explicit dates instead.`,
    );
  }
  return runReportNow(
    db,
    user,
    {
      reportId: report.reportId,
      idempotencyKey: input.idempotencyKey,
      window: { kind: "absolute", start: recipe.firstDay, end: recipe.lastDay },
      valueOverrides: recipe.values,
    },
    now,
  );
}

/**
 * The schedule preview for *Schedule this*: the usual preview, with each run's window worked
 * out from the window the schedule will use (the run's length when it had its own window).
 */
export async function previewScheduleFromRun(
  db: Database,
  user: SessionUser,
  input: RunRef & Pick<CreateScheduleRequest, "schedule">,
  now: Date,
): Promise<SchedulePreview> {
  const { report, run } = await finishedRun(db, user, input);
  const recipe = recipeOf(report, run);
  const spec = { ...input.schedule, defaultParameters: recipe.changedValues };
  const preview = await previewSchedule(db, user, { reportId: report.reportId, schedule: spec }, now);
  if (!recipe.windowChanges || preview.runs.length === 0) return preview;
  const lag = report.templateId ? ((await loadTemplate(db, report.templateId))?.template.dataLagDays ?? 14) : 14;
  const first = new Date(preview.runs[0]!.at);
  return { ...preview, runs: upcomingRuns({ windowSpec: recipe.scheduleWindow }, lag, first, preview.cron, preview.timezone, preview.runs.length) };
}

/**
 * *Schedule this*: the report's schedule, whose runs use this run's values (only those that
 * differ from the report's become the schedule's overrides, so later edits of the report still
 * apply to the rest) and this run's window length. When the run had its own window the report's
 * window becomes rolling days of that length, in the same transaction as the schedule.
 */
export async function scheduleFromRun(
  db: Database,
  user: SessionUser,
  input: RunRef & Pick<CreateScheduleRequest, "schedule">,
  now: Date,
): Promise<Schedule> {
  return db.transaction(async (tx) => {
    const { report, run } = await finishedRun(tx, user, input);
    const recipe = recipeOf(report, run);
    if (recipe.windowChanges) {
      await tx.update(reportDefinitions).set({ windowSpec: recipe.scheduleWindow, updatedAt: now }).where(eq(reportDefinitions.id, report.id));
    }
    return createSchedule(tx, user, { reportId: report.reportId, schedule: { ...input.schedule, defaultParameters: recipe.changedValues } }, now);
  });
}
