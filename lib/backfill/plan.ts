import { z } from "zod";
import { SEGMENT_TYPES, type SegmentType } from "../../db/schema/collections";
import { addDays, addMonths, daysBetween, firstOfMonth, firstOfQuarter, isCalendarDate, localDate, startOfLocalDay } from "../params/zoned";

/** A backfill never reaches further back than this (DB check on max_lookback_days). */
export const MAX_LOOKBACK_DAYS = 365;
/** AMC keeps about 13 months of data: no segment may start before today − 13 months. */
export const AMC_HISTORY_MONTHS = 13;

export const segmentTypeSchema = z.enum(SEGMENT_TYPES);

/**
 * The window fields a backfill form sends (an existing report's backfill and the wizard's
 * Backfill way alike): spread into each request schema.
 */
export const backfillWindowFields = {
  lookbackDays: z.coerce
    .number({ error: "Enter a number of days." })
    .int("Enter whole days.")
    .min(1, "Pick at least 1 day.")
    .max(MAX_LOOKBACK_DAYS, `A backfill can cover at most ${MAX_LOOKBACK_DAYS} days.`),
  segmentType: segmentTypeSchema,
  /**
   * Exclusive end anchor (the first day NOT included), a calendar date in the report's zone.
   * Absent or empty: today − the template's lag, as product.md §3.5 says.
   */
  endDate: z.iso.date("Use a date like 2026-03-01.").optional().or(z.literal("").transform(() => undefined)),
};

/**
 * One segment: whole local days, half-open `[start, end)`. `start`/`end` are calendar dates in
 * the plan's zone (`end` is the first day NOT included), `lastDay` the last day included.
 */
export interface Segment {
  /** 0 = newest. */
  index: number;
  start: string;
  end: string;
  lastDay: string;
  days: number;
  /** Shorter than a full week/month/quarter (only the oldest segment, or calendar edges). */
  partial: boolean;
  startInstant: Date;
  endInstant: Date;
}

export interface Plan {
  segmentType: SegmentType;
  lookbackDays: number;
  zone: string;
  /** The requested range `[start, end)` as calendar dates. */
  start: string;
  end: string;
  /** Newest first (the order the engine should work in). */
  segments: Segment[];
}

export interface PlanInput {
  lookbackDays: number;
  segmentType: SegmentType;
  zone: string;
  /** Exclusive end anchor (first day not included). Default: today − lagDays in `zone`. */
  endDate?: string;
  lagDays?: number;
  /** The collection's max_lookback_days (≤ 365). */
  maxLookbackDays?: number;
  /** For the default end date and the 13-month check. */
  now?: Date;
}

export class PlanError extends Error {
  constructor(
    message: string,
    readonly field: "lookbackDays" | "endDate",
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** `date` shifted by whole months, the day clamped to the target month's length. */
function shiftMonthsClamped(date: string, months: number): string {
  const first = addMonths(date, months);
  const day = Number(date.slice(8, 10));
  const lastOfTarget = addDays(addMonths(first, 1), -1);
  return Number(lastOfTarget.slice(8, 10)) < day ? lastOfTarget : `${first.slice(0, 8)}${date.slice(8, 10)}`;
}

/**
 * The segments of a backfill (product.md §3.5, pitfall 13): contiguous, non-overlapping,
 * half-open local-day segments that tile `[end − lookback, end)` exactly. Weekly segments are
 * 7 days counted back from the end anchor (so the newest is a full week ending at the lag
 * boundary and only the oldest may be partial); monthly and quarterly follow the calendar
 * (first and last may be partial); daily is one day each.
 */
export function planSegments(input: PlanInput): Plan {
  const { segmentType, zone } = input;
  const lookbackDays = input.lookbackDays;
  const cap = Math.min(MAX_LOOKBACK_DAYS, input.maxLookbackDays ?? MAX_LOOKBACK_DAYS);
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1) throw new PlanError("Pick a lookback of at least 1 day.", "lookbackDays");
  if (lookbackDays > cap) throw new PlanError(`A backfill can cover at most ${cap} days.`, "lookbackDays");
  const now = input.now ?? new Date();
  const today = localDate(now, zone);
  let end = input.endDate;
  if (end === undefined) end = addDays(today, -(input.lagDays ?? 14));
  else if (!isCalendarDate(end)) throw new PlanError("Use a date like 2026-03-01.", "endDate");
  if (end > today) throw new PlanError("A backfill cannot end after today.", "endDate");
  const start = addDays(end, -lookbackDays);
  const earliest = shiftMonthsClamped(today, -AMC_HISTORY_MONTHS);
  if (start < earliest) {
    throw new PlanError(`AMC keeps about 13 months of data: a backfill cannot start before ${earliest}.`, "endDate");
  }

  // Boundaries from newest to oldest: end, …, start.
  const bounds: string[] = [end];
  let cursor = end;
  while (cursor > start) {
    let prev: string;
    switch (segmentType) {
      case "daily":
        prev = addDays(cursor, -1);
        break;
      case "weekly":
        prev = addDays(cursor, -7);
        break;
      case "monthly": {
        const f = firstOfMonth(addDays(cursor, -1));
        prev = f;
        break;
      }
      case "quarterly":
        prev = firstOfQuarter(addDays(cursor, -1));
        break;
    }
    if (prev < start) prev = start;
    bounds.push(prev);
    cursor = prev;
  }

  const segments: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const segEnd = bounds[i]!;
    const segStart = bounds[i + 1]!;
    const days = daysBetween(segStart, segEnd);
    segments.push({
      index: i,
      start: segStart,
      end: segEnd,
      lastDay: addDays(segEnd, -1),
      days,
      partial: isPartial(segmentType, segStart, segEnd, days),
      startInstant: startOfLocalDay(segStart, zone),
      endInstant: startOfLocalDay(segEnd, zone),
    });
  }
  return { segmentType, lookbackDays, zone, start, end, segments };
}

function isPartial(type: SegmentType, start: string, end: string, days: number): boolean {
  switch (type) {
    case "daily":
      return false;
    case "weekly":
      return days < 7;
    case "monthly":
      return !(start === firstOfMonth(start) && end === addMonths(start, 1));
    case "quarterly":
      return !(start === firstOfQuarter(start) && end === addMonths(start, 3));
  }
}
