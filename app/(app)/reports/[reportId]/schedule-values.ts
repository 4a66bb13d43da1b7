import type { ScheduleFieldValues } from "../_builder/schedule-fields";

/** The schedule form's values (plain data: the server page builds them, the client form edits them). */
export interface ScheduleFormValues extends ScheduleFieldValues {
  /** null: the browser's zone. */
  timezone: string | null;
}

export const NEW_SCHEDULE: ScheduleFormValues = { preset: "weekly", time: "03:00", weekday: "1", day: "1", cron: "0 3 * * 1", timezone: null };

/** A schedule that suits a window of `days` (a week's window weekly, a month's monthly), in `zone`. */
export function scheduleForWindow(days: number, zone: string): ScheduleFormValues {
  const preset = days <= 1 ? "daily" : days >= 28 && days <= 31 ? "monthly" : days >= 89 && days <= 92 ? "quarterly" : "weekly";
  const cron = { daily: "0 3 * * *", weekly: "0 3 * * 1", monthly: "0 3 1 * *", quarterly: "0 3 1 1,4,7,10 *" }[preset];
  return { ...NEW_SCHEDULE, preset, cron, timezone: zone };
}
