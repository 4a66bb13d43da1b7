import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { reportDefinitions, reportSchedules, type Frequency, type ScheduleType } from "../../db/schema";
import { type SessionUser } from "../../db/queries/access";
import { recordAudit, type AuditAction } from "../audit/record";
import { reportForUserOrThrow, scheduleForUserOrThrow } from "../auth/guards";
import { AppError, notFound, uniqueViolation } from "../errors";
import { newScheduleId, reportIdSchema, scheduleIdSchema } from "../ids";
import { renderSql } from "../params/render";
import { resolveWindow, windowSpecSchema } from "../params/window";
import { loadTemplate } from "../templates/load";
import {
  checkCron,
  checkTimeZone,
  cronWarnings,
  daySchema,
  describeSchedule,
  nextRunAfter,
  nextRuns,
  presetCron,
  presetOf,
  timeSchema,
  weekdaySchema,
} from "./cron";

/**
 * Schedules as users change them: create, edit, pause, resume, delete. Each takes the database
 * (or a transaction) first, checks the signed-in user's access through the report's instance,
 * and keeps the rule "an active, unpaused schedule always has a next_run_at" (pitfall 3):
 * create and edit compute it from now, pause keeps it, resume recomputes it from now (the
 * paused period is not replayed).
 */

export type Schedule = typeof reportSchedules.$inferSelect;


const common = {
  timezone: z.string().min(1, "Pick a time zone.").max(64, "Not a time zone name."),
  /** Overrides of the report's parameter values for scheduled runs, per key. */
  defaultParameters: z.record(z.string(), z.unknown()).optional(),
};

/**
 * What a schedule form sends. Strict per preset: a weekday on a monthly schedule, or any key
 * the server does not know, is refused rather than silently ignored (pitfall 6).
 */
export const scheduleSpecSchema = z.discriminatedUnion("preset", [
  z.strictObject({ preset: z.literal("daily"), time: timeSchema, ...common }),
  z.strictObject({ preset: z.literal("weekly"), time: timeSchema, weekday: weekdaySchema, ...common }),
  z.strictObject({ preset: z.literal("monthly"), time: timeSchema, day: daySchema, ...common }),
  z.strictObject({ preset: z.literal("quarterly"), time: timeSchema, day: daySchema, ...common }),
  z.strictObject({ preset: z.literal("custom"), cron: z.string().max(200, "That cron expression is too long."), ...common }),
]);
export type ScheduleSpec = z.input<typeof scheduleSpecSchema>;

export const createScheduleSchema = z.strictObject({ reportId: reportIdSchema, schedule: scheduleSpecSchema });
export const updateScheduleSchema = z.strictObject({ scheduleId: scheduleIdSchema, schedule: scheduleSpecSchema });
export const scheduleRefSchema = z.strictObject({ scheduleId: scheduleIdSchema });
export const previewScheduleSchema = createScheduleSchema;
/** What the functions below take: input parsed at the boundary (action, route). */
export type CreateScheduleRequest = z.output<typeof createScheduleSchema>;
export type UpdateScheduleRequest = z.output<typeof updateScheduleSchema>;
export type ScheduleRef = z.output<typeof scheduleRefSchema>;

export interface ResolvedSpec {
  cron: string;
  timezone: string;
  scheduleType: ScheduleType;
  defaultParameters: Record<string, unknown>;
}

/** Spec → cron + zone, or a VALIDATION_ERROR naming the field (schedule.cron, schedule.timezone). */
export function resolveSpec(input: z.output<typeof scheduleSpecSchema>): ResolvedSpec {
  const fieldErrors: Record<string, string[]> = {};
  const zone = checkTimeZone(input.timezone);
  if (!zone.ok) fieldErrors["schedule.timezone"] = [zone.message];
  let cron: string;
  if (input.preset === "custom") {
    const checked = checkCron(input.cron);
    if (!checked.ok) fieldErrors["schedule.cron"] = [checked.message];
    cron = checked.ok ? checked.value : "";
  } else {
    cron = presetCron(input.preset, {
      time: input.time,
      weekday: "weekday" in input ? input.weekday : undefined,
      day: "day" in input ? input.day : undefined,
    });
  }
  if (Object.keys(fieldErrors).length > 0 || !zone.ok) {
    throw new AppError("VALIDATION_ERROR", Object.values(fieldErrors).flat().join(" "), fieldErrors);
  }
  return {
    cron,
    timezone: zone.value,
    // A custom expression that happens to be a preset is described as one, but stays custom.
    scheduleType: input.preset === "custom" ? "custom" : input.preset,
    defaultParameters: input.defaultParameters ?? {},
  };
}

/** The report's frequency column (overview filter) for a schedule: its preset, or its cadence. */
export function frequencyOf(cron: string, timezone: string, from: Date): Frequency {
  const preset = presetOf(cron)?.preset;
  if (preset) return preset;
  const runs = nextRuns(cron, timezone, from, 12);
  const gaps = runs.slice(1).map((r, i) => r.getTime() - runs[i]!.getTime()).sort((a, b) => a - b);
  const typical = gaps[Math.floor(gaps.length / 2)] ?? 86_400_000;
  const day = 86_400_000;
  if (typical <= 1.5 * day) return "daily";
  if (typical <= 8 * day) return "weekly";
  if (typical <= 32 * day) return "monthly";
  return "quarterly";
}


type Report = typeof reportDefinitions.$inferSelect;

export interface UpcomingRun {
  at: string;
  /** The slot in the schedule's zone: "Mon 2025-03-10 03:00 EDT". */
  local: string;
  /** The days the run will cover, in the schedule's zone. */
  window: string | null;
}

const localFormats = new Map<string, Intl.DateTimeFormat>();
/** "Mon 2025-03-10 03:00 EDT": deterministic (built from parts), the same on server and client. */
export function formatInZone(instant: Date, timeZone: string): string {
  let f = localFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    localFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/**
 * The next `n` runs of a schedule as they will run, from `first` (its next_run_at): each slot in
 * the schedule's zone and the days its window covers (the report's window spec and the
 * template's data lag).
 */
export function upcomingRuns(
  report: Pick<Report, "windowSpec">,
  lagDays: number,
  first: Date,
  cron: string,
  timezone: string,
  n: number,
): UpcomingRun[] {
  const slots = [first, ...nextRuns(cron, timezone, first, n - 1)];
  const spec = windowSpecSchema.safeParse(report.windowSpec);
  return slots.map((slot) => {
    let window: string | null = null;
    if (spec.success) {
      const w = resolveWindow(spec.data, slot, timezone, lagDays);
      window = w.firstDay === w.lastDay ? w.firstDay : `${w.firstDay} – ${w.lastDay}`;
    }
    return { at: slot.toISOString(), local: formatInZone(slot, timezone), window };
  });
}

/**
 * A dry run of the first scheduled run: the report's values overridden by the schedule's, with
 * the window of that slot. A schedule that could only ever fail is refused when saved, with
 * the renderer's own field errors, instead of failing five times and pausing itself.
 */
async function checkRenders(db: Database, report: Report, spec: ResolvedSpec, firstRun: Date): Promise<void> {
  if (!report.templateId) throw new AppError("VALIDATION_ERROR", "This report has no template, so it cannot be scheduled.");
  const loaded = await loadTemplate(db, report.templateId);
  if (!loaded) throw notFound("Template");
  const windowSpec = windowSpecSchema.safeParse(report.windowSpec);
  if (!windowSpec.success) throw new AppError("VALIDATION_ERROR", "This report's time window is not valid; fix it before scheduling.");
  const window = resolveWindow(windowSpec.data, firstRun, spec.timezone, loaded.template.dataLagDays);
  const values = { ...(report.parameters as Record<string, unknown>), ...spec.defaultParameters };
  const rendered = renderSql({ sqlTemplate: loaded.template.sqlTemplate, defs: loaded.defs, values, window });
  if (!rendered.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(rendered.fieldErrors).map(([k, v]) => [`schedule.defaultParameters.${k}`, v]));
    const details = [...rendered.formErrors, ...Object.entries(rendered.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`)];
    throw new AppError("VALIDATION_ERROR", `Scheduled runs would fail: ${details.join("; ")}`, fieldErrors);
  }
}

export interface SchedulePreview {
  cron: string;
  timezone: string;
  scheduleType: ScheduleType;
  description: string;
  warnings: string[];
  runs: UpcomingRun[];
}

/** What a schedule would do, before it is saved: its cron, words, and next 5 runs with windows. */
export async function previewSchedule(db: Database, user: SessionUser, parsed: CreateScheduleRequest, now: Date): Promise<SchedulePreview> {
  const report = await reportForUserOrThrow(db, user, parsed.reportId);
  const spec = resolveSpec(parsed.schedule);
  const first = nextRunAfter(spec.cron, spec.timezone, now);
  const lag = report.templateId ? ((await loadTemplate(db, report.templateId))?.template.dataLagDays ?? 14) : 14;
  return {
    cron: spec.cron,
    timezone: spec.timezone,
    scheduleType: spec.scheduleType,
    description: describeSchedule(spec.cron, spec.timezone),
    warnings: cronWarnings(spec.cron),
    runs: upcomingRuns(report, lag, first, spec.cron, spec.timezone, 5),
  };
}

/**
 * One audit entry for a schedule change: its cron and zone (what a reader wants to know), never
 * its default parameter values. Pause/resume are single UPDATEs, recorded right after them; the
 * others inside their transaction.
 */
async function audit(
  db: Database,
  user: SessionUser,
  action: AuditAction,
  schedule: Pick<Schedule, "scheduleId" | "cronExpression" | "timezone">,
  report: { reportId: string; instanceId: string | null },
  now: Date,
) {
  await recordAudit(db, {
    actor: user,
    action,
    targetType: "schedule",
    targetId: schedule.scheduleId,
    instanceId: report.instanceId,
    details: { reportId: report.reportId, cron: schedule.cronExpression, timezone: schedule.timezone },
    now,
  });
}

const CONFLICT_MESSAGE = "This report already has a schedule. Edit it, or delete it first.";

/**
 * One active schedule per report (uq_report_schedules_one_active_per_report): a second one is a
 * CONFLICT, whether found first or raced into the index.
 */
export async function createSchedule(db: Database, user: SessionUser, parsed: CreateScheduleRequest, now: Date): Promise<Schedule> {
  const report = await reportForUserOrThrow(db, user, parsed.reportId);
  const spec = resolveSpec(parsed.schedule);
  const nextRunAt = nextRunAfter(spec.cron, spec.timezone, now);
  await checkRenders(db, report, spec, nextRunAt);
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: reportSchedules.id })
        .from(reportSchedules)
        .where(and(eq(reportSchedules.reportId, report.id), eq(reportSchedules.isActive, true)));
      if (existing) throw new AppError("CONFLICT", CONFLICT_MESSAGE);
      const [row] = await tx
        .insert(reportSchedules)
        .values({
          scheduleId: newScheduleId(),
          reportId: report.id,
          scheduleType: spec.scheduleType,
          cronExpression: spec.cron,
          timezone: spec.timezone,
          defaultParameters: spec.defaultParameters,
          nextRunAt,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await alignReport(tx, report.id, spec, now);
      await audit(tx, user, "schedule.create", row!, { reportId: report.reportId, instanceId: report.instanceId }, now);
      return row!;
    });
  } catch (e) {
    if (uniqueViolation(e) === "uq_report_schedules_one_active_per_report") throw new AppError("CONFLICT", CONFLICT_MESSAGE);
    throw e;
  }
}

/**
 * Scheduled runs resolve their window in the report's zone (lib/executions/create.ts), so the
 * report takes the schedule's zone: "last 7 days" of a New York schedule are New York days.
 */
async function alignReport(db: Database, reportUuid: string, spec: ResolvedSpec, now: Date) {
  await db
    .update(reportDefinitions)
    .set({ timezone: spec.timezone, frequency: frequencyOf(spec.cron, spec.timezone, now), updatedAt: now })
    .where(eq(reportDefinitions.id, reportUuid));
}

/** Edit: new cron/zone/overrides; next_run_at recomputed from now at once. */
export async function updateSchedule(db: Database, user: SessionUser, parsed: UpdateScheduleRequest, now: Date): Promise<Schedule> {
  const { schedule } = await scheduleForUserOrThrow(db, user, parsed.scheduleId);
  const spec = resolveSpec(parsed.schedule);
  const nextRunAt = nextRunAfter(spec.cron, spec.timezone, now);
  const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, schedule.reportId!));
  if (!report) throw notFound("Report");
  await checkRenders(db, report, spec, nextRunAt);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(reportSchedules)
      .set({
        scheduleType: spec.scheduleType,
        cronExpression: spec.cron,
        timezone: spec.timezone,
        defaultParameters: spec.defaultParameters,
        nextRunAt,
        updatedAt: now,
      })
      .where(and(eq(reportSchedules.id, schedule.id), eq(reportSchedules.isActive, true)))
      .returning();
    if (!row) throw notFound("Schedule");
    await alignReport(tx, report.id, spec, now);
    await audit(tx, user, "schedule.update", row, { reportId: report.reportId, instanceId: report.instanceId }, now);
    return row;
  });
}

/** Pause: no new runs; next_run_at is kept (it is what resume would have run next). */
export async function pauseSchedule(db: Database, user: SessionUser, parsed: ScheduleRef, now: Date): Promise<Schedule> {
  const found = await scheduleForUserOrThrow(db, user, parsed.scheduleId);
  const { schedule } = found;
  if (schedule.isPaused) return schedule;
  const [row] = await db
    .update(reportSchedules)
    .set({ isPaused: true, pauseReason: `Paused by ${user.name || user.email}.`, updatedAt: now })
    .where(and(eq(reportSchedules.id, schedule.id), eq(reportSchedules.isActive, true)))
    .returning();
  if (!row) throw notFound("Schedule");
  await audit(db, user, "schedule.pause", row, found, now);
  return row;
}

/**
 * Resume: next run is the first occurrence strictly after now; slots that passed while paused
 * are not replayed. The consecutive-failure count starts again (whoever resumes has dealt with
 * the cause, or will see it pause again after N more failures).
 */
export async function resumeSchedule(db: Database, user: SessionUser, parsed: ScheduleRef, now: Date): Promise<Schedule> {
  const found = await scheduleForUserOrThrow(db, user, parsed.scheduleId);
  const { schedule } = found;
  let nextRunAt: Date;
  try {
    nextRunAt = nextRunAfter(schedule.cronExpression, schedule.timezone, now);
  } catch {
    throw new AppError("VALIDATION_ERROR", "This schedule's cron expression or time zone is not valid any more; edit it instead.");
  }
  const [row] = await db
    .update(reportSchedules)
    .set({ isPaused: false, pauseReason: null, failureCount: 0, nextRunAt, updatedAt: now })
    .where(and(eq(reportSchedules.id, schedule.id), eq(reportSchedules.isActive, true)))
    .returning();
  if (!row) throw notFound("Schedule");
  await audit(db, user, "schedule.resume", row, found, now);
  return row;
}

/**
 * Delete: the schedule stops and leaves the report (which stays, with its history). The row is
 * kept inactive so past runs still point at the schedule they ran for.
 */
export async function deleteSchedule(db: Database, user: SessionUser, parsed: ScheduleRef, now: Date): Promise<{ scheduleId: string }> {
  const found = await scheduleForUserOrThrow(db, user, parsed.scheduleId);
  const { schedule } = found;
  await db.transaction(async (tx) => {
    await tx
      .update(reportSchedules)
      .set({ isActive: false, nextRunAt: null, updatedAt: now })
      .where(eq(reportSchedules.id, schedule.id));
    await tx.update(reportDefinitions).set({ frequency: "once", updatedAt: now }).where(eq(reportDefinitions.id, schedule.reportId!));
    await audit(tx, user, "schedule.delete", schedule, found, now);
  });
  return { scheduleId: schedule.scheduleId };
}
