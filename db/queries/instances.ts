import "server-only";
import { and, asc, eq, exists, sql } from "drizzle-orm";
import type { Database } from "../client";
import { amcAccounts, amcInstances, reportDefinitions, userInstanceAccess, type InstanceType } from "../schema";
import { type SessionUser } from "./access";
import { grantedInstanceColumns } from "./users";

// Read models for the Instances page. Account columns are listed one by one: the encrypted
// secret columns must never be selected into anything that can reach a page.
//
// Counts are correlated subqueries built as query builders, not raw SQL text: drizzle leaves
// columns unqualified in a single-table select, so `${outer.id}` in hand-written SQL could
// silently bind to the inner table's own `id`. A builder always qualifies them.

export interface InstanceListRow {
  id: string;
  instanceId: string;
  instanceName: string;
  instanceType: InstanceType;
  region: string;
  marketplaceId: string | null;
  isActive: boolean;
  lastSyncedAt: Date | null;
  accountName: string | null;
  accountStatus: string | null;
  reportCount: number;
}

/**
 * Instances the user may see (admins all, members those granted) with their account and report
 * count, in one query: the count is a correlated subquery on idx_report_definitions_instance.
 */
export async function listInstancesForUser(db: Database, user: SessionUser): Promise<InstanceListRow[]> {
  const reportCount = db
    .select({ n: sql<number>`count(*)::int` })
    .from(reportDefinitions)
    .where(eq(reportDefinitions.instanceId, amcInstances.id));
  const granted = exists(
    db
      .select({ one: sql`1` })
      .from(userInstanceAccess)
      .where(and(eq(userInstanceAccess.instanceId, amcInstances.id), eq(userInstanceAccess.userId, user.id))),
  );
  return db
    .select({
      ...grantedInstanceColumns,
      region: amcInstances.region,
      marketplaceId: amcInstances.marketplaceId,
      isActive: amcInstances.isActive,
      lastSyncedAt: amcInstances.lastSyncedAt,
      accountName: amcAccounts.accountName,
      accountStatus: amcAccounts.status,
      reportCount: sql<number>`(${reportCount})`,
    })
    .from(amcInstances)
    .leftJoin(amcAccounts, eq(amcAccounts.id, amcInstances.accountId))
    .where(user.role === "admin" ? undefined : granted)
    .orderBy(asc(amcInstances.instanceName), asc(amcInstances.instanceId));
}

/** What may leave the server about an account: never a secret column. */
export const accountViewColumns = {
  id: amcAccounts.id,
  accountId: amcAccounts.accountId,
  accountName: amcAccounts.accountName,
  region: amcAccounts.region,
  marketplaceId: amcAccounts.marketplaceId,
  status: amcAccounts.status,
  lastError: amcAccounts.lastError,
  lastCheckedAt: amcAccounts.lastCheckedAt,
};
export interface AccountView {
  id: string;
  accountId: string;
  accountName: string;
  region: string;
  marketplaceId: string | null;
  status: string;
  lastError: string | null;
  lastCheckedAt: Date | null;
}

export interface AccountListRow extends AccountView {
  instanceCount: number;
}

/**
 * Every Amazon Ads account with its health. No secret column is selected. Admins only: the caller
 * checks the role (a read model returns data; the guards in lib/auth decide who may have it).
 */
export async function listAmcAccounts(db: Database): Promise<AccountListRow[]> {
  const instanceCount = db
    .select({ n: sql<number>`count(*)::int` })
    .from(amcInstances)
    .where(eq(amcInstances.accountId, amcAccounts.id));
  return db
    .select({
      ...accountViewColumns,
      instanceCount: sql<number>`(${instanceCount})`,
    })
    .from(amcAccounts)
    .orderBy(asc(amcAccounts.accountName), asc(amcAccounts.accountId));
}
