import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboardFavorites } from "../../db/schema";
import { visibleDashboardUuid } from "../../db/queries/dashboards";
import type { SessionUser } from "../../db/queries/access";
import { AppError, notFound } from "../errors";
import { apiError } from "../http/api-error";

/** Stars a dashboard for the viewer: one favorite per (dashboard, user); a second is a conflict. */
export async function addFavorite(db: Database, user: SessionUser, dashboardId: string): Promise<void> {
  const id = await visibleDashboardUuid(db, user, dashboardId);
  if (!id) throw notFound("Dashboard");
  const inserted = await db
    .insert(dashboardFavorites)
    .values({ dashboardId: id, userId: user.id })
    .onConflictDoNothing({ target: [dashboardFavorites.dashboardId, dashboardFavorites.userId] })
    .returning({ id: dashboardFavorites.id });
  if (inserted.length === 0) throw new AppError("CONFLICT", "This dashboard is already in your favorites.");
}

/** Un-stars a dashboard for the viewer (idempotent: removing an absent favorite is fine). */
export async function removeFavorite(db: Database, user: SessionUser, dashboardId: string): Promise<void> {
  const id = await visibleDashboardUuid(db, user, dashboardId);
  if (!id) throw notFound("Dashboard");
  await db.delete(dashboardFavorites).where(and(eq(dashboardFavorites.dashboardId, id), eq(dashboardFavorites.userId, user.id)));
}

/** POST → 201, DELETE → 204; 409 already favorited; 404 not visible. */
export async function favoriteResponse(db: Database, user: SessionUser | null, dashboardId: string, method: "POST" | "DELETE"): Promise<Response> {
  if (!user) return apiError("UNAUTHENTICATED", "Sign in to manage favorites.");
  try {
    if (method === "POST") {
      await addFavorite(db, user, dashboardId);
      return Response.json({ dashboard_id: dashboardId, is_favorite: true }, { status: 201 });
    }
    await removeFavorite(db, user, dashboardId);
    return new Response(null, { status: 204 });
  } catch (e) {
    if (e instanceof AppError) return apiError(e.code, e.message);
    throw e;
  }
}
