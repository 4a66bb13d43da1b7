import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { scheduleForUserOrThrow } from "../auth/guards";
import { scheduleIdSchema } from "../ids";
import { describeSchedule } from "../scheduler/cron";
import { createSchedule, deleteSchedule, pauseSchedule, resumeSchedule, scheduleSpecSchema, updateSchedule, type Schedule } from "../scheduler/schedules";
import { endpoints, isoOrNull, isoTime, reportParams } from "./endpoint";

/** API v1: a report's schedule (one active per report). */

const schedulesEndpoint = endpoints("Schedules");

export const scheduleSchema = z
  .strictObject({
    scheduleId: z.string(),
    scheduleType: z.enum(["daily", "weekly", "monthly", "quarterly", "custom"]),
    cron: z.string(),
    timezone: z.string(),
    description: z.string(),
    defaultParameters: z.record(z.string(), z.unknown()),
    isPaused: z.boolean(),
    pauseReason: z.string().nullable(),
    nextRunAt: isoTime.nullable(),
    lastRunAt: isoTime.nullable(),
    lastRunStatus: z.string().nullable(),
    failureCount: z.number().int(),
  })
  .meta({ id: "Schedule" });
export type ScheduleView = z.output<typeof scheduleSchema>;

export function toScheduleView(s: Schedule): ScheduleView {
  let description = s.cronExpression;
  try {
    description = describeSchedule(s.cronExpression, s.timezone);
  } catch {
    // An old row with a cron croner no longer reads: show the expression itself.
  }
  return {
    scheduleId: s.scheduleId,
    scheduleType: s.scheduleType,
    cron: s.cronExpression,
    timezone: s.timezone,
    description,
    defaultParameters: s.defaultParameters as Record<string, unknown>,
    isPaused: s.isPaused,
    pauseReason: s.pauseReason,
    nextRunAt: isoOrNull(s.nextRunAt),
    lastRunAt: isoOrNull(s.lastRunAt),
    lastRunStatus: s.lastRunStatus,
    failureCount: s.failureCount ?? 0,
  };
}

export const createScheduleEndpoint = schedulesEndpoint("POST /api/v1/reports/{reportId}/schedules", {
  summary: "Schedule a report",
  description:
    "A preset (`daily`, `weekly`, `monthly`, `quarterly` with `time` HH:MM and `weekday`/`day`) or `custom` with a 5-field `cron`, in an IANA `timezone`. 409 when the report already has a schedule.",
  params: reportParams,
  body: scheduleSpecSchema,
  responses: { 201: scheduleSchema },
  errors: [404, 409, 413, 415],
});

const scheduleParams = z.strictObject({ scheduleId: scheduleIdSchema });

export const updateScheduleBody = z
  .strictObject({
    isPaused: z.boolean().optional(),
    cron: z.string().max(200).optional(),
    timezone: z.string().min(1).max(64).optional(),
    defaultParameters: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "Send at least one of isPaused, cron, timezone, defaultParameters.");

export const updateScheduleEndpoint = schedulesEndpoint("PATCH /api/v1/schedules/{scheduleId}", {
  summary: "Pause or resume a schedule, or change its cron, zone or default parameters",
  description: "A changed cron or zone makes the schedule `custom` and recomputes its next run from now; resuming never replays missed slots.",
  params: scheduleParams,
  body: updateScheduleBody,
  responses: { 200: scheduleSchema },
  errors: [404, 413, 415],
});

export const deleteScheduleEndpoint = schedulesEndpoint("DELETE /api/v1/schedules/{scheduleId}", {
  summary: "Remove a schedule (the report and its history stay)",
  params: scheduleParams,
  responses: { 204: null },
  errors: [404],
});

export async function apiCreateSchedule(db: Database, user: SessionUser, reportId: string, spec: z.output<typeof scheduleSpecSchema>, now: Date) {
  return toScheduleView(await createSchedule(db, user, { reportId, schedule: spec }, now));
}

/** Edit first (cron, zone, overrides), then pause or resume: one PATCH may do both. */
export async function apiUpdateSchedule(db: Database, user: SessionUser, scheduleId: string, body: z.output<typeof updateScheduleBody>, now: Date) {
  let { schedule } = await scheduleForUserOrThrow(db, user, scheduleId);
  if (body.cron !== undefined || body.timezone !== undefined || body.defaultParameters !== undefined) {
    const spec = scheduleSpecSchema.parse({
      preset: "custom",
      cron: body.cron ?? schedule.cronExpression,
      timezone: body.timezone ?? schedule.timezone,
      defaultParameters: body.defaultParameters ?? schedule.defaultParameters,
    });
    schedule = await updateSchedule(db, user, { scheduleId, schedule: spec }, now);
  }
  if (body.isPaused === true) schedule = await pauseSchedule(db, user, { scheduleId }, now);
  if (body.isPaused === false && schedule.isPaused) schedule = await resumeSchedule(db, user, { scheduleId }, now);
  return toScheduleView(schedule);
}

export async function apiDeleteSchedule(db: Database, user: SessionUser, scheduleId: string, now: Date) {
  await deleteSchedule(db, user, { scheduleId }, now);
}
