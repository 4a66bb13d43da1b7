import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Rate-limit counters (product.md §3.7), shared by every app server. One row per (limit, key,
 * fixed window): lib/limits/consume.ts increments it with a single conditional upsert, so
 * concurrent requests serialize on the row and the count never passes the limit. The same
 * statement deletes the key's ended windows, so the table holds about one row per key and limit.
 */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    /** The limit's name, e.g. `run_now`, `export_day`. */
    name: text("name").notNull(),
    /** Whose budget: a user's or an instance's uuid. */
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ name: "rate_limit_counters_pkey", columns: [t.name, t.key, t.windowStart] }),
    check("rate_limit_counters_count_check", sql`${t.count} >= 0`),
  ],
);
