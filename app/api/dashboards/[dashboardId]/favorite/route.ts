import { z } from "zod";
import { addFavorite, removeFavorite } from "@/lib/dashboards/favorites";
import { route } from "@/lib/http/route";
import { dashboardIdSchema } from "@/lib/ids";

const config = { unauthenticated: "Sign in to manage favorites.", params: z.object({ dashboardId: dashboardIdSchema }) };

/** 201 favorited; 409 already a favorite; 404 not visible. */
export const POST = route(config, async ({ db, user, params }) => {
  await addFavorite(db, user, params.dashboardId);
  return Response.json({ dashboard_id: params.dashboardId, is_favorite: true }, { status: 201 });
});

/** 204 (also when it was not a favorite); 404 not visible. */
export const DELETE = route(config, async ({ db, user, params }) => {
  await removeFavorite(db, user, params.dashboardId);
  return new Response(null, { status: 204 });
});
