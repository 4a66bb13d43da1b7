import { randomBytes } from "node:crypto";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users, type UserRole } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { assertAdmin } from "../auth/access";
import { hashPassword, verifyPassword } from "../auth/password";
import { endAllSessions } from "../auth/sessions";
import { reserve, retryAfterText, settle } from "../auth/throttle";
import { AppError, foreignKeyViolation, notFound, parseInput } from "../errors";
import {
  changePasswordSchema,
  deleteUserSchema,
  resetPasswordSchema,
  setRoleSchema,
  type ChangePasswordInput,
  type SetRoleInput,
  type UserIdInput,
} from "./schemas";

// Every change here that alters who someone is or what they may do ends their sessions at once
// (users.session_version + 1): a password changed because it leaked, a role taken away, an
// account deleted must not keep working on a device someone else holds.

/** Wrong current passwords a signed-in session may try per quarter hour (a stolen session must not become a guessing oracle). */
export const PASSWORD_CHANGE_TRIES = 5;

const bumpVersion = sql`${users.sessionVersion} + 1`;

/**
 * The signed-in user changes their own password, proving the current one. Every session of the
 * user ends, this one included; the caller starts a fresh one for this browser with the new
 * password (the sign-in machinery issues it, so no token is forged here).
 */
export async function changeOwnPassword(
  db: Database,
  actor: SessionUser,
  input: ChangePasswordInput,
  now: Date,
): Promise<{ email: string }> {
  const data = parseInput(changePasswordSchema, input);
  const budgets = [{ key: `pw-change:${actor.id}`, limit: PASSWORD_CHANGE_TRIES }];
  const reservation = await reserve(db, budgets, now);
  if (!reservation.allowed) {
    throw new AppError("RATE_LIMITED", `Too many wrong current passwords. Try again in ${retryAfterText(reservation.retryAfterMs)}.`);
  }
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id)).limit(1);
  if (!row) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  const ok = await verifyPassword(row.passwordHash, data.currentPassword);
  await settle(db, reservation.budgets, ok, now, () => true);
  if (!ok) {
    throw new AppError("VALIDATION_ERROR", "Some fields need attention.", {
      currentPassword: ["That is not your current password."],
    });
  }
  const passwordHash = await hashPassword(data.newPassword);
  const [updated] = await db
    .update(users)
    .set({ passwordHash, sessionVersion: bumpVersion, updatedAt: now })
    .where(eq(users.id, actor.id))
    .returning({ email: users.email });
  if (!updated) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  await recordAudit(db, { actor, action: "user.change_password", targetType: "user", targetId: updated.email, now });
  return updated;
}

/** Ends every session of the signed-in user, on every device (this one too). */
export async function signOutEverywhere(db: Database, actor: SessionUser): Promise<void> {
  await endAllSessions(db, actor.id);
  await recordAudit(db, { actor, action: "user.sign_out_everywhere", targetType: "user", targetId: actor.email });
}

function refuseSelf(actor: SessionUser, userId: string, what: string): void {
  // An admin acting on their own account here could leave no admin at all, or sign themselves
  // out mid-click; their own password has its own page.
  if (actor.id === userId) throw new AppError("CONFLICT", `You cannot ${what} your own account here.`);
}

/** 120 random bits in 20 URL-safe characters: typed once, then changed by its owner. */
export function temporaryPassword(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * An admin sets a temporary password for a user (forgotten password, suspected leak): the
 * password is generated here, shown once to the admin and never stored in clear; the user's
 * sessions end at once.
 */
export async function resetUserPassword(
  db: Database,
  actor: SessionUser,
  input: UserIdInput,
  now: Date,
): Promise<{ email: string; temporaryPassword: string }> {
  assertAdmin(actor);
  const { userId } = parseInput(resetPasswordSchema, input);
  refuseSelf(actor, userId, "reset the password of");
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const [row] = await db
    .update(users)
    .set({ passwordHash, sessionVersion: bumpVersion, updatedAt: now })
    .where(eq(users.id, userId))
    .returning({ email: users.email });
  if (!row) throw notFound("User");
  // The temporary password is never logged: only that a reset happened, to whom, by whom.
  await recordAudit(db, { actor, action: "user.reset_password", targetType: "user", targetId: row.email, now });
  return { email: row.email, temporaryPassword: password };
}

/** An admin changes a user's role; a real change ends the user's sessions. */
export async function setUserRole(
  db: Database,
  actor: SessionUser,
  input: SetRoleInput,
  now: Date,
): Promise<{ changed: boolean; role: UserRole }> {
  assertAdmin(actor);
  const { userId, role } = parseInput(setRoleSchema, input);
  refuseSelf(actor, userId, "change the role of");
  const [row] = await db
    .update(users)
    .set({ role, sessionVersion: bumpVersion, updatedAt: now })
    .where(and(eq(users.id, userId), ne(users.role, role)))
    .returning({ id: users.id, email: users.email });
  if (row) {
    await recordAudit(db, { actor, action: "user.set_role", targetType: "user", targetId: row.email, details: { role }, now });
    return { changed: true, role };
  }
  const [exists] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!exists) throw notFound("User");
  return { changed: false, role };
}

/**
 * An admin deletes a user. Their sessions end with the row (a session whose user is gone is
 * refused); grants go with it, and what they made stays (user references are ON DELETE SET NULL).
 */
export async function deleteUser(db: Database, actor: SessionUser, input: UserIdInput): Promise<{ email: string }> {
  assertAdmin(actor);
  const { userId } = parseInput(deleteUserSchema, input);
  refuseSelf(actor, userId, "delete");
  try {
    const [row] = await db.delete(users).where(eq(users.id, userId)).returning({ email: users.email });
    if (!row) throw notFound("User");
    await recordAudit(db, { actor, action: "user.delete", targetType: "user", targetId: row.email });
    return row;
  } catch (e) {
    // A table that keeps its rows' author without ON DELETE SET NULL: say so instead of a 500.
    if (foreignKeyViolation(e)) throw new AppError("CONFLICT", "This user still owns records that cannot lose their owner.");
    throw e;
  }
}
