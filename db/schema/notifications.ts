import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { parentRef, tsz, uuidPk } from "./common";
import { reportDefinitions } from "./reports";
import { userRef, users } from "./users";

/** What a user can be told about (product.md §3.8). */
export const NOTIFICATION_EVENTS = ["run_failed", "schedule_paused", "backfill_finished", "connection_reauth", "run_completed"] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/**
 * Where a notification's email stands: `none` (not wanted: email off or the event muted for
 * email), `pending` (owed; the delivery phase decides), `held` (part of a failure storm, waits
 * for the user's daily digest), `queued` (its mail is in mail_outbox).
 */
export const NOTIFICATION_EMAIL_STATES = ["none", "pending", "held", "queued"] as const;
export type NotificationEmailState = (typeof NOTIFICATION_EMAIL_STATES)[number];

export const MAIL_STATUSES = ["pending", "sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * One row per (user, event): written in the same transaction as the change it reports
 * (lib/notifications/record.ts), with `event_key` naming the event (`run_failed:exec_…`), so
 * a repeated or concurrent write of one event is one row (ON CONFLICT DO NOTHING).
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuidPk(),
    userId: parentRef("user_id", () => users.id),
    eventType: text("event_type").$type<NotificationEvent>().notNull(),
    eventKey: text("event_key").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** An app path (`/reports/rpt_…`), never an absolute URL: mails prefix APP_URL. */
    link: text("link"),
    emailStatus: text("email_status").$type<NotificationEmailState>().notNull().default("none"),
    readAt: tsz("read_at"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    unique("uq_notifications_user_event").on(t.userId, t.eventKey),
    check("notifications_event_type_check", sql`${t.eventType} IN (${inList(NOTIFICATION_EVENTS)})`),
    check("notifications_email_status_check", sql`${t.emailStatus} IN (${inList(NOTIFICATION_EMAIL_STATES)})`),
    // The page and the bell: a user's newest first; unread count from the partial index.
    index("idx_notifications_user_created").on(t.userId, t.createdAt.desc(), t.id.desc()),
    index("idx_notifications_unread").on(t.userId).where(sql`read_at IS NULL`),
    // The delivery phase's queue: small partial indexes, however many notifications exist.
    index("idx_notifications_email_pending").on(t.createdAt).where(sql`email_status = 'pending'`),
    index("idx_notifications_email_held").on(t.userId, t.createdAt).where(sql`email_status = 'held'`),
  ],
);

/** Per user; no row means the defaults (every event, email on). */
export const notificationPreferences = pgTable("notification_preferences", {
  userId: parentRef("user_id", () => users.id).primaryKey(),
  /** Events the user does not want at all (muted rather than subscribed: new events start on). */
  mutedEvents: text("muted_events").array().$type<NotificationEvent[]>().notNull().default(sql`'{}'::text[]`),
  email: boolean("email").notNull().default(true),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().default(sql`now()`),
});

/** "Tell me when a scheduled run of this report completes": opt-in per user and report. */
export const notificationReportOptins = pgTable(
  "notification_report_optins",
  {
    userId: parentRef("user_id", () => users.id),
    reportId: parentRef("report_id", () => reportDefinitions.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ name: "notification_report_optins_pkey", columns: [t.userId, t.reportId] }),
    index("idx_notification_report_optins_report").on(t.reportId),
  ],
);

/**
 * Mails to send. `mail_key` (a notification's id, or `digest:<user>:<day>`) makes a mail exist
 * once; the sender claims rows with SKIP LOCKED and marks them sent in the same transaction.
 * With no SMTP configured rows stay `pending` here (Settings → Outbox), so nothing is lost.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuidPk(),
    mailKey: text("mail_key").notNull().unique("mail_outbox_mail_key_key"),
    userId: userRef("user_id"),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    status: text("status").$type<MailStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().default(sql`now()`),
    sentAt: tsz("sent_at"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    check("mail_outbox_status_check", sql`${t.status} IN (${inList(MAIL_STATUSES)})`),
    index("idx_mail_outbox_due").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("idx_mail_outbox_created").on(t.createdAt.desc()),
    index("idx_mail_outbox_user").on(t.userId),
  ],
);

/**
 * Last seen state of things whose changes are events but whose writers are many (an Amazon
 * connection turns `needs_reauthorization` in four places): the delivery phase upserts the
 * current state and a changed row is the event, once, in the same transaction.
 */
export const notificationWatches = pgTable("notification_watches", {
  subject: text("subject").primaryKey(),
  state: text("state").notNull(),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
});
