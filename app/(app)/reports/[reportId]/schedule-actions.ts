"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionContext } from "@/lib/actions/action";
import { executionIdSchema, reportIdSchema } from "@/lib/ids";
import { previewScheduleFromRun, scheduleFromRun } from "@/lib/executions/rerun";
import {
  createSchedule,
  createScheduleSchema,
  deleteSchedule,
  pauseSchedule,
  previewSchedule,
  previewScheduleSchema,
  resumeSchedule,
  scheduleRefSchema,
  scheduleSpecSchema,
  updateSchedule,
  updateScheduleSchema,
} from "@/lib/scheduler/schedules";

// Thin: the wrapper parses input and requires a session; each lib function checks access to the
// report's instance by id and keeps next_run_at true. The overview shows state and next run,
// so every change revalidates the whole /reports tree.
const changed = () => revalidatePath("/reports", "layout");

/** A saved schedule as the client gets it back: its id and next run (ISO, or null). */
const scheduleAnswer = (s: { scheduleId: string; nextRunAt: Date | null }) => ({ scheduleId: s.scheduleId, nextRunAt: s.nextRunAt?.toISOString() ?? null });

/** The handler of an action that saves a schedule (create, update, from a run): save, revalidate, answer. */
const savingSchedule =
  <I>(save: (db: ActionContext["db"], user: ActionContext["user"], input: I, now: Date) => Promise<{ scheduleId: string; nextRunAt: Date | null }>) =>
  async (input: I, { db, user }: ActionContext) => {
    const s = await save(db, user, input, new Date());
    changed();
    return scheduleAnswer(s);
  };

/** What the form shows before saving: the cron, the words, the next 5 runs with windows. */
export const previewScheduleAction = action(previewScheduleSchema, async (input, { db, user }) =>
  previewSchedule(db, user, input, new Date()),
);

export const createScheduleAction = action(createScheduleSchema, savingSchedule(createSchedule));

export const updateScheduleAction = action(updateScheduleSchema, savingSchedule(updateSchedule));

export const pauseScheduleAction = action(scheduleRefSchema, async (input, { db, user }) => {
  const s = await pauseSchedule(db, user, input, new Date());
  changed();
  return { scheduleId: s.scheduleId, isPaused: s.isPaused };
});

export const resumeScheduleAction = action(scheduleRefSchema, async (input, { db, user }) => {
  const s = await resumeSchedule(db, user, input, new Date());
  changed();
  return { ...scheduleAnswer(s), isPaused: s.isPaused };
});

export const deleteScheduleAction = action(scheduleRefSchema, async (input, { db, user }) => {
  const s = await deleteSchedule(db, user, input, new Date());
  changed();
  return s;
});

/** *Schedule this* on a finished run: the schedule form's input plus the run it starts from. */
const fromRunSchema = z.strictObject({ reportId: reportIdSchema, executionId: executionIdSchema, schedule: scheduleSpecSchema });

export const previewScheduleFromRunAction = action(fromRunSchema, async (input, { db, user }) =>
  previewScheduleFromRun(db, user, input, new Date()),
);

export const scheduleFromRunAction = action(fromRunSchema, savingSchedule(scheduleFromRun));
