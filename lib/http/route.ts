import "server-only";
import { getDb } from "../../db/client";
import { currentUser } from "../auth/session";
import { createRouteWrapper } from "./handler";

/**
 * The app's route wrapper: the caller is the signed-in session (API tokens join here), the
 * database is the process pool, the clock is the wall clock. See ./handler.ts for what it does.
 */
export const route = createRouteWrapper({
  caller: () => currentUser(),
  db: getDb,
  now: () => new Date(),
  extraOrigins: () => {
    const app = process.env.APP_URL?.trim();
    if (!app) return [];
    try {
      return [new URL(app).origin];
    } catch {
      return [];
    }
  },
});
