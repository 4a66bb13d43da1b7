import { z } from "zod";
import { formatAmcLocalTime, type AmcTimeWindow } from "../amc/gateway";
import {
  addDays,
  addMonths,
  daysBetween,
  firstOfMonth,
  firstOfQuarter,
  firstOfYear,
  isCalendarDate,
  isoWeekday,
  localDate,
  startOfLocalDay,
} from "./zoned";

/**
 * What period a report covers. Relative specs resolve at run time (against the run's `now`, or
 * a schedule's slot) in the report's zone; windows are half-open [start, end) of whole local
 * days, and relative ones end at local midnight of (now − lag days) (product.md §3.3).
 */
const lag = z.number().int().min(0).max(90).optional();
/**
 * The user's explicit opt-in to windows that end inside the data lag (product.md §3.3): without
 * it such a window is refused when the report is saved; with it, its runs are marked provisional.
 */
const includeProvisional = z.boolean().optional();
export const windowSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("last_days"), n: z.number().int().min(1).max(365), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("last_weeks"), n: z.number().int().min(1).max(52), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("last_months"), n: z.number().int().min(1).max(12), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("previous_week"), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("previous_month"), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("previous_quarter"), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("month_to_date"), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("quarter_to_date"), lagDays: lag, includeProvisional }),
  z.strictObject({ kind: z.literal("year_to_date"), lagDays: lag, includeProvisional }),
  z
    .strictObject({
      kind: z.literal("absolute"),
      /** First day included. */
      start: z.string().refine(isCalendarDate, "Use a date like 2026-03-01."),
      /** Last day included (the window ends at the midnight after it). */
      end: z.string().refine(isCalendarDate, "Use a date like 2026-03-31."),
      includeProvisional,
    })
    .refine((w) => w.start <= w.end, { message: "The end date must not be before the start date.", path: ["end"] })
    .refine((w) => daysBetween(w.start, w.end) < 400, { message: "A window can cover at most 400 days.", path: ["end"] }),
]);
export type WindowSpec = z.infer<typeof windowSpecSchema>;

export const DEFAULT_WINDOW: WindowSpec = { kind: "last_days", n: 7 };

export interface ResolvedWindow {
  start: Date;
  end: Date;
  /** First and last local dates included. */
  firstDay: string;
  lastDay: string;
  days: number;
  timeZone: string;
  lagDays: number;
  /** Ends less than the template's data lag before now: AMC may still restate it. */
  provisional: boolean;
}

export function resolveWindow(spec: WindowSpec, now: Date, timeZone: string, defaultLagDays: number): ResolvedWindow {
  const lagDays = spec.kind === "absolute" ? defaultLagDays : (spec.lagDays ?? defaultLagDays);
  const today = localDate(now, timeZone);
  // The last local midnight at or before (now − lag): relative windows end there.
  const anchor = addDays(today, -lagDays);
  let first: string;
  let endExclusive: string;
  switch (spec.kind) {
    case "absolute":
      first = spec.start;
      endExclusive = addDays(spec.end, 1);
      break;
    case "last_days":
      endExclusive = anchor;
      first = addDays(anchor, -spec.n);
      break;
    case "last_weeks":
      endExclusive = anchor;
      first = addDays(anchor, -7 * spec.n);
      break;
    case "last_months":
      endExclusive = anchor;
      first = addMonths(anchor, -spec.n).slice(0, 8) + anchor.slice(8);
      // Month arithmetic on day 29–31 clamps to the month's end.
      if (!isCalendarDate(first)) first = addDays(addMonths(anchor, -spec.n + 1), -1);
      break;
    case "previous_week": {
      // The last complete Monday–Sunday week ending on or before the anchor.
      endExclusive = addDays(anchor, -(isoWeekday(anchor) - 1));
      first = addDays(endExclusive, -7);
      break;
    }
    case "previous_month":
      endExclusive = firstOfMonth(anchor);
      first = addMonths(endExclusive, -1);
      break;
    case "previous_quarter":
      endExclusive = firstOfQuarter(anchor);
      first = addMonths(endExclusive, -3);
      break;
    case "month_to_date":
      endExclusive = anchor;
      first = firstOfMonth(addDays(anchor, -1));
      break;
    case "quarter_to_date":
      endExclusive = anchor;
      first = firstOfQuarter(addDays(anchor, -1));
      break;
    case "year_to_date":
      endExclusive = anchor;
      first = firstOfYear(addDays(anchor, -1));
      break;
  }
  const start = startOfLocalDay(first, timeZone);
  const end = startOfLocalDay(endExclusive, timeZone);
  return {
    start,
    end,
    firstDay: first,
    lastDay: addDays(endExclusive, -1),
    days: daysBetween(first, endExclusive),
    timeZone,
    lagDays,
    // Against the template's data lag, not the spec's: "last 7 days with lag 0" still ends
    // inside the days AMC may restate, which is exactly what the opt-in is about.
    provisional: end.getTime() > startOfLocalDay(addDays(today, -defaultLagDays), timeZone).getTime(),
  };
}

/**
 * resolveWindow with a memory, for one batch of runs: a batch of scheduled runs mostly shares its
 * spec, zone, lag and slot (Monday 03:00), and resolving costs a dozen Intl formatToParts calls,
 * the largest CPU cost of materializing. resolveWindow is a pure function of its arguments, so a
 * hit is exactly what a fresh call would return. Results are shared between runs: read, never
 * change them (their Dates included). Keep one per batch, not per process, so it cannot grow.
 */
export function memoizedResolveWindow(): typeof resolveWindow {
  const seen = new Map<string, ResolvedWindow>();
  return (spec, now, timeZone, defaultLagDays) => {
    // A spec with its keys in another order only misses the memory; it is never wrong.
    const key = `${JSON.stringify(spec)}\u0000${now.getTime()}\u0000${timeZone}\u0000${defaultLagDays}`;
    let w = seen.get(key);
    if (!w) {
      w = resolveWindow(spec, now, timeZone, defaultLagDays);
      seen.set(key, w);
    }
    return w;
  };
}

export function toAmcWindow(w: Pick<ResolvedWindow, "start" | "end" | "timeZone">): AmcTimeWindow {
  return { start: formatAmcLocalTime(w.start, w.timeZone), end: formatAmcLocalTime(w.end, w.timeZone), timeZone: w.timeZone };
}
