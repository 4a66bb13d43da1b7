import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { jsonObject, parentRef, seedFk, textKey, timestamps, tsDefaultNow, uuidPk } from "./common";
import { userRef, users } from "./users";
import { instanceRef } from "./amc";

export const WIDGET_TYPES = [
  "line",
  "bar",
  "area",
  "pie",
  "scatter",
  "table",
  "metric_card",
  "text",
  "heatmap",
  "funnel",
] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

export const dashboards = pgTable(
  "dashboards",
  {
    id: uuidPk(),
    dashboardId: textKey("dashboards", "dashboard_id"),
    name: text("name").notNull(),
    description: text("description"),
    ownerId: userRef("owner_id"),
    instanceId: instanceRef(),
    layout: jsonObject("layout"),
    ...timestamps(),
  },
  (t) => [index("idx_dashboards_instance").on(t.instanceId)],
);

export const dashboardWidgets = pgTable(
  "dashboard_widgets",
  {
    id: uuidPk(),
    dashboardId: parentRef("dashboard_id", () => dashboards.id),
    widgetType: text("widget_type").$type<WidgetType>().notNull(),
    title: text("title").notNull(),
    config: jsonObject("config"),
    position: integer("position").notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    index("idx_dashboard_widgets_dashboard").on(t.dashboardId, t.position),
    check(
      "dashboard_widgets_widget_type_check",
      sql.raw(`widget_type IN (${WIDGET_TYPES.map((w) => `'${w}'`).join(", ")})`),
    ),
  ],
);

/** Seed table, verbatim: one favorite per (dashboard, user). */
export const dashboardFavorites = pgTable(
  "dashboard_favorites",
  {
    id: uuidPk(),
    dashboardId: uuid("dashboard_id"),
    userId: uuid("user_id"),
    createdAt: tsDefaultNow("created_at"),
  },
  (t) => [
    seedFk("dashboard_favorites_dashboard_id_fkey", t.dashboardId, dashboards.id, "cascade"),
    seedFk("dashboard_favorites_user_id_fkey", t.userId, users.id, "cascade"),
    unique("dashboard_favorites_dashboard_id_user_id_key").on(t.dashboardId, t.userId),
    index("idx_dashboard_favorites_user").on(t.userId),
  ],
);
