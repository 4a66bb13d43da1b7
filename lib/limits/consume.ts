import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { AppError, type RateLimitInfo } from "../errors";
import { noteRateLimit } from "./context";
import { windowEndOf, windowStartOf, type WindowLimit } from "./limits";

/**
 * Counters in PostgreSQL (table rate_limit_counters), so every app server shares them.
 *
 * Why a counter row per window rather than counting event rows: the check and the increment are
 * ONE statement — an upsert whose DO UPDATE only happens while `count < limit`. Concurrent
 * requests queue on the row's lock and each re-reads the committed count, so N parallel
 * requests can never all pass (counting rows would need a lock around count-then-insert). It
 * also works for actions that leave no row of their own (exports), and costs one index row per
 * live window. The same statement deletes the key's ended windows, so the table holds only
 * what is live.
 *
 * Called inside the domain function's transaction where there is one, so an action that fails
 * afterwards (a validation error, a conflict) gives its unit back with the rollback.
 */

export type LimitResult = RateLimitInfo & { allowed: boolean };

/** Takes one unit of `limit` for `key` (a user's or instance's uuid) at `now`; never throws for the limit. */
export async function tryConsume(db: Database, limit: WindowLimit, key: string, now: Date): Promise<LimitResult> {
  const start = windowStartOf(limit, now);
  const resetAt = windowEndOf(limit, now);
  const rows = await db.execute<{ count: number }>(sql`
    WITH ended AS (
      DELETE FROM rate_limit_counters
       WHERE name = ${limit.name} AND key = ${key} AND window_start < ${start.toISOString()}::timestamptz
    )
    INSERT INTO rate_limit_counters AS c (name, key, window_start, count)
    VALUES (${limit.name}, ${key}, ${start.toISOString()}::timestamptz, 1)
    ON CONFLICT (name, key, window_start) DO UPDATE SET count = c.count + 1
     WHERE c.count < ${limit.limit}
    RETURNING c.count`);
  const [row] = [...rows];
  if (!row) return { allowed: false, limit: limit.limit, remaining: 0, resetAt, retryAfterSeconds: secondsUntil(resetAt, now) };
  return { allowed: true, limit: limit.limit, remaining: Math.max(0, limit.limit - Number(row.count)), resetAt };
}

/**
 * Takes one unit of every limit in `limits` (e.g. an export's hourly and daily budgets) or of
 * none: a refusal by any rolls back the others. Returns the tightest (fewest remaining), which
 * is also noted for the route's X-RateLimit-* headers; over a limit it throws RATE_LIMITED.
 */
export async function consume(db: Database, limits: WindowLimit | readonly WindowLimit[], key: string, now: Date): Promise<LimitResult> {
  const list: readonly WindowLimit[] = Array.isArray(limits) ? limits : [limits as WindowLimit];
  const results = await db.transaction(async (tx) => {
    const out: { limit: WindowLimit; result: LimitResult }[] = [];
    for (const limit of list) {
      const result = await tryConsume(tx, limit, key, now);
      if (!result.allowed) throw rateLimited(limit.refusal, result, now);
      out.push({ limit, result });
    }
    return out;
  });
  const tightest = results.map((r) => r.result).reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.resetAt > a.resetAt) ? b : a));
  noteRateLimit(tightest);
  return tightest;
}

/** The RATE_LIMITED error, its message saying how long to wait: "Too many runs: try again in 42 s." */
export function rateLimited(refusal: string, info: Omit<RateLimitInfo, "retryAfterSeconds">, now: Date): AppError {
  const retryAfterSeconds = secondsUntil(info.resetAt, now);
  noteRateLimit({ ...info, remaining: 0 });
  return new AppError("RATE_LIMITED", `${refusal}: try again in ${formatWait(retryAfterSeconds)}.`, undefined, {
    rateLimit: { ...info, remaining: 0, retryAfterSeconds },
  });
}

const secondsUntil = (t: Date, now: Date) => Math.max(1, Math.ceil((t.getTime() - now.getTime()) / 1000));

/** 42 s, 7 min, 3 h: rounded up, so waiting that long always suffices. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}
