import { inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { signInThrottle } from "../../db/schema";
import { UNKNOWN_ADDRESS } from "./client-address";

// Guessing budgets (OWASP's authentication cheat sheet: limit per account and per source, and let
// known devices through). Every key counts failures in a 15-minute window:
// - account × address: 5. Slows one source on one account; the owner elsewhere is unaffected.
// - address: 50. Password spraying across many accounts from one source.
// - account: 20, all addresses together. A distributed attack on one account needs 4+ addresses
//   to reach it, and then only new devices wait; the owner's known devices still get in.
// - known device: 10. A device cookie is not a free pass for guessing: past this the device is
//   treated like any other, under the three limits above.
export const THROTTLE = {
  windowMs: 15 * 60_000,
  perAccountAddress: 5,
  perAddress: 50,
  perAccount: 20,
  perDevice: 10,
} as const;

export interface Budget {
  key: string;
  limit: number;
}

export interface SignInSubject {
  email: string;
  address: string;
  /** The device cookie's id, when the cookie is valid for the account being signed in to. */
  deviceId: string | null;
}

export type Reservation = { allowed: true; budgets: Budget[] } | { allowed: false; retryAfterMs: number };

/** The budgets an unknown device spends; the per-address one only for a known address. */
export function untrustedBudgets({ email, address }: SignInSubject): Budget[] {
  return [
    { key: `acct-ip:${email}|${address}`, limit: THROTTLE.perAccountAddress },
    { key: `acct:${email}`, limit: THROTTLE.perAccount },
    ...(address === UNKNOWN_ADDRESS ? [] : [{ key: `ip:${address}`, limit: THROTTLE.perAddress }]),
  ];
}

/**
 * Takes one guess from every budget, or none if any is spent (then says when the earliest of the
 * spent ones refills). Taken before the password is checked and under row locks, so parallel
 * requests cannot all pass the check first; a refused attempt takes nothing, so an attacker who is
 * held back on one key does not drain the others (the account-wide one, say) for the owner.
 */
export async function reserve(db: Database, budgets: Budget[], now: Date, windowMs: number = THROTTLE.windowMs): Promise<Reservation> {
  const sorted = [...budgets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const keys = sorted.map((b) => b.key);
  const windowStart = new Date(now.getTime() - windowMs);
  return db.transaction(async (tx) => {
    // Sorted keys, locked in one order: two attempts on overlapping keys cannot deadlock.
    await tx
      .insert(signInThrottle)
      .values(keys.map((key) => ({ key, windowStartedAt: now, failures: 0 })))
      .onConflictDoNothing();
    const rows = await tx
      .select()
      .from(signInThrottle)
      .where(inArray(signInThrottle.key, keys))
      .orderBy(signInThrottle.key)
      .for("update");
    let retryAfterMs = 0;
    for (const budget of sorted) {
      const row = rows.find((r) => r.key === budget.key);
      if (!row || row.windowStartedAt <= windowStart || row.failures < budget.limit) continue;
      retryAfterMs = Math.max(retryAfterMs, row.windowStartedAt.getTime() + windowMs - now.getTime());
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs: Math.max(1000, retryAfterMs) };
    // An expired window starts again with this attempt. (Raw SQL takes no Date: ISO text, cast.)
    const nowTs = sql`${now.toISOString()}::timestamptz`;
    const expired = sql`${signInThrottle.windowStartedAt} <= ${windowStart.toISOString()}::timestamptz`;
    await tx
      .update(signInThrottle)
      .set({
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${signInThrottle.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${expired} THEN ${nowTs} ELSE ${signInThrottle.windowStartedAt} END`,
      })
      .where(inArray(signInThrottle.key, keys));
    return { allowed: true, budgets: sorted };
  });
}

/**
 * After the password check. A failure keeps the guess it took. A success gives it back, and
 * forgives the per-pair keys (`forget`: this account from this address, this device) so the owner's
 * typos do not add up across days; shared keys (address, account) only get their one guess back.
 */
export async function settle(db: Database, budgets: Budget[], succeeded: boolean, now: Date, forget: (key: string) => boolean = isPairKey): Promise<void> {
  if (succeeded && budgets.length > 0) {
    const keys = budgets.map((b) => b.key);
    await db.delete(signInThrottle).where(inArray(signInThrottle.key, keys.filter(forget)));
    const shared = keys.filter((k) => !forget(k));
    if (shared.length > 0) {
      await db
        .update(signInThrottle)
        .set({ failures: sql`greatest(${signInThrottle.failures} - 1, 0)` })
        .where(inArray(signInThrottle.key, shared));
    }
  }
  // Keep the table small: a window that ended a day ago counts for nothing.
  await db.delete(signInThrottle).where(lt(signInThrottle.windowStartedAt, new Date(now.getTime() - 86_400_000)));
}

function isPairKey(key: string): boolean {
  return key.startsWith("acct-ip:") || key.startsWith("device:");
}

/**
 * A sign-in attempt's reservation: a known device spends its own budget; once that is spent, or
 * for any other client, the untrusted budgets.
 */
export async function reserveSignIn(db: Database, subject: SignInSubject, now: Date): Promise<Reservation> {
  if (subject.deviceId) {
    const device = await reserve(db, [{ key: `device:${subject.deviceId}`, limit: THROTTLE.perDevice }], now);
    if (device.allowed) return device;
  }
  return reserve(db, untrustedBudgets(subject), now);
}

/** "4 minutes": rounded up, so the user never comes back too early. */
export function retryAfterText(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
