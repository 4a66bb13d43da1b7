import "server-only";
import { and, count, eq, gte, ilike, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import {
  amcInstances,
  reportDefinitions,
  reportExecutions,
  type ExecutionStatus,
  type TriggeredBy,
} from "../schema";
import type { InstanceScope } from "./access";

/**
 * The global Runs page's read model: every execution in the viewer's instance scope, filtered,
 * sorted and paged in SQL. Data only: the caller passes the scope it got from instanceScope().
 */

export const RUN_SORTS = ["created", "duration", "status"] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export interface RunsFilter {
  page: number;
  pageSize: number;
  sort: RunSort;
  dir: "asc" | "desc";
  /** amc_instances.id (our uuid). */
  instance?: string;
  /** A report's human id (exact) or part of its name. */
  report?: string;
  status?: ExecutionStatus;
  trigger?: TriggeredBy;
  /** Created at or after this instant. */
  from?: Date;
  /** Created before this instant (exclusive). */
  to?: Date;
}

// Same shape as lib/ids humanId("rpt"); repeated here because db/ imports nothing above it.
const HUMAN_REPORT_ID = /^rpt_[A-Za-z0-9_-]{1,64}$/;

/** `term` as a LIKE pattern matching it anywhere, its wildcards taken literally. */
function contains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function whereOf(scope: InstanceScope, f: RunsFilter): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (scope.kind === "some") {
    // No grants: nothing to see (inArray with an empty list would be invalid SQL).
    if (scope.instanceIds.length === 0) return sql`FALSE`;
    where.push(inArray(reportExecutions.instanceId, scope.instanceIds));
  }
  if (f.instance) where.push(eq(reportExecutions.instanceId, f.instance));
  if (f.status) where.push(eq(reportExecutions.status, f.status));
  if (f.trigger) where.push(eq(reportExecutions.triggeredBy, f.trigger));
  if (f.from) where.push(gte(reportExecutions.createdAt, f.from));
  if (f.to) where.push(lt(reportExecutions.createdAt, f.to));
  if (f.report) {
    // Resolved to report uuids first, so the runs side uses idx_report_executions_report_created;
    // a human id is an exact match on its unique index, anything else a name search.
    where.push(inArray(reportExecutions.reportId, reportsMatching(f.report)));
  }
  return and(...where);
}

function reportsMatching(term: string) {
  return sql`(SELECT ${reportDefinitions.id} FROM ${reportDefinitions} WHERE ${
    HUMAN_REPORT_ID.test(term)
      ? or(eq(reportDefinitions.reportId, term), ilike(reportDefinitions.name, contains(term)))
      : ilike(reportDefinitions.name, contains(term))
  })`;
}

function orderOf(f: RunsFilter): SQL[] {
  const dir = f.dir === "asc" ? sql`ASC` : sql`DESC`;
  // The id breaks ties so a page boundary never repeats or skips a run.
  const tie = sql`${reportExecutions.id} ${dir}`;
  switch (f.sort) {
    case "created":
      // PostgreSQL's default NULLS placement for each direction: the order of
      // idx_report_executions_report_created (created_at DESC NULLS FIRST), read either way.
      return [sql`${reportExecutions.createdAt} ${dir}`, tie];
    case "duration":
      // Unfinished runs have no duration yet: they go last either way.
      return [sql`(${reportExecutions.completedAt} - ${reportExecutions.startedAt}) ${dir} NULLS LAST`, tie];
    case "status":
      return [sql`${reportExecutions.status} ${dir}`, sql`${reportExecutions.createdAt} DESC`, tie];
  }
}

export async function listAllRuns(db: Database, scope: InstanceScope, f: RunsFilter) {
  const where = whereOf(scope, f);
  // Counted over the same join as the page, so the total never includes a row no page shows.
  const [total] = await db
    .select({ n: count() })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .where(where);
  const rows = await db
    .select({
      executionId: reportExecutions.executionId,
      status: reportExecutions.status,
      triggeredBy: reportExecutions.triggeredBy,
      createdAt: reportExecutions.createdAt,
      startedAt: reportExecutions.startedAt,
      completedAt: reportExecutions.completedAt,
      rowCount: reportExecutions.rowCount,
      errorMessage: reportExecutions.errorMessage,
      timeWindowStart: reportExecutions.timeWindowStart,
      timeWindowEnd: reportExecutions.timeWindowEnd,
      timeWindowTimezone: reportExecutions.timeWindowTimezone,
      reportId: reportDefinitions.reportId,
      reportName: reportDefinitions.name,
      instanceName: amcInstances.instanceName,
    })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .leftJoin(amcInstances, eq(amcInstances.id, reportExecutions.instanceId))
    .where(where)
    .orderBy(...orderOf(f))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  return { rows, total: total?.n ?? 0 };
}

export type GlobalRunRow = Awaited<ReturnType<typeof listAllRuns>>["rows"][number];
