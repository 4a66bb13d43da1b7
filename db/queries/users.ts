import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Database } from "../client";
import { amcInstances, userInstanceAccess, users, type InstanceType, type UserRole } from "../schema";

export interface GrantedInstance {
  id: string;
  instanceId: string;
  instanceName: string;
  instanceType: InstanceType;
}

export interface UserWithAccess {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: Date | null;
  /** Explicit grants, by instance name. Admins see every instance whatever is listed here. */
  instances: GrantedInstance[];
}

export interface InstanceOption extends GrantedInstance {
  isActive: boolean;
}

/** The columns that name an instance wherever one is listed or picked (a `GrantedInstance`). */
export const grantedInstanceColumns = {
  id: amcInstances.id,
  instanceId: amcInstances.instanceId,
  instanceName: amcInstances.instanceName,
  instanceType: amcInstances.instanceType,
};

/** Every user with the instances granted to them: two queries, whatever the number of users. */
export async function listUsersWithAccess(db: Database): Promise<UserWithAccess[]> {
  const [userRows, grantRows] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        createdAt: users.createdAt,
      })
      .from(users)
      .orderBy(asc(users.email)),
    db
      .select({
        userId: userInstanceAccess.userId,
        ...grantedInstanceColumns,
      })
      .from(userInstanceAccess)
      .innerJoin(amcInstances, eq(amcInstances.id, userInstanceAccess.instanceId))
      .orderBy(asc(amcInstances.instanceName), asc(amcInstances.instanceId)),
  ]);

  const byUser = new Map<string, GrantedInstance[]>();
  for (const { userId, ...instance } of grantRows) {
    const list = byUser.get(userId);
    if (list) list.push(instance);
    else byUser.set(userId, [instance]);
  }
  return userRows.map((u) => ({ ...u, instances: byUser.get(u.id) ?? [] }));
}

/** All AMC instances, for the grant pickers; inactive ones included so they can still be managed. */
export async function listAllInstances(db: Database): Promise<InstanceOption[]> {
  return db
    .select({ ...grantedInstanceColumns, isActive: amcInstances.isActive })
    .from(amcInstances)
    .orderBy(asc(amcInstances.instanceName), asc(amcInstances.instanceId));
}
