import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportDefinitions, reportExecutions, type TriggeredBy } from "../../db/schema";
import { type SessionUser } from "../../db/queries/access";
import { reportForUserOrThrow } from "../auth/guards";
import { AppError, notFound, uniqueViolation } from "../errors";
import { newExecutionId } from "../ids";
import { consume } from "../limits/consume";
import { LIMITS } from "../limits/limits";
import { renderSql } from "../params/render";
import { resolveWindow, toAmcWindow, windowSpecSchema, type WindowSpec } from "../params/window";
import { loadTemplate } from "../templates/load";

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

  const spec = req.window ?? windowSpecSchema.parse(report.windowSpec);
  const window = resolveWindow(spec, req.now, report.timezone, loaded.template.dataLagDays);
  const values = { ...(report.parameters as Record<string, unknown>), ...req.valueOverrides };
  const rendered = renderSql({ sqlTemplate: loaded.template.sqlTemplate, defs: loaded.defs, values, window });
  if (!rendered.ok) {
    const details = [...rendered.formErrors, ...Object.entries(rendered.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`)];
    throw new AppError("VALIDATION_ERROR", `The report's parameters are not valid: ${details.join("; ")}`, rendered.fieldErrors);
  }

  try {
    const [execution] = await db
      .insert(reportExecutions)
      .values({
        executionId: newExecutionId(),
        reportId: report.id,
        templateId: loaded.template.id,
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
        templateVersion: loaded.template.version,
        timeWindowStart: window.start,
        timeWindowEnd: window.end,
        timeWindowTimezone: window.timeZone,
        idempotencyKey: req.idempotencyKey ?? null,
      })
      .returning();
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
  return createExecution(db, {
    reportUuid: report.id,
    triggeredBy: input.triggeredBy ?? "manual",
    now,
    userId: user.id,
    idempotencyKey: input.idempotencyKey,
    window: input.window,
    valueOverrides: input.valueOverrides,
  });
}
