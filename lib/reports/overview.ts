import "server-only";
import { and, asc, count, eq, inArray, isNull, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  amcInstances,
  dashboards,
  queryTemplates,
  reportDefinitions as rd,
  reportExecutions,
  reportSchedules,
  userInstanceAccess,
  users,
  type ExecutionStatus,
  type Frequency,
  type InstanceType,
} from "../../db/schema";
import type { ReportState } from "../../db/schema/views";
import { instanceScope, type InstanceScope, type SessionUser } from "../../db/queries/access";
import {
  hasActiveFilters,
  type OverviewQuery,
  type OverviewSort,
  type SortDir,
} from "./overview-query";

/**
 * The Reports overview's read model. It has the columns of the seed's `report_runs_overview`
 * view but reads report_definitions' indexed copies (last_status, last_run_at, next_run_at,
 * schedule_paused, last_execution_id, execution_count) instead of the view's per-row LATERAL
 * lookup, so that every offered sort is an index walk that stops after one page
 * (architecture.md §5; measured by `npm run bench`).
 */
export interface OverviewRow {
  reportUuid: string;
  reportId: string;
  name: string;
  description: string | null;
  /** amc_instances.id */
  instanceId: string | null;
  /** AMC's own instance id, e.g. `amcabc123`. */
  amcInstanceId: string | null;
  instanceName: string | null;
  instanceType: InstanceType | null;
  ownerId: string | null;
  ownerEmail: string | null;
  ownerName: string | null;
  templateName: string | null;
  reportType: string | null;
  isActive: boolean;
  frequency: Frequency;
  state: ReportState;
  latestStatus: ExecutionStatus | null;
  lastRunAt: Date | null;
  lastCompletedAt: Date | null;
  nextRunAt: Date | null;
  executionCount: number | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** Whether the viewer (not the owner, unlike the view) starred the report's dashboard. */
  isFavorite: boolean;
  /** The report's dashboard (human id), once it has one: the star and "Open dashboard" need it. */
  dashboardId: string | null;
  /** The active schedule's human id, for Pause / Resume from the row. */
  scheduleId: string | null;
  /** Of the report's last RECENT_RUNS runs: how many completed, and how many ended (completed or failed). */
  recentCompleted: number;
  recentFinished: number;
}

/**
 * How many of a report's newest runs its success rate is taken over: recent health is what a
 * user acts on, and a bounded read per row keeps the page one index walk however long a report's
 * history (idx_report_executions_report_created, RECENT_RUNS entries per row of the page).
 */
export const RECENT_RUNS = 20;

/** completed / (completed + failed) of the recent runs, or null when none of them ended. */
export function successRate(row: Pick<OverviewRow, "recentCompleted" | "recentFinished">): number | null {
  return row.recentFinished > 0 ? row.recentCompleted / row.recentFinished : null;
}

export interface OverviewPage {
  rows: OverviewRow[];
  total: number;
}

const SORT_COLUMN = {
  created: rd.createdAt,
  name: rd.name,
  last_run: rd.lastRunAt,
  next_run: rd.nextRunAt,
  executions: rd.executionCount,
} as const;

/**
 * Each sort's direction written as exactly the order of its index (or that order reversed,
 * NULLS placement included), because PostgreSQL only walks an index for an ORDER BY that
 * matches it key for key. id, in the same direction, breaks ties so that pages never overlap
 * or skip rows. Indexes: idx_report_definitions_{created_at,name,last_run,next_run,
 * execution_count}, each (column, id).
 */
const ORDER: Record<OverviewSort, Record<SortDir, SQL>> = {
  created: { desc: sql.raw("DESC NULLS FIRST"), asc: sql.raw("ASC NULLS LAST") },
  name: { asc: sql.raw("ASC NULLS LAST"), desc: sql.raw("DESC NULLS FIRST") },
  last_run: { desc: sql.raw("DESC NULLS LAST"), asc: sql.raw("ASC NULLS FIRST") },
  next_run: { asc: sql.raw("ASC NULLS LAST"), desc: sql.raw("DESC NULLS FIRST") },
  executions: { desc: sql.raw("DESC NULLS LAST"), asc: sql.raw("ASC NULLS FIRST") },
};

function orderBy(query: OverviewQuery, key: SQLWrapper, id: SQLWrapper): SQL[] {
  const direction = ORDER[query.sort][query.dir];
  return [sql`${key} ${direction}`, sql`${id} ${direction}`];
}

/**
 * How a page's ids are found. "index-walk" walks the sort's index and stops after one page; it
 * finds 50 matches after about 50 × total / matches entries — if matches are spread evenly over
 * the sort order. Real data is not: a member's reports are often all named after the client
 * ("Acme – …"), a search term may match nothing on the member's instances. Then the walk reads
 * most of the index (~50–70 ms at 100k reports). "sort-matches" fetches every match through a
 * filter's own index and sorts them: a few ms for a few thousand matches, whatever their order.
 * It needs a filter with an index (instance scope or filter: idx_report_definitions_instance;
 * search: idx_report_definitions_search); status, state and frequency have none, so those alone
 * would make it a sequential scan. Measured in scripts/bench/overview.ts.
 */
export const SORT_MATCHES_UP_TO = 5_000;

// Keeps PostgreSQL from merging the matches subquery into the outer query (a LIMIT is an
// optimization fence), which would let it go back to walking the sort index.
const NO_LIMIT = 2_147_483_647;

/** `term` as a literal ILIKE substring: %, _ and the escape character itself match only themselves. */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Character for character the expression of idx_report_definitions_search (pg_trgm GIN,
 * drizzle/0001): the planner uses an expression index only for the same expression. The
 * separators stay inline literals; as bind parameters they would not match.
 */
const searchDocument = sql`(${rd.name} || ' ' || ${rd.reportId} || ' ' || COALESCE(${rd.description}, ''))`;

function filters(scope: InstanceScope, query: OverviewQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (scope.kind === "some") where.push(inArray(rd.instanceId, scope.instanceIds));
  // Filtering on an instance the viewer may not see is ANDed with the scope above, so it
  // yields nothing rather than leaking that instance's reports.
  if (query.instance) where.push(eq(rd.instanceId, query.instance));
  // idx_report_definitions_owner.
  if (query.owner) where.push(eq(rd.ownerId, query.owner));
  if (query.status.length > 0) {
    const ran = query.status.filter((s): s is ExecutionStatus => s !== "never");
    where.push(
      or(
        ran.length > 0 ? inArray(rd.lastStatus, ran) : undefined,
        query.status.includes("never") ? isNull(rd.lastStatus) : undefined,
      ),
    );
  }
  if (query.state === "paused") where.push(eq(rd.schedulePaused, true));
  if (query.state === "active") where.push(and(eq(rd.schedulePaused, false), eq(rd.isActive, true)));
  if (query.state === "inactive") {
    where.push(and(eq(rd.schedulePaused, false), eq(rd.isActive, false)));
  }
  if (query.frequency) where.push(eq(rd.frequency, query.frequency));
  if (query.q) where.push(sql`${searchDocument} ILIKE ${likeContains(query.q)}`);
  return and(...where);
}

export type OverviewStrategy = "index-walk" | "sort-matches";

export function chooseStrategy(
  scope: InstanceScope,
  query: OverviewQuery,
  matching: number,
): OverviewStrategy {
  // Filters with an index of their own (instance, owner, search, status, state, frequency) can
  // fetch all their matches cheaply and sort them when there are few.
  const indexedFilter =
    scope.kind === "some" ||
    query.instance !== undefined ||
    query.owner !== undefined ||
    query.q !== undefined ||
    query.status.length > 0 ||
    query.state !== undefined ||
    query.frequency !== undefined;
  return indexedFilter && matching <= SORT_MATCHES_UP_TO ? "sort-matches" : "index-walk";
}

/**
 * The statements behind one overview page, unexecuted, so that the benchmark can EXPLAIN
 * exactly what the page runs. `scope` must come from instanceScope(viewer).
 */
export function overviewStatements(
  db: Database,
  viewerId: string,
  scope: InstanceScope,
  query: OverviewQuery,
  strategy: OverviewStrategy = "index-walk",
) {
  const where = filters(scope, query);
  const sortColumn = SORT_COLUMN[query.sort];
  const offset = (query.page - 1) * query.pageSize;

  // The page's ids first, from report_definitions alone; the joins and the favorite lookup
  // then run for those rows only, not for every row an OFFSET skips.
  let pageIds: SQLWrapper;
  if (strategy === "index-walk") {
    pageIds = db
      .select({ id: rd.id })
      .from(rd)
      .where(where)
      .orderBy(...orderBy(query, sortColumn, rd.id))
      .limit(query.pageSize)
      .offset(offset);
  } else {
    const matches = db
      .select({ id: rd.id, key: sortColumn })
      .from(rd)
      .where(where)
      .limit(NO_LIMIT)
      .as("matches");
    pageIds = db
      .select({ id: matches.id })
      .from(matches)
      .orderBy(...orderBy(query, matches.key, matches.id))
      .limit(query.pageSize)
      .offset(offset);
  }

  const page = db
    .select({
      reportUuid: rd.id,
      reportId: rd.reportId,
      name: rd.name,
      description: rd.description,
      instanceId: rd.instanceId,
      amcInstanceId: amcInstances.instanceId,
      instanceName: amcInstances.instanceName,
      instanceType: amcInstances.instanceType,
      ownerId: rd.ownerId,
      ownerEmail: users.email,
      ownerName: users.name,
      templateName: queryTemplates.name,
      reportType: queryTemplates.reportType,
      isActive: rd.isActive,
      frequency: rd.frequency,
      state: sql<ReportState>`CASE WHEN ${rd.schedulePaused} THEN 'paused' WHEN ${rd.isActive} THEN 'active' ELSE 'inactive' END`,
      latestStatus: rd.lastStatus,
      lastRunAt: rd.lastRunAt,
      lastCompletedAt: reportExecutions.completedAt,
      nextRunAt: rd.nextRunAt,
      executionCount: rd.executionCount,
      createdAt: rd.createdAt,
      updatedAt: rd.updatedAt,
      // Via the unique (dashboard_id, user_id) index, for the page's rows only.
      isFavorite: sql<boolean>`EXISTS (SELECT 1 FROM dashboard_favorites df WHERE df.dashboard_id = ${rd.dashboardId} AND df.user_id = ${viewerId})`,
      dashboardId: dashboards.dashboardId,
      scheduleId: reportSchedules.scheduleId,
      // For the page's rows only, each a bounded walk of idx_report_executions_report_created
      // (its order, so no sort): [completed, completed + failed] of the newest RECENT_RUNS runs.
      recent: sql<[number, number]>`(SELECT ARRAY[count(*) FILTER (WHERE recent.status = 'completed'), count(*) FILTER (WHERE recent.status IN ('completed', 'failed'))]::int[] FROM (SELECT e.status FROM report_executions e WHERE e.report_id = ${rd.id} ORDER BY e.created_at DESC NULLS FIRST LIMIT ${sql.raw(String(RECENT_RUNS))}) recent)`,
    })
    .from(rd)
    .leftJoin(queryTemplates, eq(queryTemplates.id, rd.templateId))
    .leftJoin(amcInstances, eq(amcInstances.id, rd.instanceId))
    .leftJoin(users, eq(users.id, rd.ownerId))
    .leftJoin(reportExecutions, eq(reportExecutions.id, rd.lastExecutionId))
    .leftJoin(dashboards, eq(dashboards.id, rd.dashboardId))
    // At most one: uq_report_schedules_one_active_per_report.
    .leftJoin(reportSchedules, and(eq(reportSchedules.reportId, rd.id), eq(reportSchedules.isActive, true)))
    .where(inArray(rd.id, pageIds))
    .orderBy(...orderBy(query, sortColumn, rd.id));
  const total = db.select({ total: count() }).from(rd).where(where);
  return { page, total };
}

/**
 * One page of the reports `user` may see (admins: all; members: their granted instances),
 * filtered, sorted and paginated in SQL, plus the number of matching reports. `strategy`
 * says how the page was fetched ("none": no page query was needed), for the benchmark.
 */
export async function listReportsOverview(
  db: Database,
  user: SessionUser,
  query: OverviewQuery,
): Promise<OverviewPage & { strategy: OverviewStrategy | "none" }> {
  const scope = await instanceScope(db, user);
  if (scope.kind === "some" && scope.instanceIds.length === 0) {
    return { rows: [], total: 0, strategy: "none" };
  }
  if (scope.kind === "all" && !hasActiveFilters(query)) {
    // Everything matches: walking the sort index is always right, and both can run at once.
    const { page, total } = overviewStatements(db, user.id, scope, query, "index-walk");
    const [rows, [counted]] = await Promise.all([page, total]);
    return { rows: rows.map(toRow), total: counted?.total ?? 0, strategy: "index-walk" };
  }
  // Filtered: the count first, since it tells whether there is a page and how to fetch it.
  const [counted] = await overviewStatements(db, user.id, scope, query).total;
  const total = counted?.total ?? 0;
  if (total === 0 || (query.page - 1) * query.pageSize >= total) {
    return { rows: [], total, strategy: "none" };
  }
  const strategy = chooseStrategy(scope, query, total);
  const rows = await overviewStatements(db, user.id, scope, query, strategy).page;
  return { rows: rows.map(toRow), total, strategy };
}

type PageRow = Awaited<ReturnType<typeof overviewStatements>["page"]>[number];

function toRow({ recent, ...row }: PageRow): OverviewRow {
  return { ...row, recentCompleted: recent?.[0] ?? 0, recentFinished: recent?.[1] ?? 0 };
}

export interface FilterOwner {
  id: string;
  name: string;
  email: string;
}

/**
 * People for the admins' owner filter, by name. Members get none: they filter by the instances
 * they were granted, and the list of every user is an admin's to see.
 */
export async function listOwnersForFilter(db: Database, user: SessionUser): Promise<FilterOwner[]> {
  if (user.role !== "admin") return [];
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .orderBy(asc(users.name), asc(users.email));
}

export interface FilterInstance {
  id: string;
  instanceId: string;
  instanceName: string;
}

/** Instances for the overview's instance filter: the ones `user` may see, by name. */
export async function listInstancesForFilter(
  db: Database,
  user: SessionUser,
): Promise<FilterInstance[]> {
  const columns = {
    id: amcInstances.id,
    instanceId: amcInstances.instanceId,
    instanceName: amcInstances.instanceName,
  };
  const order = [asc(amcInstances.instanceName), asc(amcInstances.instanceId)];
  if (user.role === "admin") {
    return db.select(columns).from(amcInstances).orderBy(...order);
  }
  return db
    .select(columns)
    .from(amcInstances)
    .innerJoin(
      userInstanceAccess,
      and(eq(userInstanceAccess.instanceId, amcInstances.id), eq(userInstanceAccess.userId, user.id)),
    )
    .orderBy(...order);
}
