import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { userInstanceAccess, users, amcInstances } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { verifyPassword, hashPassword } from "../auth/password";
import { liveSessionUser } from "../auth/sessions";
import { changeOwnPassword, deleteUser, PASSWORD_CHANGE_TRIES, resetUserPassword, setUserRole, signOutEverywhere } from "./account";

const { db } = await freshDatabase();
const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a different long passphrase";
const now = new Date("2026-11-25T10:00:00Z");

async function insertUser(email: string, role: "admin" | "member" = "member", password = PASSWORD): Promise<SessionUser> {
  const [row] = await db
    .insert(users)
    .values({ email, name: email, passwordHash: await hashPassword(password), role })
    .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
  if (!row) throw new Error("setup failed");
  return row;
}
const session = (user: SessionUser, sessionVersion = 0, sessionId = randomUUID()) => ({ userId: user.id, sessionVersion, sessionId });
const row = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];

const admin = await insertUser("admin@example.com", "admin");

describe("password change by the user", () => {
  it("needs the current password, then changes it and ends every session", async () => {
    const me = await insertUser("me@example.com");
    const other = session(me);
    await expect(
      changeOwnPassword(db, me, { currentPassword: "wrong", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, now),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { currentPassword: ["That is not your current password."] } });
    expect(await liveSessionUser(db, other)).not.toBeNull();

    expect(await changeOwnPassword(db, me, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, now)).toEqual({
      email: "me@example.com",
    });
    const after = await row(me.id);
    expect(await verifyPassword(after?.passwordHash ?? "", NEW_PASSWORD)).toBe(true);
    expect(after?.sessionVersion).toBe(1);
    expect(await liveSessionUser(db, other)).toBeNull();
  });

  it("refuses mismatched or unchanged new passwords as field errors", async () => {
    const me = await insertUser("fields@example.com");
    await expect(
      changeOwnPassword(db, me, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: "typo" }, now),
    ).rejects.toMatchObject({ fieldErrors: { confirmPassword: ["The two new passwords differ."] } });
    await expect(
      changeOwnPassword(db, me, { currentPassword: PASSWORD, newPassword: PASSWORD, confirmPassword: PASSWORD }, now),
    ).rejects.toMatchObject({ fieldErrors: { newPassword: ["Choose a password different from the current one."] } });
    await expect(
      changeOwnPassword(db, me, { currentPassword: PASSWORD, newPassword: "short", confirmPassword: "short" }, now),
    ).rejects.toMatchObject({ fieldErrors: { newPassword: ["Use at least 12 characters."] } });
  });

  it("does not let a stolen session guess the current password without limit", async () => {
    const me = await insertUser("guessed@example.com");
    const wrong = { currentPassword: "guess", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
    for (let i = 0; i < PASSWORD_CHANGE_TRIES; i++) await expect(changeOwnPassword(db, me, wrong, now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(
      changeOwnPassword(db, me, { ...wrong, currentPassword: PASSWORD }, now),
    ).rejects.toMatchObject({ code: "RATE_LIMITED", message: "Too many wrong current passwords. Try again in 15 minutes." });
  });

  it("sign out everywhere ends every session of the user only", async () => {
    const me = await insertUser("everywhere@example.com");
    const bystander = await insertUser("bystander@example.com");
    const [a, b, c] = [session(me), session(me), session(bystander)];
    await signOutEverywhere(db, me);
    expect(await liveSessionUser(db, a)).toBeNull();
    expect(await liveSessionUser(db, b)).toBeNull();
    expect(await liveSessionUser(db, c)).not.toBeNull();
  });
});

describe("admin actions on accounts", () => {
  it("resets a password to a generated temporary one and ends the user's sessions", async () => {
    const user = await insertUser("forgot@example.com");
    const s = session(user);
    const { email, temporaryPassword } = await resetUserPassword(db, admin, { userId: user.id }, now);
    expect(email).toBe("forgot@example.com");
    expect(temporaryPassword).toMatch(/^[\w-]{20}$/);
    const after = await row(user.id);
    expect(await verifyPassword(after?.passwordHash ?? "", temporaryPassword)).toBe(true);
    expect(await verifyPassword(after?.passwordHash ?? "", PASSWORD)).toBe(false);
    expect(await liveSessionUser(db, s)).toBeNull();
  });

  it("refuses members, the admin's own account, and unknown users", async () => {
    const member = await insertUser("plain@example.com");
    const target = await insertUser("target@example.com");
    await expect(resetUserPassword(db, member, { userId: target.id }, now)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(setUserRole(db, member, { userId: member.id, role: "admin" }, now)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteUser(db, member, { userId: target.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(resetUserPassword(db, admin, { userId: admin.id }, now)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(setUserRole(db, admin, { userId: admin.id, role: "member" }, now)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(deleteUser(db, admin, { userId: admin.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(resetUserPassword(db, admin, { userId: randomUUID() }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteUser(db, admin, { userId: "nope" })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect((await row(target.id))?.sessionVersion).toBe(0);
  });

  it("a role change ends the user's sessions; the same role again changes nothing", async () => {
    const user = await insertUser("promoted@example.com");
    const s = session(user);
    expect(await setUserRole(db, admin, { userId: user.id, role: "member" }, now)).toEqual({ changed: false, role: "member" });
    expect(await liveSessionUser(db, s)).not.toBeNull();
    expect(await setUserRole(db, admin, { userId: user.id, role: "admin" }, now)).toEqual({ changed: true, role: "admin" });
    expect((await row(user.id))?.role).toBe("admin");
    expect(await liveSessionUser(db, s)).toBeNull();
    await expect(setUserRole(db, admin, { userId: randomUUID(), role: "admin" }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("deleting a user ends their sessions and takes their grants", async () => {
    const user = await insertUser("leaver@example.com");
    const [instance] = await db.insert(amcInstances).values({ instanceId: "amcleaver", instanceName: "L", instanceType: "STANDARD" }).returning({ id: amcInstances.id });
    if (!instance) throw new Error("setup failed");
    await db.insert(userInstanceAccess).values({ userId: user.id, instanceId: instance.id });
    const s = session(user);
    expect(await deleteUser(db, admin, { userId: user.id })).toEqual({ email: "leaver@example.com" });
    expect(await liveSessionUser(db, s)).toBeNull();
    expect(await db.select().from(userInstanceAccess).where(eq(userInstanceAccess.userId, user.id))).toEqual([]);
    await expect(deleteUser(db, admin, { userId: user.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
