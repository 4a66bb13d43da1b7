import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { dashboardWidgets, dashboards } from "../../db/schema";
import { RENDERED_WIDGET_TYPES, type WidgetConfig } from "./create";

const column = z.string().trim().min(1).max(200);

/** What a user may set on a widget: its type, title and the result columns it is bound to. */
export const widgetInputSchema = z.strictObject({
  widgetType: z.enum(RENDERED_WIDGET_TYPES),
  title: z.string().trim().min(1, "Give the widget a title.").max(200),
  x: column.optional(),
  y: z.array(column).max(12).optional(),
  series: column.optional(),
  aggregate: z.enum(["sum", "avg", "max", "ratio"]).optional(),
  format: z.enum(["number", "currency", "percent"]).optional(),
});
export type WidgetInput = z.infer<typeof widgetInputSchema>;

function configOf(input: WidgetInput): Record<string, unknown> {
  const c: WidgetConfig = {};
  if (input.x) c.x = input.x;
  if (input.y?.length) c.y = input.y;
  if (input.series) c.series = input.series;
  if (input.aggregate) c.aggregate = input.aggregate;
  if (input.format) c.format = input.format;
  return c as Record<string, unknown>;
}

const touch = (db: Database, dashboardUuid: string) =>
  db.update(dashboards).set({ updatedAt: sql`now()` }).where(eq(dashboards.id, dashboardUuid));

export async function addWidget(db: Database, dashboardUuid: string, input: WidgetInput) {
  const [row] = await db
    .insert(dashboardWidgets)
    .values({
      dashboardId: dashboardUuid,
      widgetType: input.widgetType,
      title: input.title,
      config: configOf(input),
      position: sql`(SELECT COALESCE(MAX(position), -1) + 1 FROM dashboard_widgets WHERE dashboard_id = ${dashboardUuid})`,
    })
    .returning({ id: dashboardWidgets.id });
  await touch(db, dashboardUuid);
  return row!.id;
}

/** Updates a widget of this dashboard; false when the widget is not on it. */
export async function updateWidget(db: Database, dashboardUuid: string, widgetUuid: string, input: WidgetInput): Promise<boolean> {
  const rows = await db
    .update(dashboardWidgets)
    .set({ widgetType: input.widgetType, title: input.title, config: configOf(input), updatedAt: sql`now()` })
    .where(and(eq(dashboardWidgets.id, widgetUuid), eq(dashboardWidgets.dashboardId, dashboardUuid)))
    .returning({ id: dashboardWidgets.id });
  if (rows.length) await touch(db, dashboardUuid);
  return rows.length > 0;
}

export async function removeWidget(db: Database, dashboardUuid: string, widgetUuid: string): Promise<boolean> {
  const rows = await db
    .delete(dashboardWidgets)
    .where(and(eq(dashboardWidgets.id, widgetUuid), eq(dashboardWidgets.dashboardId, dashboardUuid)))
    .returning({ id: dashboardWidgets.id });
  if (rows.length) await touch(db, dashboardUuid);
  return rows.length > 0;
}
