import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { tsz } from "./common";

/**
 * Sign-in guessing budgets, one row per key ("acct-ip:<email>|<address>", "ip:<address>",
 * "acct:<email>", "device:<id>"): failures counted in a fixed window that starts with the first
 * failure. In PostgreSQL, row-locked per key, so every app server spends the same budget and
 * parallel guesses cannot slip past a check.
 */
export const signInThrottle = pgTable(
  "sign_in_throttle",
  {
    key: text("key").primaryKey(),
    windowStartedAt: tsz("window_started_at").notNull(),
    failures: integer("failures").notNull().default(0),
  },
  (t) => [index("idx_sign_in_throttle_window").on(t.windowStartedAt)],
);

/**
 * Sessions signed out one by one (the JWT's `sid`). A row only has to outlive the longest a
 * signed-out token could still be presented (the session max age), then it is cleaned away.
 */
export const endedSessions = pgTable(
  "ended_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    endedAt: tsz("ended_at").notNull(),
  },
  (t) => [index("idx_ended_sessions_ended_at").on(t.endedAt)],
);
