import { and, count, desc, eq, gt, lt } from "drizzle-orm";
import type { Database } from "../../db/client";
import { authAttempts } from "../../db/schema";

// Repeated failures slow an attacker down to a handful of guesses per quarter hour per account,
// and per source address, on every server at once (the counters live in PostgreSQL).
export const THROTTLE = {
  windowMs: 15 * 60_000,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 30,
} as const;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export async function checkSignInThrottle(
  db: Database,
  email: string,
  ip: string | null,
  now: Date,
): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  // The most recent failures, newest first; the account unlocks when the oldest of the last
  // `maxFailuresPerEmail` leaves the window.
  const recent = await db
    .select({ at: authAttempts.createdAt })
    .from(authAttempts)
    .where(
      and(eq(authAttempts.email, email), eq(authAttempts.succeeded, "no"), gt(authAttempts.createdAt, since)),
    )
    .orderBy(desc(authAttempts.createdAt))
    .limit(THROTTLE.maxFailuresPerEmail);
  const edge = recent[THROTTLE.maxFailuresPerEmail - 1]?.at;
  if (edge) {
    return { allowed: false, retryAfterMs: Math.max(1000, edge.getTime() + THROTTLE.windowMs - now.getTime()) };
  }
  if (ip) {
    const [row] = await db
      .select({ n: count() })
      .from(authAttempts)
      .where(and(eq(authAttempts.ip, ip), eq(authAttempts.succeeded, "no"), gt(authAttempts.createdAt, since)));
    if ((row?.n ?? 0) >= THROTTLE.maxFailuresPerIp) return { allowed: false, retryAfterMs: THROTTLE.windowMs };
  }
  return { allowed: true };
}

export async function recordSignInAttempt(
  db: Database,
  email: string,
  ip: string | null,
  succeeded: boolean,
  now: Date,
): Promise<void> {
  await db.insert(authAttempts).values({ email, ip, succeeded: succeeded ? "yes" : "no", createdAt: now });
  if (succeeded) {
    // A successful sign-in clears the account's failure streak.
    await db
      .delete(authAttempts)
      .where(and(eq(authAttempts.email, email), eq(authAttempts.succeeded, "no")));
  }
  // Keep the table small: nothing older than a day matters.
  await db.delete(authAttempts).where(lt(authAttempts.createdAt, new Date(now.getTime() - 86_400_000)));
}
