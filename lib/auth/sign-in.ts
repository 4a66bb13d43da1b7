import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users } from "../../db/schema";
import { issueDeviceToken, verifyDeviceToken } from "./device";
import { dummyPasswordHash, verifyPassword } from "./password";
import { reserveSignIn, settle } from "./throttle";

export interface SignInInput {
  /** Already normalised (trimmed, lower-cased) by credentialsSchema. */
  email: string;
  password: string;
  /** From clientAddress(): the client, or UNKNOWN_ADDRESS. */
  address: string;
  /** The device cookie as sent, if any. */
  deviceToken: string | null;
  /** AUTH_SECRET; without one there are no known devices. */
  secret: string | undefined;
  now: Date;
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
}

export type SignInOutcome =
  | { kind: "ok"; user: SignedInUser; deviceToken: string | null }
  | { kind: "invalid" }
  | { kind: "throttled"; retryAfterMs: number };

/**
 * Email + password, throttled. Unknown emails take the same path (same queries, a hash verified,
 * the same budgets keyed by the typed email), so neither the answer nor its timing says whether
 * an account exists. A throttled attempt checks no password and so reveals nothing either.
 */
export async function authenticate(db: Database, input: SignInInput): Promise<SignInOutcome> {
  const { email, password, address, secret, now } = input;
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  const device = secret ? verifyDeviceToken(secret, input.deviceToken) : null;
  // A device cookie counts only for the account it was issued for.
  const knownDevice = user && device && device.userId === user.id ? device : null;

  const reservation = await reserveSignIn(db, { email, address, deviceId: knownDevice?.deviceId ?? null }, now);
  if (!reservation.allowed) return { kind: "throttled", retryAfterMs: reservation.retryAfterMs };

  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  const signedIn = Boolean(user && ok);
  await settle(db, reservation.budgets, signedIn, now);
  if (!user || !signedIn) return { kind: "invalid" };
  return {
    kind: "ok",
    user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
    // Keep a valid cookie's id (its budget stays its own); otherwise this browser becomes known now.
    deviceToken: secret ? (knownDevice ? (input.deviceToken ?? null) : issueDeviceToken(secret, user.id)) : null,
  };
}
