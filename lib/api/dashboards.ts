import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { listDashboards } from "../../db/queries/dashboards";
import { addFavorite, removeFavorite } from "../dashboards/favorites";
import { dashboardIdSchema, reportIdSchema } from "../ids";
import { endpoints, instanceIdFilter, isoOrNull, isoTime, pick } from "./endpoint";

/** API v1: dashboards (list) and the viewer's favorites. */

const dashboardsEndpoint = endpoints("Dashboards");

export const dashboardSchema = z
  .strictObject({
    dashboardId: z.string(),
    name: z.string(),
    reportId: z.string().nullable(),
    instanceId: z.string().nullable(),
    dataStart: isoTime.nullable(),
    dataEnd: isoTime.nullable(),
    lastUpdated: isoTime.nullable(),
    isFavorite: z.boolean(),
  })
  .meta({ id: "Dashboard" });

export const listDashboardsEndpoint = dashboardsEndpoint("GET /api/v1/dashboards", {
  summary: "List dashboards, favorites first",
  query: z.strictObject({
    reportId: reportIdSchema.optional(),
    instanceId: instanceIdFilter.optional(),
  }),
  responses: { 200: z.strictObject({ dashboards: z.array(dashboardSchema), total: z.number().int() }) },
  errors: [],
});

const favoriteParams = z.strictObject({ dashboardId: dashboardIdSchema });

export const addFavoriteEndpoint = dashboardsEndpoint("POST /api/v1/dashboards/{dashboardId}/favorite", {
  summary: "Star a dashboard (409 when it already is)",
  params: favoriteParams,
  responses: { 201: z.strictObject({ dashboardId: z.string(), isFavorite: z.literal(true) }).meta({ id: "Favorite" }) },
  errors: [404, 409],
});

export const removeFavoriteEndpoint = dashboardsEndpoint("DELETE /api/v1/dashboards/{dashboardId}/favorite", {
  summary: "Unstar a dashboard",
  params: favoriteParams,
  responses: { 204: null },
  errors: [404],
});

export async function apiListDashboards(db: Database, user: SessionUser, q: { reportId?: string; instanceId?: string }) {
  const rows = await listDashboards(db, user, { reportId: q.reportId, instanceId: q.instanceId });
  return {
    dashboards: rows.map((r) => ({
      ...pick(r, ["dashboardId", "name", "reportId"]),
      instanceId: r.amcInstanceId,
      dataStart: isoOrNull(r.dataStart),
      dataEnd: isoOrNull(r.dataEnd),
      lastUpdated: isoOrNull(r.lastUpdated),
      isFavorite: r.isFavorite,
    })),
    total: rows.length,
  };
}

export async function apiAddFavorite(db: Database, user: SessionUser, dashboardId: string) {
  await addFavorite(db, user, dashboardId);
  return { dashboardId, isFavorite: true as const };
}

export async function apiRemoveFavorite(db: Database, user: SessionUser, dashboardId: string) {
  await removeFavorite(db, user, dashboardId);
}
