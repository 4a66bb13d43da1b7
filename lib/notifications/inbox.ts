import { and, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { instanceScope, type SessionUser } from "../../db/queries/access";
import { mailOutbox, NOTIFICATION_EVENTS, notificationPreferences, notificationReportOptins, notifications, reportDefinitions, reportSchedules, type NotificationEvent } from "../../db/schema";
import { reportForUserOrThrow } from "../auth/guards";
import { AppError } from "../errors";

/**
 * What users do with their notifications: read the list, mark read, choose what they are told
 * and whether by mail, opt in to "scheduled run completed" per report; admins read the outbox.
 * Every function acts on the caller's own rows only (a foreign id is simply not matched).
 */

export const EVENT_LABELS: Record<NotificationEvent, string> = {
  run_failed: "A scheduled run failed",
  schedule_paused: "A schedule paused itself",
  backfill_finished: "A backfill finished",
  connection_reauth: "An Amazon connection needs re-authorization (admins)",
  run_completed: "A scheduled run completed (for the reports you opt in below)",
};

export type NotificationItem = typeof notifications.$inferSelect;

export async function listNotifications(db: Database, user: SessionUser, opts: { limit?: number } = {}): Promise<NotificationItem[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, user.id))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit ?? 100);
}

export async function unreadCount(db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export const markReadSchema = z.strictObject({ id: z.uuid("Not a notification.").optional(), all: z.literal("1").optional() });

/** One notification (`id`) or all of the caller's (`all`) become read; returns how many changed. */
export async function markRead(db: Database, user: SessionUser, input: z.output<typeof markReadSchema>, now: Date): Promise<number> {
  if (!input.id && !input.all) throw new AppError("VALIDATION_ERROR", "Say which notification to mark read.");
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, user.id), isNull(notifications.readAt), input.id ? eq(notifications.id, input.id) : undefined))
    .returning({ id: notifications.id });
  return rows.length;
}

export interface Preferences {
  mutedEvents: NotificationEvent[];
  email: boolean;
}

export async function getPreferences(db: Database, userId: string): Promise<Preferences> {
  const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  return { mutedEvents: row?.mutedEvents ?? [], email: row?.email ?? true };
}

const eventSchema = z.enum(NOTIFICATION_EVENTS);

/** From the preferences form: checked events arrive as `events` (one or many), email as "on". */
export const preferencesSchema = z.strictObject({
  events: z.union([eventSchema, z.array(eventSchema)]).optional(),
  email: z.literal("on").optional(),
});

export async function savePreferences(db: Database, user: SessionUser, input: z.output<typeof preferencesSchema>, now: Date): Promise<Preferences> {
  const wanted = new Set(input.events === undefined ? [] : Array.isArray(input.events) ? input.events : [input.events]);
  const prefs: Preferences = { mutedEvents: NOTIFICATION_EVENTS.filter((e) => !wanted.has(e)), email: input.email === "on" };
  await db
    .insert(notificationPreferences)
    .values({ userId: user.id, ...prefs, updatedAt: now })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set: { ...prefs, updatedAt: now } });
  return prefs;
}

export interface OptinReport {
  reportId: string;
  name: string;
  optedIn: boolean;
}

/** Reports with a schedule that the user can see, and whether they opted in to completions. */
export async function scheduledReportsWithOptins(db: Database, user: SessionUser): Promise<OptinReport[]> {
  const scope = await instanceScope(db, user);
  if (scope.kind === "some" && scope.instanceIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ id: reportDefinitions.id, reportId: reportDefinitions.reportId, name: reportDefinitions.name, optin: notificationReportOptins.userId })
    .from(reportDefinitions)
    .innerJoin(reportSchedules, eq(reportSchedules.reportId, reportDefinitions.id))
    .leftJoin(notificationReportOptins, and(eq(notificationReportOptins.reportId, reportDefinitions.id), eq(notificationReportOptins.userId, user.id)))
    .where(scope.kind === "all" ? undefined : inArray(reportDefinitions.instanceId, scope.instanceIds))
    .orderBy(reportDefinitions.name)
    .limit(500);
  return rows.map((r) => ({ reportId: r.reportId, name: r.name, optedIn: r.optin !== null }));
}

export const optinSchema = z.strictObject({ reportId: z.string().regex(/^rpt_[0-9a-z]+$/, "Not a report id."), on: z.enum(["1", "0"]) });

/** Opt in to (or out of) "scheduled run completed" for one report the user can see. */
export async function setReportOptin(db: Database, user: SessionUser, input: z.output<typeof optinSchema>): Promise<{ optedIn: boolean }> {
  const report = await reportForUserOrThrow(db, user, input.reportId);
  if (input.on === "1") {
    await db.insert(notificationReportOptins).values({ userId: user.id, reportId: report.id }).onConflictDoNothing();
    return { optedIn: true };
  }
  await db.delete(notificationReportOptins).where(and(eq(notificationReportOptins.userId, user.id), eq(notificationReportOptins.reportId, report.id)));
  return { optedIn: false };
}

export type OutboxMail = typeof mailOutbox.$inferSelect;

/** The outbox, newest first: admins only (mails hold other users' addresses and reports). */
export async function listOutbox(db: Database, user: SessionUser, opts: { limit?: number } = {}): Promise<{ mails: OutboxMail[]; counts: Record<string, number> }> {
  if (user.role !== "admin") throw new AppError("FORBIDDEN", "Only admins can read the mail outbox.");
  const mails = await db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id)).limit(opts.limit ?? 200);
  const byStatus = await db.select({ status: mailOutbox.status, n: sql<number>`count(*)::int` }).from(mailOutbox).groupBy(mailOutbox.status);
  return { mails, counts: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])) };
}
