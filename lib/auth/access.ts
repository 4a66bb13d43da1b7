import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { userInstanceAccess, type UserRole } from "../../db/schema";
import { forbidden } from "../errors";

/** Who is asking, as read from the database on every request (never trusted from the client). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

/** Instances a user may see: admins all, members those granted to them. */
export type InstanceScope = { kind: "all" } | { kind: "some"; instanceIds: string[] };

export async function instanceScope(db: Database, user: SessionUser): Promise<InstanceScope> {
  if (user.role === "admin") return { kind: "all" };
  const rows = await db
    .select({ instanceId: userInstanceAccess.instanceId })
    .from(userInstanceAccess)
    .where(eq(userInstanceAccess.userId, user.id));
  return { kind: "some", instanceIds: rows.map((r) => r.instanceId) };
}

export async function canAccessInstance(
  db: Database,
  user: SessionUser,
  instanceUuid: string,
): Promise<boolean> {
  if (user.role === "admin") return true;
  const rows = await db
    .select({ one: userInstanceAccess.instanceId })
    .from(userInstanceAccess)
    .where(and(eq(userInstanceAccess.userId, user.id), eq(userInstanceAccess.instanceId, instanceUuid)))
    .limit(1);
  return rows.length > 0;
}

export async function assertInstanceAccess(
  db: Database,
  user: SessionUser,
  instanceUuid: string,
): Promise<void> {
  if (!(await canAccessInstance(db, user, instanceUuid))) throw forbidden();
}

export function assertAdmin(user: SessionUser): void {
  if (user.role !== "admin") throw forbidden("Only admins can do this.");
}
