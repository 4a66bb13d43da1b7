import { and, eq, lt, notExists, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { endedSessions, users } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";

/** How long a session JWT lives (and so how long an ended session's id must be remembered). */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/** What the session JWT carries besides the user id: the user's session version and its own id. */
export interface SessionClaims {
  userId: string;
  sessionVersion: number;
  sessionId: string;
}

/** The claims of a decoded token, or null when it lacks any (tokens from before versions count as ended). */
export function sessionClaims(token: { sub?: unknown; sv?: unknown; sid?: unknown }): SessionClaims | null {
  const { sub, sv, sid } = token;
  if (typeof sub !== "string" || typeof sv !== "number" || !Number.isInteger(sv) || typeof sid !== "string" || !sid) return null;
  return { userId: sub, sessionVersion: sv, sessionId: sid };
}

/**
 * The user behind a session, or null when the session has ended: the user is gone, their session
 * version moved on (sign out everywhere, password change or reset, role change), or this session
 * signed out. One indexed query per request.
 */
export async function liveSessionUser(db: Database, claims: SessionClaims): Promise<SessionUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(
      and(
        eq(users.id, claims.userId),
        eq(users.sessionVersion, claims.sessionVersion),
        notExists(db.select({ one: sql`1` }).from(endedSessions).where(eq(endedSessions.sessionId, claims.sessionId))),
      ),
    )
    .limit(1);
  return user ?? null;
}

/**
 * Ends one session (sign-out): its id is remembered until no token carrying it can still be
 * valid, so a copy of the cookie taken before sign-out stops working too. Other devices stay in.
 */
export async function endSession(db: Database, sessionId: string, now: Date): Promise<void> {
  await db.insert(endedSessions).values({ sessionId, endedAt: now }).onConflictDoNothing();
  await db.delete(endedSessions).where(lt(endedSessions.endedAt, new Date(now.getTime() - SESSION_MAX_AGE_S * 1000)));
}

/** Ends every session of a user at once; returns the new version (0 rows: no such user → null). */
export async function endAllSessions(db: Pick<Database, "update">, userId: string): Promise<number | null> {
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId))
    .returning({ sessionVersion: users.sessionVersion });
  return row?.sessionVersion ?? null;
}
