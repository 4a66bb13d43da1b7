import "server-only";
import { asc, desc, eq, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../client";
import { amcAccounts, amcInstances, instanceBrandMappings, reportDefinitions, userInstanceAccess, users, type ExecutionStatus, type InstanceType } from "../schema";
import { type SessionUser, visibleInstancesWhere } from "./access";
import { grantedInstanceColumns } from "./users";

// Read models for the Instances page. Account columns are listed one by one: the encrypted
// secret columns must never be selected into anything that can reach a page.
//
// Counts are correlated subqueries built as query builders, not raw SQL text: drizzle leaves
// columns unqualified in a single-table select, so `${outer.id}` in hand-written SQL could
// silently bind to the inner table's own `id`. A builder always qualifies them.

/** A select field: how many `table` rows have `column` = the outer query's `outer` column. */
function countWhere(db: Database, table: PgTable, column: PgColumn, outer: PgColumn) {
  return sql<number>`(${db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(column, outer))})`;
}

/** An instance as the list and its own page show it (no account columns). */
export interface InstanceSummary {
  id: string;
  instanceId: string;
  instanceName: string;
  instanceType: InstanceType;
  region: string;
  marketplaceId: string | null;
  isActive: boolean;
  isBuiltinSandbox: boolean;
  lastSyncedAt: Date | null;
}

const instanceSummaryColumns = {
  ...grantedInstanceColumns,
  region: amcInstances.region,
  marketplaceId: amcInstances.marketplaceId,
  isActive: amcInstances.isActive,
  isBuiltinSandbox: amcInstances.isBuiltinSandbox,
  lastSyncedAt: amcInstances.lastSyncedAt,
};

export interface InstanceListRow extends InstanceSummary {
  accountName: string | null;
  accountStatus: string | null;
  reportCount: number;
}

/**
 * Instances the user may see (admins all, members those granted) with their account and report
 * count, in one query: the count is a correlated subquery on idx_report_definitions_instance.
 */
export async function listInstancesForUser(db: Database, user: SessionUser): Promise<InstanceListRow[]> {
  return db
    .select({
      ...instanceSummaryColumns,
      accountName: amcAccounts.accountName,
      accountStatus: amcAccounts.status,
      reportCount: countWhere(db, reportDefinitions, reportDefinitions.instanceId, amcInstances.id),
    })
    .from(amcInstances)
    .leftJoin(amcAccounts, eq(amcAccounts.id, amcInstances.accountId))
    .where(visibleInstancesWhere(db, user))
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
  return db
    .select({
      ...accountViewColumns,
      instanceCount: countWhere(db, amcInstances, amcInstances.accountId, amcAccounts.id),
    })
    .from(amcAccounts)
    .orderBy(asc(amcAccounts.accountName), asc(amcAccounts.accountId));
}

// ---- one instance's page -------------------------------------------------------------------

export interface InstanceDetail extends InstanceSummary {
  /** The linked account without its secrets, or null (the built-in sandbox, or never linked). */
  account: AccountView | null;
}

/** One instance by its AMC id, with its account's health. No access decision: the caller's guard makes it. */
export async function getInstanceDetail(db: Database, amcInstanceId: string): Promise<InstanceDetail | null> {
  const [row] = await db
    .select({
      ...instanceSummaryColumns,
      accountUuid: amcAccounts.id,
      account: accountViewColumns,
    })
    .from(amcInstances)
    .leftJoin(amcAccounts, eq(amcAccounts.id, amcInstances.accountId))
    .where(eq(amcInstances.instanceId, amcInstanceId))
    .limit(1);
  if (!row) return null;
  const { accountUuid, account, ...instance } = row;
  return { ...instance, account: accountUuid ? (account as AccountView) : null };
}

export interface InstanceReportRow {
  reportId: string;
  name: string;
  isActive: boolean;
  lastStatus: ExecutionStatus | null;
  lastRunAt: Date | null;
}

/** The instance's reports, newest first, at most `limit` (the page links to the overview for the rest). */
export async function listInstanceReports(db: Database, instanceUuid: string, limit: number): Promise<{ rows: InstanceReportRow[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    db
      .select({
        reportId: reportDefinitions.reportId,
        name: reportDefinitions.name,
        isActive: reportDefinitions.isActive,
        lastStatus: reportDefinitions.lastStatus,
        lastRunAt: reportDefinitions.lastRunAt,
      })
      .from(reportDefinitions)
      .where(eq(reportDefinitions.instanceId, instanceUuid))
      .orderBy(desc(reportDefinitions.createdAt), desc(reportDefinitions.id))
      .limit(limit),
    db.select({ n: sql<number>`count(*)::int` }).from(reportDefinitions).where(eq(reportDefinitions.instanceId, instanceUuid)),
  ]);
  return { rows, total: count?.n ?? 0 };
}

export interface InstanceMember {
  email: string;
  name: string;
  role: string;
  grantedAt: Date | null;
}

/** Who was granted the instance (admins see every instance without a grant). Admin pages only. */
export async function listInstanceMembers(db: Database, instanceUuid: string): Promise<InstanceMember[]> {
  return db
    .select({ email: users.email, name: users.name, role: users.role, grantedAt: userInstanceAccess.createdAt })
    .from(userInstanceAccess)
    .innerJoin(users, eq(users.id, userInstanceAccess.userId))
    .where(eq(userInstanceAccess.instanceId, instanceUuid))
    .orderBy(asc(users.email));
}

export interface BrandMappingRow {
  id: string;
  brand: string;
  asins: string[];
  campaignIds: string[];
  updatedAt: Date | null;
}

/** The instance's brand mappings, by brand name. */
export async function listBrandMappings(db: Database, instanceUuid: string): Promise<BrandMappingRow[]> {
  return db
    .select({
      id: instanceBrandMappings.id,
      brand: instanceBrandMappings.brand,
      asins: instanceBrandMappings.asins,
      campaignIds: instanceBrandMappings.campaignIds,
      updatedAt: instanceBrandMappings.updatedAt,
    })
    .from(instanceBrandMappings)
    .where(eq(instanceBrandMappings.instanceId, instanceUuid))
    .orderBy(asc(sql`lower(${instanceBrandMappings.brand})`), asc(instanceBrandMappings.id));
}

/** What decides whether an instance can reach AMC: the built-in flag and its account's status. */
export async function instanceConnection(
  db: Database,
  instanceUuid: string,
): Promise<{ instanceId: string; isBuiltinSandbox: boolean; account: { status: string } | null } | null> {
  const [row] = await db
    .select({ instanceId: amcInstances.instanceId, isBuiltinSandbox: amcInstances.isBuiltinSandbox, status: amcAccounts.status })
    .from(amcInstances)
    .leftJoin(amcAccounts, eq(amcAccounts.id, amcInstances.accountId))
    .where(eq(amcInstances.id, instanceUuid))
    .limit(1);
  if (!row) return null;
  return { instanceId: row.instanceId, isBuiltinSandbox: row.isBuiltinSandbox, account: row.status === null ? null : { status: row.status } };
}
