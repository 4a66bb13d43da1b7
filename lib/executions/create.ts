import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportDefinitions, reportExecutions, type TriggeredBy } from "../../db/schema";
import { type SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { reportForUserOrThrow } from "../auth/guards";
import { AppError, notFound, uniqueViolation } from "../errors";
import { newExecutionId } from "../ids";
import { consume } from "../limits/consume";
import { LIMITS } from "../limits/limits";
import { renderSql } from "../params/render";
import { resolveWindow, toAmcWindow, windowSpecSchema, type WindowSpec } from "../params/window";
import { loadTemplate, type TemplateRow } from "../templates/load";
import type { ParamDef } from "../params/definitions";

export type Execution = typeof reportExecutions.$inferSelect;

export interface RunRequest {
  reportUuid: string;
  triggeredBy: TriggeredBy;
  /** When the run is for: `now` for Run now, the slot for scheduled runs. */
  now: Date;
  userId?: string | null;
  /** Same key twice (a double click, a retried request) → the same execution. */
  idempotencyKey?: string;
  /** Overrides the report's window for this run only. */
  window?: WindowSpec;
  /** Overrides report parameter values for this run only (schedule defaults, run-now). */
  valueOverrides?: Record<string, unknown>;
  scheduleId?: string | null;
  scheduledFor?: Date | null;
  collectionId?: string | null;
}

export type NewExecution = typeof reportExecutions.$inferInsert;

/** What one run is built from: its report (with an instance) and its template, already loaded. */
export interface RunSource {
  report: Pick<typeof reportDefinitions.$inferSelect, "id" | "timezone" | "parameters" | "windowSpec"> & { instanceId: string };
  template: Pick<TemplateRow, "id" | "sqlTemplate" | "dataLagDays" | "version">;
  defs: ParamDef[];
}

/**
 * One pending run's row, without touching the database: the window resolved against `req.now`
 * in the report's zone, the SQL rendered with the report's values and the request's overrides,
 * and the snapshot a re-run needs. Throws AppError when the parameters do not render. Pure CPU,
 * so the scheduler builds a whole batch of runs in the process and writes them in one statement,
 * and every run, single or batched, is built by this one function.
 */
export function buildRun(
  src: RunSource,
  req: Omit<RunRequest, "reportUuid">,
  // The scheduler passes memoizedResolveWindow() per batch; a single run resolves afresh.
  resolve: typeof resolveWindow = resolveWindow,
): NewExecution {
  const { report, template, defs } = src;
  const spec = req.window ?? windowSpecSchema.parse(report.windowSpec);
  const window = resolve(spec, req.now, report.timezone, template.dataLagDays);
  const values = { ...(report.parameters as Record<string, unknown>), ...req.valueOverrides };
  const rendered = renderSql({ sqlTemplate: template.sqlTemplate, defs, values, window });
  if (!rendered.ok) {
    const details = [...rendered.formErrors, ...Object.entries(rendered.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`)];
    throw new AppError("VALIDATION_ERROR", `The report's parameters are not valid: ${details.join("; ")}`, rendered.fieldErrors);
  }
  return {
    executionId: newExecutionId(),
    reportId: report.id,
    templateId: template.id,
    instanceId: report.instanceId,
    userId: req.userId ?? null,
    triggeredBy: req.triggeredBy,
    scheduleId: req.scheduleId ?? null,
    scheduledFor: req.scheduledFor ?? null,
    collectionId: req.collectionId ?? null,
    status: "pending",
    parametersSnapshot: {
      values: rendered.values,
      window: spec,
      resolvedWindow: { ...toAmcWindow(window), firstDay: window.firstDay, lastDay: window.lastDay, lagDays: window.lagDays, provisional: window.provisional },
    },
    renderedSql: rendered.sql,
    templateVersion: template.version,
    timeWindowStart: window.start,
    timeWindowEnd: window.end,
    timeWindowTimezone: window.timeZone,
    idempotencyKey: req.idempotencyKey ?? null,
  };
}

/**
 * Creates a pending execution: renders the report's template afresh with its current values
 * and a window resolved against `now` in the report's zone, and snapshots everything a re-run
 * needs (values, window spec and instants, rendered SQL, template version). Any render problem
 * is a validation error; nothing is ever sent with blanks or the raw template (pitfall 15).
 * Access is checked by the caller for user actions; engine callers act for the system.
 */
export async function createExecution(db: Database, req: RunRequest): Promise<{ execution: Execution; created: boolean }> {
  const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, req.reportUuid));
  if (!report) throw notFound("Report");
  if (req.idempotencyKey) {
    const existing = await byKey(db, report.id, req.idempotencyKey);
    if (existing) return { execution: existing, created: false };
  }
  if (!report.templateId || !report.instanceId) {
    throw new AppError("VALIDATION_ERROR", "This report has no template or instance, so it cannot run.");
  }
  const loaded = await loadTemplate(db, report.templateId);
  if (!loaded) throw notFound("Template");

  const row = buildRun({ report: { ...report, instanceId: report.instanceId }, template: loaded.template, defs: loaded.defs }, req);

  try {
    const [execution] = await db.insert(reportExecutions).values(row).returning();
    return { execution: execution!, created: true };
  } catch (e) {
    // Two requests with one key raced: the other one's execution is the answer.
    if (req.idempotencyKey && uniqueViolation(e) === "uq_report_executions_idempotency") {
      const existing = await byKey(db, report.id, req.idempotencyKey);
      if (existing) return { execution: existing, created: false };
    }
    throw e;
  }
}

async function byKey(db: Database, reportUuid: string, key: string) {
  const [row] = await db
    .select()
    .from(reportExecutions)
    .where(and(eq(reportExecutions.reportId, reportUuid), eq(reportExecutions.idempotencyKey, key)));
  return row;
}

/** "Run now" for a signed-in user: their access to the report's instance is checked first. */
export async function runReportNow(
  db: Database,
  user: SessionUser,
  input: {
    reportId: string;
    idempotencyKey: string;
    window?: WindowSpec;
    valueOverrides?: Record<string, unknown>;
    /** "api" for API v1 callers, so the runs list tells them apart. */
    triggeredBy?: Extract<TriggeredBy, "manual" | "api">;
  },
  now: Date,
): Promise<{ execution: Execution; created: boolean }> {
  const report = await reportForUserOrThrow(db, user, input.reportId);
  // A replayed key (double click, retried request) is the same run, not another one to count.
  if (!(await byKey(db, report.id, input.idempotencyKey))) await consume(db, LIMITS.runNow, user.id, now);
  const run = await createExecution(db, {
    reportUuid: report.id,
    triggeredBy: input.triggeredBy ?? "manual",
    now,
    userId: user.id,
    idempotencyKey: input.idempotencyKey,
    window: input.window,
    valueOverrides: input.valueOverrides,
  });
  // Right after, not inside one transaction: createExecution's idempotency race recovers from a
  // unique violation, which would abort a surrounding transaction. A replayed key made nothing.
  if (run.created) {
    await recordAudit(db, {
      actor: user,
      action: "run.create",
      targetType: "execution",
      targetId: run.execution.executionId,
      instanceId: report.instanceId,
      details: { reportId: report.reportId, triggeredBy: run.execution.triggeredBy },
      now,
    });
  }
  return run;
}
