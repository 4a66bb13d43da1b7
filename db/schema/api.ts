import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { parentRef, tsz, uuidPk } from "./common";
import { users } from "./users";

export const API_TOKEN_SCOPES = ["read", "write"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * Personal API tokens (API v1). Only the SHA-256 of the token is stored: the token itself is
 * shown once, and a leaked table gives nobody a usable credential. A token acts as its user and
 * goes with them (ON DELETE CASCADE); revoked tokens stay as rows so the list shows them.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuidPk(),
    userId: parentRef("user_id", () => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique("api_tokens_token_hash_key"),
    scope: text("scope").$type<ApiTokenScope>().notNull().default("read"),
    expiresAt: tsz("expires_at"),
    lastUsedAt: tsz("last_used_at"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
    revokedAt: tsz("revoked_at"),
  },
  (t) => [
    index("idx_api_tokens_user").on(t.userId, t.createdAt),
    check("api_tokens_scope_check", sql`${t.scope} IN ('read', 'write')`),
  ],
);

/**
 * `Idempotency-Key` of API creates: the first answer per (user, endpoint, key), replayed for a
 * retried request. `request_hash` tells a retry from a different request reusing the key.
 */
export const apiIdempotencyKeys = pgTable(
  "api_idempotency_keys",
  {
    id: uuidPk(),
    userId: parentRef("user_id", () => users.id),
    endpoint: text("endpoint").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    response: jsonb("response").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [unique("uq_api_idempotency_keys_user_endpoint_key").on(t.userId, t.endpoint, t.key)],
);
