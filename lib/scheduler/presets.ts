/**
 * The schedule presets (product.md §3.4) as plain data, importable by client components without
 * pulling in croner. lib/scheduler/cron.ts turns them into cron strings.
 */

export const PRESETS = ["daily", "weekly", "monthly", "quarterly"] as const;
export type Preset = (typeof PRESETS)[number];

/** Day of month for monthly/quarterly presets: 1–28 (every month has them) or "L", the last day. */
export type DayOfMonth = number | "L";

/** Each preset's default time and day: daily 02:00, weekly Monday 03:00, monthly the 1st 04:00, quarterly the 1st 05:00. */
export const PRESET_DEFAULTS: Record<Preset, { time: string; weekday?: number; day?: DayOfMonth }> = {
  daily: { time: "02:00" },
  weekly: { time: "03:00", weekday: 1 },
  monthly: { time: "04:00", day: 1 },
  quarterly: { time: "05:00", day: 1 },
};

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
