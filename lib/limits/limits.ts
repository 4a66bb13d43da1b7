/**
 * The rate limits of product.md §3.7, as data. Each is a fixed window aligned to the epoch (a
 * day is a UTC day): `X-RateLimit-Reset` is then simply the window's end, the same instant on
 * every server, and a counter is one row per window. The cost of fixed windows is that a burst
 * straddling a boundary may reach twice the limit in a short span; for limits meant to stop
 * runaway scripts and double clicks, not to meter, that is the accepted trade.
 */
export interface WindowLimit {
  /** Stored as rate_limit_counters.name; never rename a live one. */
  name: string;
  limit: number;
  windowMs: number;
  /** The form error's lead, e.g. "Too many runs" → "Too many runs: try again in 42 s." */
  refusal: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const LIMITS = {
  /** Run now (UI, route, API): 10 a minute per user. */
  runNow: { name: "run_now", limit: 10, windowMs: MINUTE, refusal: "Too many runs" },
  /** Create report: 20 an hour per user. */
  createReport: { name: "create_report", limit: 20, windowMs: HOUR, refusal: "Too many new reports" },
  /** Backfill starts: 5 a day per AMC instance (product.md §3.5). */
  backfillStart: { name: "backfill_start", limit: 5, windowMs: DAY, refusal: "At most 5 backfills can start per AMC instance per day" },
  /** Exports (dashboard or one run): 10 an hour and 50 a day per user, both enforced. */
  exportHour: { name: "export_hour", limit: 10, windowMs: HOUR, refusal: "Too many exports this hour" },
  exportDay: { name: "export_day", limit: 50, windowMs: DAY, refusal: "Too many exports today" },
} as const satisfies Record<string, WindowLimit>;

/** Backfills running at once per user ("historical collections running: 2 at once / user"). */
export const MAX_RUNNING_BACKFILLS_PER_USER = 2;

export const windowStartOf = (limit: WindowLimit, now: Date): Date => new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
export const windowEndOf = (limit: WindowLimit, now: Date): Date => new Date(windowStartOf(limit, now).getTime() + limit.windowMs);
