import { addFavoriteEndpoint, apiAddFavorite, apiRemoveFavorite, removeFavoriteEndpoint } from "@/lib/api/dashboards";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(addFavoriteEndpoint), async ({ db, user, params }) => Response.json(await apiAddFavorite(db, user, params.dashboardId), { status: 201 }));

export const DELETE = route(v1(removeFavoriteEndpoint), async ({ db, user, params }) => {
  await apiRemoveFavorite(db, user, params.dashboardId);
  return new Response(null, { status: 204 });
});
