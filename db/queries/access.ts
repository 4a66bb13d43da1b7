import { and, eq, exists, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import { amcInstances, userInstanceAccess, type UserRole } from "../schema";

// Who may see which AMC instance, as read models. The guards that turn a "no" into an error
// (assertInstanceAccess, the ...ForUserOrThrow loaders) live in lib/auth; here is only the data.

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

export async function canAccessInstance(db: Database, user: SessionUser, instanceUuid: string): Promise<boolean> {
  if (user.role === "admin") return true;
  const rows = await db
    .select({ one: userInstanceAccess.instanceId })
    .from(userInstanceAccess)
    .where(and(eq(userInstanceAccess.userId, user.id), eq(userInstanceAccess.instanceId, instanceUuid)))
    .limit(1);
  return rows.length > 0;
}

/**
 * A WHERE condition on amc_instances for the instances `user` may see: none for an admin (all),
 * else a correlated EXISTS on the user's grants (a join would not add rows either, but this
 * composes with any other condition through and()).
 */
export function visibleInstancesWhere(db: Database, user: SessionUser): SQL | undefined {
  if (user.role === "admin") return undefined;
  return exists(
    db
      .select({ one: sql`1` })
      .from(userInstanceAccess)
      .where(and(eq(userInstanceAccess.instanceId, amcInstances.id), eq(userInstanceAccess.userId, user.id))),
  );
}
