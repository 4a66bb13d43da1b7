import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { amcInstances, queryTemplates, reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
import { type SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { reportForUserOrThrow, type Report } from "../auth/guards";
import { AppError, notFound, parseInput } from "../errors";
import { startBackfill } from "../backfill/backfills";
import { segmentTypeSchema } from "../backfill/plan";
import { createExecution } from "../executions/create";
import { consume } from "../limits/consume";
import { LIMITS } from "../limits/limits";
import type { TriggeredBy } from "../../db/schema";
import { newReportId, reportIdSchema } from "../ids";
import { loadTemplate } from "../templates/load";
import { windowSpecSchema } from "../params/window";
import { cronWarnings, describeSchedule, nextRunAfter } from "../scheduler/cron";
import { createSchedule, createScheduleSchema, resolveSpec, scheduleSpecSchema, upcomingRuns, type UpcomingRun } from "../scheduler/schedules";
import { checkAgainst, checkBuilderInput, invalidInput, validateParametersSchema, type BuilderContext } from "./validate";

/**
 * Report definitions as users make and change them: create (with its first run, or its schedule
 * and optionally a first run, or its backfill, in ONE transaction: pitfall 30; a failure in any
 * piece leaves nothing behind), update, duplicate, delete. Every function takes the
 * database or a transaction first and checks the signed-in user's access through the instance.
 * Values, window and zone are validated by the same function as the preview (lib/reports/
 * validate.ts), so what was previewed is what is saved and run.
 */

const nameSchema = z.string().trim().min(1, "Give the report a name.").max(200, "At most 200 characters.");
const descriptionSchema = z.string().trim().max(2000, "At most 2,000 characters.").optional();

export const createReportSchema = validateParametersSchema.extend({
  name: nameSchema,
  description: descriptionSchema,
  run: z.discriminatedUnion("kind", [
    /** Run once now: the report and its first execution. */
    z.strictObject({ kind: z.literal("once"), idempotencyKey: z.string().min(8).max(100).optional() }),
    /**
     * Save with a schedule: the report and its schedule (the schedule's zone is the report's),
     * and with `alsoRunNow` a first manual run of the current window too.
     */
    z.strictObject({
      kind: z.literal("schedule"),
      schedule: z.record(z.string(), z.unknown()),
      alsoRunNow: z.boolean().optional(),
      idempotencyKey: z.string().min(8).max(100).optional(),
    }),
    /**
     * Save and backfill: the report and its backfill (the wizard's Backfill way, API v1's
     * `run: backfill`). `endDate` is the exclusive end anchor; absent = today − the template's lag.
     */
    z.strictObject({
      kind: z.literal("backfill"),
      lookbackDays: z.number().int(),
      segmentType: segmentTypeSchema,
      endDate: z.iso.date("Use a date like 2026-03-01.").optional(),
    }),
  ]),
});
export type CreateReportInput = z.input<typeof createReportSchema>;
export type CreateReportRequest = z.output<typeof createReportSchema>;

export interface CreatedReport {
  reportId: string;
  executionId: string | null;
  scheduleId: string | null;
  collectionId?: string | null;
}

/** A schedule spec from the wizard, with the report's zone (one zone for the window and the cron). */
function withZone(schedule: Record<string, unknown>, timezone: string) {
  return { ...schedule, timezone };
}

export async function createReport(
  db: Database,
  user: SessionUser,
  input: CreateReportRequest,
  now: Date,
  opts: { triggeredBy?: Extract<TriggeredBy, "manual" | "api"> } = {},
): Promise<CreatedReport> {
  const { name, description, run, ...builder } = input;
  const { context, result, window, timezone } = await checkBuilderInput(db, user, builder, now);
  if (!result.valid || !result.values) throw invalidInput(result);
  return db.transaction(async (tx) => {
    // In the transaction: a create that fails after this gives its unit back.
    await consume(tx, LIMITS.createReport, user.id, now);
    const [report] = await tx
      .insert(reportDefinitions)
      .values({
        reportId: newReportId(),
        name,
        description: description || null,
        templateId: context.template.id,
        instanceId: context.instance.id,
        ownerId: user.id,
        parameters: result.values!,
        windowSpec: window,
        timezone,
        frequency: "once",
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, {
      actor: user,
      action: "report.create",
      targetType: "report",
      targetId: report!.reportId,
      instanceId: report!.instanceId,
      details: { name, templateId: context.template.templateId, run: run.kind, ...(run.kind === "schedule" && run.alsoRunNow ? { alsoRunNow: true } : {}) },
      now,
    });
    if (run.kind === "once") {
      const { execution } = await createExecution(tx, {
        reportUuid: report!.id,
        triggeredBy: opts.triggeredBy ?? "manual",
        now,
        userId: user.id,
        idempotencyKey: run.idempotencyKey,
      });
      return { reportId: report!.reportId, executionId: execution.executionId, scheduleId: null };
    }
    if (run.kind === "backfill") {
      const started = await startBackfill(
        tx,
        user,
        { reportId: report!.reportId, lookbackDays: run.lookbackDays, segmentType: run.segmentType, endDate: run.endDate },
        now,
      );
      return { reportId: report!.reportId, executionId: null, scheduleId: null, collectionId: started.collectionId };
    }
    // The wizard's schedule is a record until it has the report's zone: parsed here, once.
    const request = parseInput(createScheduleSchema, { reportId: report!.reportId, schedule: withZone(run.schedule, timezone) });
    const schedule = await createSchedule(tx, user, request, now);
    // "Also run now": the current window at once, a manual run beside the schedule's own.
    const first = run.alsoRunNow
      ? await createExecution(tx, { reportUuid: report!.id, triggeredBy: opts.triggeredBy ?? "manual", now, userId: user.id, idempotencyKey: run.idempotencyKey })
      : null;
    return { reportId: report!.reportId, executionId: first?.execution.executionId ?? null, scheduleId: schedule.scheduleId };
  });
}

export const schedulePreviewSchema = z.strictObject({
  templateId: z.string().trim().min(1).max(100),
  window: z.record(z.string(), z.unknown()).optional(),
  timezone: z.string().max(100),
  schedule: z.record(z.string(), z.unknown()),
});

export interface NewSchedulePreview {
  cron: string;
  timezone: string;
  description: string;
  warnings: string[];
  runs: UpcomingRun[];
}

/**
 * The next 5 runs of a schedule for a report that does not exist yet (wizard step 4), computed
 * exactly as previewSchedule does for a saved one: same spec resolution, same cron math, same
 * windows per slot.
 */
export async function previewNewSchedule(db: Database, parsed: z.output<typeof schedulePreviewSchema>, now: Date): Promise<NewSchedulePreview> {
  const [template] = await db
    .select({ dataLagDays: queryTemplates.dataLagDays })
    .from(queryTemplates)
    .where(eq(queryTemplates.templateId, parsed.templateId));
  if (!template) throw notFound("Template");
  const spec = resolveSpec(parseInput(scheduleSpecSchema, withZone(parsed.schedule, parsed.timezone)));
  const first = nextRunAfter(spec.cron, spec.timezone, now);
  return {
    cron: spec.cron,
    timezone: spec.timezone,
    description: describeSchedule(spec.cron, spec.timezone),
    warnings: cronWarnings(spec.cron),
    runs: upcomingRuns({ windowSpec: parsed.window ?? null }, template.dataLagDays, first, spec.cron, spec.timezone, 5),
  };
}

async function contextOf(db: Database, report: Report): Promise<BuilderContext> {
  if (!report.templateId) throw new AppError("VALIDATION_ERROR", "This report has no template.");
  const loaded = await loadTemplate(db, report.templateId);
  if (!loaded) throw notFound("Template");
  if (!report.instanceId) throw notFound("Instance");
  const [instance] = await db.select().from(amcInstances).where(eq(amcInstances.id, report.instanceId));
  if (!instance) throw notFound("Instance");
  return { ...loaded, instance };
}

export const updateReportSchema = z.strictObject({
  reportId: reportIdSchema,
  name: nameSchema,
  description: descriptionSchema,
  values: z.record(z.string().max(64), z.unknown()),
  window: z.record(z.string(), z.unknown()),
  timezone: z.string().max(100),
});

/**
 * Edit: name, description, parameter values, window and zone. The template and instance stay.
 * A scheduled report keeps its schedule's zone (its runs resolve windows in it); change the zone
 * on the schedule.
 */
export async function updateReport(
  db: Database,
  user: SessionUser,
  parsed: z.output<typeof updateReportSchema>,
  now: Date,
): Promise<{ reportId: string }> {
  const report = await reportForUserOrThrow(db, user, parsed.reportId);
  const context = await contextOf(db, report);
  const { result, window, timezone } = checkAgainst(context, parsed, now);
  if (!result.valid || !result.values) throw invalidInput(result);
  const [schedule] = await db
    .select({ timezone: reportSchedules.timezone })
    .from(reportSchedules)
    .where(and(eq(reportSchedules.reportId, report.id), eq(reportSchedules.isActive, true)));
  if (schedule && schedule.timezone !== timezone) {
    throw new AppError(
      "VALIDATION_ERROR",
      `This report runs on a schedule in ${schedule.timezone}; its dates follow the schedule's time zone. Change the zone on the schedule instead.`,
      { timezone: [`Scheduled in ${schedule.timezone}: change the zone on the schedule.`] },
    );
  }
  await db
    .update(reportDefinitions)
    .set({
      name: parsed.name,
      description: parsed.description || null,
      parameters: result.values,
      windowSpec: window,
      timezone,
      updatedAt: now,
    })
    .where(eq(reportDefinitions.id, report.id));
  // One UPDATE, recorded right after it: which fields and parameters changed, never their values.
  await recordAudit(db, {
    actor: user,
    action: "report.update",
    targetType: "report",
    targetId: report.reportId,
    instanceId: report.instanceId,
    details: { name: parsed.name, ...changesOf(report, { ...parsed, description: parsed.description || null, values: result.values, window, timezone }) },
    now,
  });
  return { reportId: report.reportId };
}

/** JSON with object keys sorted, so two equal documents compare equal whatever their key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v ?? null, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** The names of what an edit changed (fields, parameter keys), for the audit log. */
function changesOf(
  before: Report,
  after: { name: string; description: string | null; values: Record<string, unknown>; window: unknown; timezone: string },
): { changed: string[]; changedParameters: string[] } {
  const old = (before.parameters ?? {}) as Record<string, unknown>;
  const changedParameters = [...new Set([...Object.keys(old), ...Object.keys(after.values)])].filter((k) => !same(old[k], after.values[k])).sort();
  const changed = [
    before.name !== after.name && "name",
    (before.description ?? null) !== after.description && "description",
    changedParameters.length > 0 && "parameters",
    // Compared as parsed, defaults filled in, as the edit's window is.
    !same(windowSpecSchema.safeParse(before.windowSpec).data ?? before.windowSpec, after.window) && "window",
    before.timezone !== after.timezone && "timezone",
  ].filter((c): c is string => typeof c === "string");
  return { changed, changedParameters };
}

/** Duplicate: a new report with the same template, instance, values, window and zone; no schedule, no runs. */
export async function duplicateReport(db: Database, user: SessionUser, reportId: string, now: Date): Promise<{ reportId: string }> {
  const report = await reportForUserOrThrow(db, user, reportId);
  const name = `${report.name} (copy)`.slice(0, 200);
  const [copy] = await db
    .insert(reportDefinitions)
    .values({
      reportId: newReportId(),
      name,
      description: report.description,
      templateId: report.templateId,
      instanceId: report.instanceId,
      ownerId: user.id,
      parameters: report.parameters,
      windowSpec: report.windowSpec,
      timezone: report.timezone,
      frequency: "once",
      isActive: true,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ reportId: reportDefinitions.reportId });
  await recordAudit(db, {
    actor: user,
    action: "report.duplicate",
    targetType: "report",
    targetId: copy!.reportId,
    instanceId: report.instanceId,
    details: { name, from: report.reportId },
    now,
  });
  return { reportId: copy!.reportId };
}

/**
 * Delete: the report with its executions, results, schedule and backfills (ON DELETE CASCADE,
 * as the seed says). Returns how many runs went with it.
 */
export async function deleteReport(db: Database, user: SessionUser, reportId: string): Promise<{ reportId: string; deletedRuns: number }> {
  const report = await reportForUserOrThrow(db, user, reportId);
  return db.transaction(async (tx) => {
    const [runs] = await tx.select({ n: count() }).from(reportExecutions).where(eq(reportExecutions.reportId, report.id));
    await tx.delete(reportDefinitions).where(eq(reportDefinitions.id, report.id));
    await recordAudit(tx, {
      actor: user,
      action: "report.delete",
      targetType: "report",
      targetId: reportId,
      instanceId: report.instanceId,
      details: { name: report.name, deletedRuns: runs?.n ?? 0 },
    });
    return { reportId, deletedRuns: runs?.n ?? 0 };
  });
}
