import "server-only";
import { notFound, redirect } from "next/navigation";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { AppError } from "../errors";
import { auth } from "./config";
import type { SessionUser } from "../../db/queries/access";

/**
 * The signed-in user, fresh from the database, or null. auth() has already refused an ended
 * session (a deleted user, a stale session version, a signed-out session id) in the jwt callback;
 * this reads the row the caller acts as.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const [user] = await getDb()
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user ?? null;
}

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return user;
}

/**
 * For pages: a guard's row, or Next's 404 page when the guard says NOT_FOUND (a malformed, missing
 * or foreign id look the same). Other errors go to the error boundary as usual.
 */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}
