import "server-only";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import { amcInstances, dashboardWidgets, dashboards } from "../schema";
import { instanceScope, type SessionUser } from "./access";

/** Read models for the dashboards pages (one dashboard by id: ./dashboard-view.ts). */

export async function listWidgets(db: Database, dashboardUuid: string) {
  return db
    .select()
    .from(dashboardWidgets)
    .where(eq(dashboardWidgets.dashboardId, dashboardUuid))
    .orderBy(asc(dashboardWidgets.position), asc(dashboardWidgets.createdAt));
}

export const DASHBOARDS_LIMIT = 200;

export interface DashboardListItem {
  dashboardId: string;
  name: string;
  reportId: string | null;
  reportName: string | null;
  instanceName: string | null;
  amcInstanceId: string | null;
  dataStart: Date | null;
  dataEnd: Date | null;
  /** The report's zone, in which its windows' days are shown. */
  reportTimezone: string | null;
  lastUpdated: Date | null;
  isFavorite: boolean;
}

/** The viewer's dashboards: favorites first, then by name; optional instance / report filter. */
export async function listDashboards(
  db: Database,
  user: SessionUser,
  filter: { instanceId?: string | null; reportId?: string | null } = {},
): Promise<DashboardListItem[]> {
  const scope = await instanceScope(db, user);
  const where: SQL[] = [];
  if (scope.kind === "some") {
    if (scope.instanceIds.length === 0) return [];
    where.push(sql`d.instance_id IN (${sql.join(scope.instanceIds.map((i) => sql`${i}::uuid`), sql`, `)})`);
  }
  if (filter.instanceId) where.push(sql`ai.instance_id = ${filter.instanceId}`);
  if (filter.reportId) where.push(sql`rd.report_id = ${filter.reportId}`);
  const rows = await db.execute<{
    dashboard_id: string;
    name: string;
    report_id: string | null;
    report_name: string | null;
    instance_name: string | null;
    amc_instance_id: string | null;
    data_start: string | null;
    data_end: string | null;
    report_timezone: string | null;
    last_updated: string | null;
    is_favorite: boolean;
  }>(sql`
    SELECT d.dashboard_id, d.name, rd.report_id, rd.name AS report_name, ai.instance_name, ai.instance_id AS amc_instance_id,
           stats.data_start, stats.data_end, rd.timezone AS report_timezone, GREATEST(stats.last_completed, d.updated_at) AS last_updated,
           EXISTS (SELECT 1 FROM dashboard_favorites df WHERE df.dashboard_id = d.id AND df.user_id = ${user.id}) AS is_favorite
    FROM dashboards d
    LEFT JOIN report_definitions rd ON rd.dashboard_id = d.id
    LEFT JOIN amc_instances ai ON ai.id = d.instance_id
    LEFT JOIN LATERAL (
      SELECT min(er.window_start) AS data_start, max(er.window_end) AS data_end, max(er.created_at) AS last_completed
      FROM execution_results er WHERE er.report_id = rd.id
    ) stats ON TRUE
    ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
    ORDER BY is_favorite DESC, d.name, d.id
    LIMIT ${DASHBOARDS_LIMIT}`);
  const date = (v: string | null) => (v ? new Date(v) : null);
  return rows.map((r) => ({
    dashboardId: r.dashboard_id,
    name: r.name,
    reportId: r.report_id,
    reportName: r.report_name,
    instanceName: r.instance_name,
    amcInstanceId: r.amc_instance_id,
    dataStart: date(r.data_start),
    dataEnd: date(r.data_end),
    reportTimezone: r.report_timezone,
    lastUpdated: date(r.last_updated),
    isFavorite: r.is_favorite,
  }));
}

/** The viewer's instances that have dashboards, for the list's filter. */
export async function dashboardInstances(db: Database, user: SessionUser) {
  const scope = await instanceScope(db, user);
  const rows = await db
    .selectDistinct({ instanceId: amcInstances.instanceId, instanceName: amcInstances.instanceName, id: amcInstances.id })
    .from(dashboards)
    .innerJoin(amcInstances, eq(amcInstances.id, dashboards.instanceId))
    .where(and(sql`TRUE`))
    .orderBy(amcInstances.instanceName);
  return scope.kind === "all" ? rows : rows.filter((r) => scope.instanceIds.includes(r.id));
}

