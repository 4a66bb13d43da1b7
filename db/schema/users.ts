import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { parentRef, textKey, timestamps, tsDefaultNow, uuidPk } from "./common";
import { amcInstances } from "./amc";

export const USER_ROLES = ["admin", "member"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const users = pgTable(
  "users",
  {
    id: uuidPk(),
    email: textKey("users", "email"),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role").$type<UserRole>().notNull().default("member"),
    ...timestamps(),
    // Copied into the session JWT at sign-in; a token whose copy differs is refused. Bumping it
    // ends every session of the user at once (sign out everywhere, password change or reset,
    // role change) without a session store: JWTs stay stateless, PostgreSQL is the coordinator.
    sessionVersion: integer("session_version").notNull().default(0),
  },
  (t) => [
    check("users_role_check", sql`${t.role} IN ('admin', 'member')`),
    // Emails are compared case-insensitively at sign-in; store them lower-cased.
    check("users_email_lowercase_check", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * A nullable reference to the user who owns or made a row, `ON DELETE SET NULL`: the row outlives
 * its author (reports, dashboards, templates keep working after a user is deleted).
 */
export const userRef = (name: string) => uuid(name).references(() => users.id, { onDelete: "set null" });

/** Which AMC instances a member may see and change. Admins implicitly see all. */
export const userInstanceAccess = pgTable(
  "user_instance_access",
  {
    userId: parentRef("user_id", () => users.id),
    instanceId: parentRef("instance_id", () => amcInstances.id),
    grantedBy: userRef("granted_by"),
    createdAt: tsDefaultNow("created_at"),
  },
  (t) => [
    primaryKey({ name: "user_instance_access_pkey", columns: [t.userId, t.instanceId] }),
    index("idx_user_instance_access_instance").on(t.instanceId),
  ],
);
