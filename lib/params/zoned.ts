/**
 * Calendar dates and local times in IANA zones, without a date library: a calendar date is a
 * `YYYY-MM-DD` string, and the instant of a local time is found by correcting a UTC guess with
 * the zone's offset (twice, which settles across DST changes).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA zone name in its canonical spelling ("america/new_york" → "America/New_York"), or null
 * for anything that is not a zone name (offsets like "+05:00", abbreviations like "CEST").
 */
export function canonicalTimeZone(input: string): string | null {
  const zone = input.trim();
  if (!zone || zone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

// Building a DateTimeFormat costs far more than using one, and the scheduler resolves thousands
// of windows per tick in a handful of zones: one formatter per zone, kept.
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(zone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    wallClocks.set(zone, f);
  }
  return f;
}

/** The wall-clock reading of `instant` in `zone`. */
export function localParts(instant: Date, zone: string) {
  const f = wallClock(zone).formatToParts(instant);
  const get = (t: string) => Number(f.find((p) => p.type === t)?.value ?? 0);
  return { y: get("year"), mo: get("month"), d: get("day"), h: get("hour"), mi: get("minute"), s: get("second") };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

// A batch of scheduled runs renders the same few window instants thousands of times (each a
// formatToParts call, ~10 µs); the reading is a pure function of (zone, instant), so recent
// answers are kept. Bounded: cleared whenever it fills, so it never grows with uptime.
const recentLocal = new Map<string, string>();
const RECENT_LOCAL_MAX = 4096;

/** `YYYY-MM-DDTHH:MM:SS`: `instant` as a local time in `zone`, without zone or milliseconds. */
export function localDateTime(instant: Date, zone: string): string {
  const key = `${zone}\u0000${instant.getTime()}`;
  let text = recentLocal.get(key);
  if (text === undefined) {
    const p = localParts(instant, zone);
    text = `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
    if (recentLocal.size >= RECENT_LOCAL_MAX) recentLocal.clear();
    recentLocal.set(key, text);
  }
  return text;
}

/** The zone's offset from UTC at `instant`, in ms (New York in winter: −5 h). */
export function offsetMs(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The calendar date at `instant` in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return localDateTime(instant, zone).slice(0, 10);
}

/**
 * The instant of local midnight starting `date` in `zone`. Where midnight does not exist (a DST
 * jump at 00:00), the first instant of that day.
 */
export function startOfLocalDay(date: string, zone: string): Date {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a calendar date: ${date}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let guess = wall - offsetMs(new Date(wall), zone);
  guess = wall - offsetMs(new Date(guess), zone);
  // If the wall clock there is not 00:00 (midnight skipped), it is the day's first instant only
  // when it already falls on `date`; otherwise step forward to it.
  if (localDate(new Date(guess), zone) !== date) guess += 3600_000;
  return new Date(guess);
}

export function addDays(date: string, days: number): string {
  const m = DATE.exec(date)!;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}

export function addMonths(date: string, months: number): string {
  const m = DATE.exec(date)!;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + months, 1));
  return d.toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday (ISO). */
export function isoWeekday(date: string): number {
  const m = DATE.exec(date)!;
  const wd = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return wd === 0 ? 7 : wd;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;
export function firstOfQuarter(date: string): string {
  const month = Number(date.slice(5, 7));
  const q = Math.floor((month - 1) / 3) * 3 + 1;
  return `${date.slice(0, 4)}-${String(q).padStart(2, "0")}-01`;
}
export const firstOfYear = (date: string) => `${date.slice(0, 4)}-01-01`;

/**
 * A stored window's first and last included local day in `zone` (windows are [start, end)), the
 * one way every page, file name and export names a window. An unknown zone falls back to UTC.
 */
export function windowDays(start: Date, end: Date, zone: string | null): { first: string; last: string; zone: string } {
  const tz = zone && isValidTimeZone(zone) ? zone : "UTC";
  return { first: localDate(start, tz), last: localDate(new Date(end.getTime() - 1), tz), zone: tz };
}
