import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { favoriteResponse } from "@/lib/dashboards/favorites";

type Ctx = { params: Promise<{ dashboardId: string }> };

/** 201 favorited; 409 already a favorite; 404 not visible. */
export async function POST(_req: Request, { params }: Ctx) {
  return favoriteResponse(getDb(), await currentUser(), (await params).dashboardId, "POST");
}

/** 204 (also when it was not a favorite); 404 not visible. */
export async function DELETE(_req: Request, { params }: Ctx) {
  return favoriteResponse(getDb(), await currentUser(), (await params).dashboardId, "DELETE");
}
