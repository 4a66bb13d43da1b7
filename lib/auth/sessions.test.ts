import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { endedSessions, users } from "../../db/schema";
import { endAllSessions, endSession, liveSessionUser, SESSION_MAX_AGE_S, sessionClaims } from "./sessions";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T10:00:00Z");

const insertUser = async (email: string) => {
  const [row] = await db.insert(users).values({ email, name: email, passwordHash: "x" }).returning({ id: users.id });
  if (!row) throw new Error("setup failed");
  return row.id;
};

describe("session lifecycle", () => {
  it("reads claims only from a token that has all three (older tokens count as ended)", () => {
    expect(sessionClaims({ sub: "u", sv: 2, sid: "s" })).toEqual({ userId: "u", sessionVersion: 2, sessionId: "s" });
    expect(sessionClaims({ sub: "u" })).toBeNull();
    expect(sessionClaims({ sub: "u", sv: "2", sid: "s" })).toBeNull();
    expect(sessionClaims({ sub: "u", sv: 1.5, sid: "s" })).toBeNull();
  });

  it("ends one session on sign-out and leaves the user's others alone", async () => {
    const userId = await insertUser("one@example.com");
    const laptop = { userId, sessionVersion: 0, sessionId: "laptop" };
    const phone = { userId, sessionVersion: 0, sessionId: "phone" };
    expect(await liveSessionUser(db, laptop)).toMatchObject({ id: userId, email: "one@example.com", role: "member" });
    await endSession(db, "laptop", now);
    await endSession(db, "laptop", now); // twice is fine (two tabs signing out)
    expect(await liveSessionUser(db, laptop)).toBeNull();
    expect(await liveSessionUser(db, phone)).not.toBeNull();
  });

  it("ends every session at once when the version moves on, and for a deleted user", async () => {
    const userId = await insertUser("all@example.com");
    const old = { userId, sessionVersion: 0, sessionId: "a" };
    expect(await endAllSessions(db, userId)).toBe(1);
    expect(await liveSessionUser(db, old)).toBeNull();
    const fresh = { userId, sessionVersion: 1, sessionId: "b" };
    expect(await liveSessionUser(db, fresh)).not.toBeNull();
    await db.delete(users).where(eq(users.id, userId));
    expect(await liveSessionUser(db, fresh)).toBeNull();
    expect(await endAllSessions(db, userId)).toBeNull();
  });

  it("forgets ended sessions once no token carrying them can still be valid", async () => {
    await endSession(db, "ancient", new Date(now.getTime() - SESSION_MAX_AGE_S * 1000 - 60_000));
    await endSession(db, "recent", now);
    const ids = (await db.select().from(endedSessions)).map((r) => r.sessionId);
    expect(ids).toContain("recent");
    expect(ids).not.toContain("ancient");
  });
});
