import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { tsDefaultNow, uuidPk } from "./common";
import { userRef } from "./users";

/**
 * Who did what to which row, and when (issue 15 item 6). Append-only: rows are written by
 * lib/audit/record.ts in the same transaction as the change they describe and never updated,
 * except that deleting a user nulls `actor_user_id` (ON DELETE SET NULL); `actor_email` is a
 * copy taken at the time so the entry still names who it was. `instance_id` has no foreign
 * key on purpose: the log is history and keeps naming an instance after it is deleted.
 * `details` holds ids, names and counts only, never secrets or parameter values (see
 * lib/audit/record.ts for what may go in and what is stripped).
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuidPk(),
    occurredAt: tsDefaultNow("occurred_at").notNull(),
    actorUserId: userRef("actor_user_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    instanceId: uuid("instance_id"),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    // `report.create`, `access.grant`: the filter's vocabulary, kept to one shape.
    check("audit_log_action_check", sql`${t.action} ~ '^[a-z_]+\\.[a-z_]+$'`),
    // The page: newest first, every filter an index walk that stops after one page
    // (id breaks ties between entries of one transaction, which share occurred_at).
    index("idx_audit_log_occurred").on(t.occurredAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("idx_audit_log_actor_email").on(t.actorEmail, t.occurredAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("idx_audit_log_action").on(t.action, t.occurredAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("idx_audit_log_target").on(t.targetType, t.occurredAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // For ON DELETE SET NULL: deleting a user must not scan the whole log.
    index("idx_audit_log_actor_user").on(t.actorUserId),
  ],
);
