import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboardFavorites } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { dashboardForUserOrThrow } from "../auth/guards";
import { AppError } from "../errors";

/** Stars a dashboard for the viewer: one favorite per (dashboard, user); a second is a conflict. */
export async function addFavorite(db: Database, user: SessionUser, dashboardId: string): Promise<void> {
  const { dashboard } = await dashboardForUserOrThrow(db, user, dashboardId);
  const inserted = await db
    .insert(dashboardFavorites)
    .values({ dashboardId: dashboard.id, userId: user.id })
    .onConflictDoNothing({ target: [dashboardFavorites.dashboardId, dashboardFavorites.userId] })
    .returning({ id: dashboardFavorites.id });
  if (inserted.length === 0) throw new AppError("CONFLICT", "This dashboard is already in your favorites.");
}

/** Un-stars a dashboard for the viewer (idempotent: removing an absent favorite is fine). */
export async function removeFavorite(db: Database, user: SessionUser, dashboardId: string): Promise<void> {
  const { dashboard } = await dashboardForUserOrThrow(db, user, dashboardId);
  await db.delete(dashboardFavorites).where(and(eq(dashboardFavorites.dashboardId, dashboard.id), eq(dashboardFavorites.userId, user.id)));
}
