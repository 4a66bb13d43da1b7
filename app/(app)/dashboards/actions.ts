"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { visibleDashboardUuid } from "@/db/queries/dashboards";
import { action, fromForm } from "@/lib/actions/action";
import { AppError, notFound, parseInput } from "@/lib/errors";
import { addFavorite, removeFavorite } from "@/lib/dashboards/favorites";
import { addWidget, removeWidget, updateWidget, widgetInputSchema } from "@/lib/dashboards/widgets";

const dashboardIdSchema = z.string().regex(/^dash_[0-9a-z]+$/, "Not a dashboard id.");

/** Star / un-star for the viewer; starring an already starred dashboard is not an error here. */
export const setFavoriteAction = action(
  z.strictObject({ dashboardId: dashboardIdSchema, favorite: z.boolean() }),
  async (input, { db, user }) => {
    try {
      if (input.favorite) await addFavorite(db, user, input.dashboardId);
      else await removeFavorite(db, user, input.dashboardId);
    } catch (e) {
      if (!(e instanceof AppError && e.code === "CONFLICT")) throw e;
    }
    revalidatePath("/dashboards");
    revalidatePath(`/dashboards/${input.dashboardId}`);
    revalidatePath("/reports");
    return { favorite: input.favorite };
  },
);

const optional = z.string().optional();
const widgetForm = z
  .strictObject({
    dashboardId: z.string(),
    widgetId: optional,
    widgetType: z.string(),
    title: z.string(),
    x: optional,
    y: z.union([z.string(), z.array(z.string())]).optional(),
    series: optional,
    aggregate: optional,
    format: optional,
  })
  .transform((f) => {
    const blank = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
    const y = (Array.isArray(f.y) ? f.y : f.y ? [f.y] : []).filter((v) => v !== "");
    return {
      dashboardId: f.dashboardId,
      widgetId: blank(f.widgetId),
      widgetType: f.widgetType,
      title: f.title,
      x: blank(f.x),
      y: y.length ? y : undefined,
      series: blank(f.series),
      aggregate: blank(f.aggregate),
      format: blank(f.format),
    };
  });
const widgetSaveSchema = widgetInputSchema.extend({ dashboardId: dashboardIdSchema, widgetId: z.uuid().optional() });

async function dashboardOf(db: Parameters<typeof visibleDashboardUuid>[0], user: Parameters<typeof visibleDashboardUuid>[1], id: string) {
  const uuid = await visibleDashboardUuid(db, user, id);
  if (!uuid) throw notFound("Dashboard");
  return uuid;
}

export const saveWidgetAction = action(fromForm(widgetForm), async (raw, { db, user }) => {
  const input = parseInput(widgetSaveSchema, raw);
  const uuid = await dashboardOf(db, user, input.dashboardId);
  const { dashboardId, widgetId, ...fields } = input;
  if (widgetId) {
    if (!(await updateWidget(db, uuid, widgetId, fields))) throw notFound("Widget");
  } else {
    await addWidget(db, uuid, fields);
  }
  revalidatePath(`/dashboards/${dashboardId}`);
  return { saved: true };
});

export const removeWidgetAction = action(
  z.strictObject({ dashboardId: dashboardIdSchema, widgetId: z.uuid() }),
  async (input, { db, user }) => {
    const uuid = await dashboardOf(db, user, input.dashboardId);
    if (!(await removeWidget(db, uuid, input.widgetId))) throw notFound("Widget");
    revalidatePath(`/dashboards/${input.dashboardId}`);
    return { removed: true };
  },
);
