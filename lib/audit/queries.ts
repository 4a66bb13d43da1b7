import "server-only";
import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { amcInstances, auditLog } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { assertAdmin } from "../auth/access";
import { searchParam, type SearchParams } from "../http/search-params";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditDetailValue } from "./record";

/**
 * The admin page's read model: filtered and paged in SQL, newest first. Paging is by keyset
 * (`before` = the last entry's id, standing for its (occurred_at, id)), so a page costs the same at any depth and a
 * new entry arriving between two clicks never shifts one onto the next page twice. Each filter
 * has an index that starts with it and continues (occurred_at DESC, id DESC) (db/schema/audit.ts).
 * Days are UTC days, as the page shows times in UTC.
 */

export const AUDIT_PAGE_SIZE = 50;

const day = z.iso.date();
export interface AuditQuery {
  actor?: string;
  action?: (typeof AUDIT_ACTIONS)[number];
  targetType?: (typeof AUDIT_TARGET_TYPES)[number];
  /** Inclusive UTC days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** The id of the last entry of the previous page: this page starts after it. */
  before?: string;
}

/** The page's filters from its URL; a malformed or hostile value is as if absent (never an error page). */
export function parseAuditQuery(params: SearchParams): AuditQuery {
  return {
    actor: searchParam(params.actor, z.string().trim().toLowerCase().max(254).min(1)),
    action: searchParam(params.action, z.enum(AUDIT_ACTIONS)),
    targetType: searchParam(params.target, z.enum(AUDIT_TARGET_TYPES)),
    from: searchParam(params.from, day),
    to: searchParam(params.to, day),
    before: searchParam(params.before, z.uuid()),
  };
}

/** The filters (not the page) as URL params, for links that keep them. */
export function auditQueryParams(q: AuditQuery): Record<string, string> {
  const out: Record<string, string> = {};
  if (q.actor) out.actor = q.actor;
  if (q.action) out.action = q.action;
  if (q.targetType) out.target = q.targetType;
  if (q.from) out.from = q.from;
  if (q.to) out.to = q.to;
  return out;
}

export interface AuditRow {
  id: string;
  occurredAt: Date;
  actorEmail: string | null;
  /** False when the acting user has been deleted since (the email is the copy taken at the time). */
  actorExists: boolean;
  action: string;
  targetType: string;
  targetId: string;
  instanceId: string | null;
  /** AMC's instance id and name, when the instance still exists. */
  amcInstanceId: string | null;
  instanceName: string | null;
  details: Record<string, AuditDetailValue>;
}

export interface AuditPage {
  rows: AuditRow[];
  /** `before` for the next (older) page, or null on the last one. */
  nextBefore: string | null;
}

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000);

/** One page of the log (admins only: members are refused even if a page forgot to check). */
export async function listAuditLog(db: Database, viewer: SessionUser, q: AuditQuery, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  assertAdmin(viewer);
  const where: (SQL | undefined)[] = [
    q.actor ? eq(auditLog.actorEmail, q.actor) : undefined,
    q.action ? eq(auditLog.action, q.action) : undefined,
    q.targetType ? eq(auditLog.targetType, q.targetType) : undefined,
    q.from ? gte(auditLog.occurredAt, addDays(q.from, 0)) : undefined,
    q.to ? lt(auditLog.occurredAt, addDays(q.to, 1)) : undefined,
    // A row comparison, so the index on (…, occurred_at DESC, id DESC) serves it directly. The
    // cursor's time is read back from its row: a JS Date would cut occurred_at's microseconds
    // and skip entries of the same millisecond.
    q.before
      ? sql`(${auditLog.occurredAt}, ${auditLog.id}) < (SELECT a.occurred_at, a.id FROM audit_log a WHERE a.id = ${q.before}::uuid)`
      : undefined,
  ];
  const rows = await db
    .select({
      id: auditLog.id,
      occurredAt: auditLog.occurredAt,
      actorEmail: auditLog.actorEmail,
      actorExists: sql<boolean>`${auditLog.actorUserId} IS NOT NULL`,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      instanceId: auditLog.instanceId,
      amcInstanceId: amcInstances.instanceId,
      instanceName: amcInstances.instanceName,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(amcInstances, eq(amcInstances.id, auditLog.instanceId))
    .where(and(...where))
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize).map((r) => ({ ...r, details: (r.details ?? {}) as Record<string, AuditDetailValue> }));
  const last = page[page.length - 1];
  return { rows: page, nextBefore: rows.length > pageSize && last ? last.id : null };
}
