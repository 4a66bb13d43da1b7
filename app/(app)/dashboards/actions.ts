"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, fromForm } from "@/lib/actions/action";
import { dashboardForUserOrThrow } from "@/lib/auth/guards";
import { AppError, notFound, parseInput } from "@/lib/errors";
import { dashboardIdSchema } from "@/lib/ids";
import { addFavorite, removeFavorite } from "@/lib/dashboards/favorites";
import { addWidget, removeWidget, updateWidget, widgetInputSchema } from "@/lib/dashboards/widgets";

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

/** The dashboard's uuid, through the one guard (404 when not visible). */
const dashboardOf = async (...args: Parameters<typeof dashboardForUserOrThrow>) => (await dashboardForUserOrThrow(...args)).dashboard.id;

// Two steps: the form's strings normalized (blank → absent), then the widget's own schema.
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
