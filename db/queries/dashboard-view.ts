import { eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { amcInstances, dashboards, reportDefinitions } from "../schema";
import { canAccessInstance, type SessionUser } from "./access";

// Not marked server-only: the guards (lib/auth/guards.ts) load dashboards through it, and the
// guards run in scripts too (demo seeding), outside Next's react-server condition.

/**
 * Read models for the dashboards pages. A dashboard is visible when the viewer may see its
 * instance (admins: all; a dashboard without an instance: admins only). Lookups answer null for
 * "missing" and "not yours" alike, so a foreign id reveals nothing.
 */
export async function getDashboardForUser(db: Database, user: SessionUser, dashboardId: string) {
  const [row] = await db
    .select({
      dashboard: dashboards,
      reportUuid: reportDefinitions.id,
      reportId: reportDefinitions.reportId,
      reportName: reportDefinitions.name,
      reportTimezone: reportDefinitions.timezone,
      instanceName: amcInstances.instanceName,
      amcInstanceId: amcInstances.instanceId,
      isFavorite: sql<boolean>`EXISTS (SELECT 1 FROM dashboard_favorites df WHERE df.dashboard_id = ${dashboards.id} AND df.user_id = ${user.id})`,
    })
    .from(dashboards)
    .leftJoin(reportDefinitions, eq(reportDefinitions.dashboardId, dashboards.id))
    .leftJoin(amcInstances, eq(amcInstances.id, dashboards.instanceId))
    .where(eq(dashboards.dashboardId, dashboardId))
    .limit(1);
  if (!row) return null;
  if (!(await canSeeInstance(db, user, row.dashboard.instanceId))) return null;
  return row;
}
export type DashboardView = NonNullable<Awaited<ReturnType<typeof getDashboardForUser>>>;

export async function canSeeInstance(db: Database, user: SessionUser, instanceUuid: string | null) {
  if (user.role === "admin") return true;
  return instanceUuid !== null && (await canAccessInstance(db, user, instanceUuid));
}
