import { Cron, type CronOptions } from "croner";
import { z } from "zod";
import type { ScheduleType } from "../../db/schema";
import { PRESET_DEFAULTS, WEEKDAYS, type DayOfMonth, type Preset } from "./presets";
import { canonicalTimeZone } from "../params/zoned";

/**
 * Cron math for schedules, with croner in the schedule's IANA zone (product.md §3.4).
 *
 * Semantics, as croner 11 implements them (verified in cron.test.ts, not assumed):
 * - Five fields (minute hour day-of-month month weekday; weekday 0 or 7 = Sunday). Seconds are
 *   always 0. When both day-of-month and weekday are restricted, a day matches if EITHER does
 *   (standard Vixie cron; croner's `domAndDow: false`). The preview shows the next runs before
 *   saving, so a user sees what an expression like `0 8 1-3 * 1-5` really does (pitfall 7).
 * - Daylight saving: a job whose minute and hour fields have no wildcard or step is a
 *   "fixed-time" job (`fixedTimeRule: "no-wildcard"`, like Vixie cron). A fixed time that does
 *   not exist (02:30 on a spring-forward day in New York) runs at the first valid instant after
 *   the gap (03:00 EDT), once; a fixed time that occurs twice (01:30 on a fall-back day) runs
 *   on its first occurrence only. Interval jobs (`0 * * * *`) skip the missing hour and run on
 *   both repeated ones, which is what "every hour" means in elapsed time.
 * - `nextRun(after)` is STRICTLY after `after` (pitfall 2): the next slot is computed from the
 *   slot that ran, never from the clock, so a slot can never be produced twice.
 */

export { PRESETS, PRESET_DEFAULTS, WEEKDAYS, type DayOfMonth, type Preset } from "./presets";

/** The presets' cron strings with their default time and day (product.md §3.4). */
export const PRESET_CRON: Record<Preset, string> = {
  daily: "0 2 * * *",
  weekly: "0 3 * * 1",
  monthly: "0 4 1 * *",
  quarterly: "0 5 1 1,4,7,10 *",
};

export const MIN_INTERVAL_MS = 3_600_000;

const cronOptions = (timezone: string): CronOptions => ({
  timezone,
  mode: "5-part",
  domAndDow: false,
  fixedTimeRule: "no-wildcard",
});

// Building a Cron parses the pattern; materializing thousands of schedules that share a few
// patterns reuses them. Bounded, so arbitrary custom patterns cannot grow it without limit.
const cache = new Map<string, Cron>();
function cronFor(expression: string, timezone: string): Cron {
  const key = `${timezone}\u0000${expression}`;
  let c = cache.get(key);
  if (!c) {
    c = new Cron(expression, cronOptions(timezone));
    if (cache.size >= 500) cache.clear();
    cache.set(key, c);
  }
  return c;
}

// ---------- validation ----------

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const timeSchema = z.string().regex(TIME, "Use a time like 03:00 (24-hour clock).");
export const weekdaySchema = z.coerce.number().int().min(0, "Pick a weekday.").max(6, "Pick a weekday.");
export const daySchema = z.union([
  z.literal("L"),
  z.coerce.number().int().min(1, "Pick a day from 1 to 28, or the last day.").max(28, "Pick a day from 1 to 28, or the last day."),
]);

/**
 * An IANA zone, refused by name when unknown. Returns the canonical spelling
 * ("america/new_york" → "America/New_York", "US/Eastern" → "America/New_York"). Offsets and
 * abbreviations that are not zone names ("+05:00", "CEST") are refused.
 */
export function checkTimeZone(input: string): Checked<string> {
  const zone = input.trim();
  const refuse = { ok: false as const, message: `"${zone || input}" is not a time zone name. Use an IANA name like America/New_York or Europe/London.` };
  const canonical = canonicalTimeZone(zone);
  return canonical ? { ok: true, value: canonical } : refuse;
}

/**
 * A custom 5-field cron expression, checked by croner, that runs at all and at most hourly.
 * Returns the expression with its whitespace normalized.
 */
export function checkCron(input: string): Checked<string> {
  const expression = input.trim().split(/\s+/).join(" ");
  if (!expression) return { ok: false, message: "Enter a cron expression, e.g. 0 3 * * 1 (Mondays at 03:00)." };
  if (expression.startsWith("@")) {
    return { ok: false, message: `Nicknames like ${expression} are not accepted: write the five fields, e.g. 0 2 * * * for daily at 02:00.` };
  }
  const fields = expression.split(" ").length;
  if (fields !== 5) {
    return {
      ok: false,
      message: `A cron expression has exactly five fields (minute hour day-of-month month weekday); "${expression}" has ${fields}.`,
    };
  }
  let cron: Cron;
  try {
    cron = new Cron(expression, cronOptions("UTC"));
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/i, "");
    return { ok: false, message: `"${expression}" is not a valid cron expression: ${why}. Fields: minute hour day-of-month month weekday.` };
  }
  // Far enough to reach a yearly pattern's next run; null means no date ever matches (Feb 30).
  const upcoming = cron.nextRuns(100, new Date(Date.UTC(2000, 0, 1)));
  if (upcoming.length === 0) return { ok: false, message: `"${expression}" never runs: no date matches it.` };
  const gap = minimumGapMs(upcoming);
  if (gap !== null && gap < MIN_INTERVAL_MS) {
    return {
      ok: false,
      message: `"${expression}" runs every ${formatGap(gap)} at times; schedules may run at most once an hour.`,
    };
  }
  return { ok: true, value: expression };
}

/**
 * The shortest gap between consecutive runs. Checked in UTC (no DST), over the first 100 runs
 * from a fixed date: the intrinsic cadence of the pattern, so a DST day's 30-minute shift does
 * not make a legitimate twice-a-night schedule invalid. 100 runs always contain a whole hour
 * that fires (at most 60 runs each), which is where sub-hourly gaps show.
 */
function minimumGapMs(runs: Date[]): number | null {
  let min: number | null = null;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
    if (min === null || gap < min) min = gap;
  }
  return min;
}

function formatGap(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes === 1 ? "minute" : `${minutes} minutes`;
}

// ---------- presets ----------

const pad = (n: number) => String(n).padStart(2, "0");

/** The cron of a preset with its time and day edited: weekly 03:00 on Monday → `0 3 * * 1`. */
export function presetCron(preset: Preset, opts: { time?: string; weekday?: number; day?: DayOfMonth } = {}): string {
  const d = PRESET_DEFAULTS[preset];
  const [h, m] = (opts.time ?? d.time).split(":").map(Number) as [number, number];
  const day = String(opts.day ?? d.day ?? 1);
  switch (preset) {
    case "daily":
      return `${m} ${h} * * *`;
    case "weekly":
      return `${m} ${h} * * ${opts.weekday ?? d.weekday}`;
    case "monthly":
      return `${m} ${h} ${day} * *`;
    case "quarterly":
      return `${m} ${h} ${day} 1,4,7,10 *`;
  }
}

export interface PresetShape {
  preset: Preset;
  time: string;
  weekday?: number;
  day?: DayOfMonth;
}

const NUM = "(\\d{1,2})";
const SHAPES: { preset: Preset; re: RegExp }[] = [
  { preset: "daily", re: new RegExp(`^${NUM} ${NUM} \\* \\* \\*$`) },
  { preset: "weekly", re: new RegExp(`^${NUM} ${NUM} \\* \\* ([0-6])$`) },
  { preset: "monthly", re: new RegExp(`^${NUM} ${NUM} (\\d{1,2}|L) \\* \\*$`) },
  { preset: "quarterly", re: new RegExp(`^${NUM} ${NUM} (\\d{1,2}|L) 1,4,7,10 \\*$`) },
];

/** The preset a cron string is (with its time and day), or null for anything else. */
export function presetOf(cron: string): PresetShape | null {
  for (const { preset, re } of SHAPES) {
    const m = re.exec(cron.trim());
    if (!m) continue;
    const minute = Number(m[1]);
    const hour = Number(m[2]);
    if (minute > 59 || hour > 23) return null;
    const time = `${pad(hour)}:${pad(minute)}`;
    if (preset === "daily") return { preset, time };
    if (preset === "weekly") return { preset, time, weekday: Number(m[3]) };
    const day: DayOfMonth = m[3] === "L" ? "L" : Number(m[3]);
    if (day !== "L" && (day < 1 || day > 28)) return null;
    return { preset, time, day };
  }
  return null;
}

const ordinal = (n: number) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
};

/** A schedule in words: "Every Monday at 03:00 America/New_York". */
export function describeSchedule(cron: string, timezone: string): string {
  const p = presetOf(cron);
  if (!p) return `Custom: ${cron} (${timezone})`;
  const onDay = (day: DayOfMonth | undefined) => (day === "L" ? "the last day" : `the ${ordinal(day ?? 1)}`);
  switch (p.preset) {
    case "daily":
      return `Every day at ${p.time} ${timezone}`;
    case "weekly":
      return `Every ${WEEKDAYS[p.weekday ?? 1]} at ${p.time} ${timezone}`;
    case "monthly":
      return `Monthly on ${onDay(p.day)} at ${p.time} ${timezone}`;
    case "quarterly":
      return `Quarterly (Jan, Apr, Jul, Oct) on ${onDay(p.day)} at ${p.time} ${timezone}`;
  }
}

/** The schedule_type column's value for a cron: the preset it is, else custom. */
export function scheduleTypeOf(cron: string, chosen: ScheduleType): ScheduleType {
  if (chosen === "custom") return "custom";
  return presetOf(cron)?.preset ?? "custom";
}

/** Warnings worth showing next to a valid expression before it is saved. */
export function cronWarnings(cron: string): string[] {
  const f = cron.split(" ");
  const warnings: string[] = [];
  if (f[2] !== "*" && f[2] !== "?" && f[4] !== "*" && f[4] !== "?") {
    warnings.push("Both a day of month and a weekday are set: cron runs on days matching EITHER of them, not both.");
  }
  return warnings;
}

// ---------- occurrences ----------

/** The next `n` runs strictly after `after`, in the schedule's zone. */
export function nextRuns(cron: string, timezone: string, after: Date, n: number): Date[] {
  return cronFor(cron, timezone).nextRuns(n, after);
}

/** The first run strictly after `after` (pitfall 2); throws if the pattern never runs again. */
export function nextRunAfter(cron: string, timezone: string, after: Date): Date {
  const next = cronFor(cron, timezone).nextRun(after);
  if (!next) throw new Error(`cron "${cron}" has no run after ${after.toISOString()}`);
  return next;
}

export interface DueOccurrences {
  /** The slot to run: the latest occurrence at or before `now`, or null if none is due. */
  latest: Date | null;
  /** Earlier due occurrences, oldest first, to record as skipped (at most `maxRecorded`). */
  skipped: Date[];
  /** Due occurrences beyond `maxRecorded` that were skipped without a row each. */
  skippedUnrecorded: number;
  /** The first occurrence strictly after `latest` (or at/after `from` if none was due). */
  next: Date;
  /**
   * `from` itself when it is not an occurrence of the cron (next_run_at set by hand, imported,
   * or left by an older cron): the caller records it as skipped, so no run is lost silently.
   */
  offPattern: Date | null;
}

/**
 * The occurrences due between a schedule's `next_run_at` (inclusive) and `now` (inclusive).
 * `from` is normally itself an occurrence; if it is not (set by hand, or by an older cron), the
 * first occurrence at or after it counts. Only the latest due one runs; the others are skipped
 * (missed while no server ticked: no storm of catch-up runs). Never a slot after `now`.
 */
export function dueOccurrences(cron: string, timezone: string, from: Date, now: Date, maxRecorded = 1000): DueOccurrences {
  const c = cronFor(cron, timezone);
  const due: Date[] = [];
  let skippedUnrecorded = 0;
  let cursor: Date | null = c.nextRun(new Date(from.getTime() - 1000));
  const offPattern = cursor && cursor.getTime() === from.getTime() ? null : from;
  while (cursor && cursor.getTime() <= now.getTime()) {
    due.push(cursor);
    // Keep the newest maxRecorded + 1 (the last one runs); count the rest.
    if (due.length > maxRecorded + 1) {
      due.shift();
      skippedUnrecorded += 1;
    }
    cursor = c.nextRun(cursor);
  }
  if (!cursor) throw new Error(`cron "${cron}" has no run after ${now.toISOString()}`);
  const latest = due.pop() ?? null;
  return { latest, skipped: due, skippedUnrecorded, next: cursor, offPattern };
}
