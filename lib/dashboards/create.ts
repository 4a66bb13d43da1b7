import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboardWidgets, dashboards, queryTemplates, reportDefinitions, reportExecutions, type WidgetType } from "../../db/schema";
import { newDashboardId } from "../ids";
import { readReportConfig, type Widget } from "../templates/config";
import { warmWidgetRollups } from "./widget-data";

/** The widget types a dashboard renders natively; the template's others fall back to a table. */
export const RENDERED_WIDGET_TYPES = ["line", "bar", "area", "pie", "table", "metric_card", "funnel"] as const satisfies readonly WidgetType[];
export type RenderedWidgetType = (typeof RENDERED_WIDGET_TYPES)[number];

/** What a widget stores in dashboard_widgets.config: the result columns it is bound to. */
export interface WidgetConfig {
  x?: string;
  y?: string[];
  series?: string;
  aggregate?: "sum" | "avg" | "max" | "ratio";
  format?: "number" | "currency" | "percent";
}

export function widgetFromTemplate(w: Widget, position: number) {
  const type: RenderedWidgetType = (RENDERED_WIDGET_TYPES as readonly string[]).includes(w.type) ? (w.type as RenderedWidgetType) : "table";
  const config: WidgetConfig = {};
  if (w.x) config.x = w.x;
  if (w.y?.length) config.y = [...w.y];
  if (w.series) config.series = w.series;
  if (w.aggregate) config.aggregate = w.aggregate;
  if (w.format) config.format = w.format;
  return { widgetType: type, title: w.title ?? `${type} ${position + 1}`, config: config as Record<string, unknown>, position };
}

/**
 * The report's dashboard, created from its template's `report_config` the first time it is
 * needed. Idempotent and race-safe: the report row is locked (FOR UPDATE) while its
 * dashboard_id is read and set, so two concurrent callers create exactly one dashboard.
 * Returns the dashboard's uuid, or null when the report does not exist.
 */
export async function ensureReportDashboard(db: Database, reportUuid: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [report] = await tx
      .select({
        id: reportDefinitions.id,
        name: reportDefinitions.name,
        description: reportDefinitions.description,
        dashboardId: reportDefinitions.dashboardId,
        instanceId: reportDefinitions.instanceId,
        ownerId: reportDefinitions.ownerId,
        templateId: reportDefinitions.templateId,
      })
      .from(reportDefinitions)
      .where(eq(reportDefinitions.id, reportUuid))
      .for("update");
    if (!report) return null;
    if (report.dashboardId) return report.dashboardId;

    let widgets: Widget[] = [];
    if (report.templateId) {
      const [tpl] = await tx.select({ reportConfig: queryTemplates.reportConfig }).from(queryTemplates).where(eq(queryTemplates.id, report.templateId));
      widgets = readReportConfig(tpl?.reportConfig)?.widgets ?? [];
    }
    if (widgets.length === 0) widgets = [{ type: "table", title: "Result" }];

    const [dash] = await tx
      .insert(dashboards)
      .values({
        dashboardId: newDashboardId(),
        name: report.name,
        description: report.description,
        ownerId: report.ownerId,
        instanceId: report.instanceId,
      })
      .returning({ id: dashboards.id });
    await tx.insert(dashboardWidgets).values(widgets.map((w, i) => ({ dashboardId: dash!.id, ...widgetFromTemplate(w, i) })));
    await tx.update(reportDefinitions).set({ dashboardId: dash!.id }).where(eq(reportDefinitions.id, report.id));
    return dash!.id;
  });
}

/**
 * Hook for the engine: call after an execution is marked completed (outside or inside its
 * transaction). Creates the report's dashboard on its first completed run; a no-op otherwise.
 */
export async function onExecutionCompleted(db: Database, executionUuid: string): Promise<string | null> {
  const [run] = await db
    .select({ reportId: reportExecutions.reportId, status: reportExecutions.status, dashboardId: reportDefinitions.dashboardId })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .where(eq(reportExecutions.id, executionUuid));
  if (!run?.reportId || run.status !== "completed") return null;
  const dashboardUuid = run.dashboardId ?? (await ensureReportDashboard(db, run.reportId));
  // The first view after this run then reads rollups, not rows (the clock only marks provisional windows).
  if (dashboardUuid) await warmWidgetRollups(db, dashboardUuid, run.reportId, executionUuid, new Date());
  return dashboardUuid;
}

/** True when the report has at least one completed execution with a stored result. */
export async function hasCompletedResult(db: Database, reportUuid: string): Promise<boolean> {
  const rows = await db.execute<{ one: number }>(sql`
    SELECT 1 AS one FROM execution_results er JOIN report_executions e ON e.id = er.execution_id
    WHERE er.report_id = ${reportUuid} AND e.status = 'completed' LIMIT 1`);
  return rows.length > 0;
}
