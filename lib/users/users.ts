import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { amcInstances, userInstanceAccess, users, type UserRole } from "../../db/schema";
import { type SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { assertAdmin } from "../auth/access";
import { hashPassword } from "../auth/password";
import { AppError, foreignKeyViolation, notFound, parseInput, uniqueViolation } from "../errors";
import {
  createUserSchema,
  grantSchema,
  revokeSchema,
  type CreateUserInput,
  type GrantInput,
  type RevokeInput,
} from "./schemas";

export interface CreatedUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

const duplicateEmail = () =>
  new AppError("VALIDATION_ERROR", "Some fields need attention.", {
    email: ["A user with this email already exists."],
  });

/** Creates a user (admins only). A taken email is a field error, also when two admins race. */
export async function createUser(
  db: Database,
  actor: SessionUser,
  input: CreateUserInput,
): Promise<CreatedUser> {
  assertAdmin(actor);
  // Actions parse already; parsing again keeps every other caller (API, scripts) on the same
  // rules, and it is what lower-cases the email before it reaches the database.
  const data = parseInput(createUserSchema, input);
  const passwordHash = await hashPassword(data.password);
  try {
    const [row] = await db
      .insert(users)
      .values({ email: data.email, name: data.name, passwordHash, role: data.role })
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
    if (!row) throw new Error("INSERT ... RETURNING gave no row");
    // One INSERT, no transaction to share: recorded right after it. Never the password.
    await recordAudit(db, { actor, action: "user.create", targetType: "user", targetId: row.email, details: { name: row.name, role: row.role } });
    return row;
  } catch (e) {
    // No pre-check: the unique constraint is the only check that holds under concurrency.
    if (uniqueViolation(e) === "users_email_key") throw duplicateEmail();
    throw e;
  }
}

/** The user and the instance of a grant, by the names the audit log shows them with. */
async function grantParties(db: Database, userId: string, instanceId: string) {
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  const [instance] = await db
    .select({ instanceId: amcInstances.instanceId, instanceName: amcInstances.instanceName })
    .from(amcInstances)
    .where(eq(amcInstances.id, instanceId))
    .limit(1);
  return { user, instance };
}

/** A grant's or revoke's audit entry: on the user, naming the instance (null once it is gone). */
function auditAccess(
  db: Database,
  actor: SessionUser,
  action: "access.grant" | "access.revoke",
  userLabel: string,
  instanceId: string,
  instance: { instanceId: string; instanceName: string } | undefined,
) {
  return recordAudit(db, {
    actor,
    action,
    targetType: "user",
    targetId: userLabel,
    instanceId,
    details: { instance: instance?.instanceId ?? null, instanceName: instance?.instanceName ?? null },
  });
}

/**
 * Lets a user see and change an instance's reports (admins only). Granting twice is a no-op;
 * `granted` says whether this call added the grant.
 */
export async function grantInstanceAccess(
  db: Database,
  actor: SessionUser,
  input: GrantInput,
): Promise<{ granted: boolean }> {
  assertAdmin(actor);
  const { userId, instanceId } = parseInput(grantSchema, input);

  const { user, instance } = await grantParties(db, userId, instanceId);
  if (!user) throw notFound("User");
  if (!instance) throw notFound("AMC instance");

  try {
    const rows = await db
      .insert(userInstanceAccess)
      .values({ userId, instanceId, grantedBy: actor.id })
      .onConflictDoNothing({ target: [userInstanceAccess.userId, userInstanceAccess.instanceId] })
      .returning({ userId: userInstanceAccess.userId });
    if (rows.length > 0) await auditAccess(db, actor, "access.grant", user.email, instanceId, instance);
    return { granted: rows.length > 0 };
  } catch (e) {
    // Deleted between the checks above and the insert.
    const fk = foreignKeyViolation(e);
    if (fk === "user_instance_access_user_id_users_id_fk") throw notFound("User");
    if (fk === "user_instance_access_instance_id_amc_instances_id_fk") throw notFound("AMC instance");
    throw e;
  }
}

/** Takes an instance away from a user (admins only). Revoking what is not granted is a no-op. */
export async function revokeInstanceAccess(
  db: Database,
  actor: SessionUser,
  input: RevokeInput,
): Promise<{ revoked: boolean }> {
  assertAdmin(actor);
  const { userId, instanceId } = parseInput(revokeSchema, input);
  const rows = await db
    .delete(userInstanceAccess)
    .where(and(eq(userInstanceAccess.userId, userId), eq(userInstanceAccess.instanceId, instanceId)))
    .returning({ userId: userInstanceAccess.userId });
  if (rows.length > 0) {
    // Named from the rows that still exist; the grant itself is gone.
    const { user, instance } = await grantParties(db, userId, instanceId);
    await auditAccess(db, actor, "access.revoke", user?.email ?? userId, instanceId, instance);
  }
  return { revoked: rows.length > 0 };
}
