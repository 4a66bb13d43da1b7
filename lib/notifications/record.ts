import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { NotificationEvent } from "../../db/schema";

/**
 * Recording events as notifications, in the transaction of the change they report (counting a
 * run into its schedule, a backfill's status turning final), so an event is recorded if and only
 * if the change commits. `event_key` names the event (`run_failed:exec_…`): a second write of one
 * event, by a retried or concurrent transaction, is the same row (ON CONFLICT DO NOTHING).
 *
 * Preferences are applied here, once: a muted event is not recorded for that user; with email
 * off the notification is in-app only (`email_status = 'none'`), else the delivery phase owes
 * it a mail (`pending`). Everything is set-based SQL: one statement per event type per batch.
 */

export interface NotificationRow {
  userId: string;
  eventKey: string;
  title: string;
  body: string;
  link: string | null;
}

/**
 * Inserts the notifications `events` selects — a query with columns (user_id, event_key, title,
 * body, link) — for the users who have not muted `type`. Returns how many were new.
 */
export async function recordNotifications(db: Database, type: NotificationEvent, events: SQL, now: Date): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`
    INSERT INTO notifications (user_id, event_type, event_key, title, body, link, email_status, created_at)
    SELECT ev.user_id, ${type}, ev.event_key, ev.title, ev.body, ev.link,
           CASE WHEN COALESCE(p.email, true) THEN 'pending' ELSE 'none' END,
           ${now.toISOString()}::timestamptz
      FROM (${events}) AS ev(user_id, event_key, title, body, link)
      LEFT JOIN notification_preferences p ON p.user_id = ev.user_id
     WHERE ev.user_id IS NOT NULL
       AND NOT (${type} = ANY (COALESCE(p.muted_events, '{}'::text[])))
    ON CONFLICT (user_id, event_key) DO NOTHING
    RETURNING id`);
  return [...rows].length;
}

const uuidArray = (ids: string[]) => sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;

const runLink = sql`'/reports/' || d.report_id || '/runs/' || e.execution_id`;

/** Scheduled runs that failed: told to the report's owner, with AMC's (or our) error. */
export async function notifyRunsFailed(db: Database, executionUuids: string[], now: Date): Promise<number> {
  if (executionUuids.length === 0) return 0;
  return recordNotifications(
    db,
    "run_failed",
    sql`
      SELECT d.owner_id, 'run_failed:' || e.execution_id,
             'Scheduled run failed: ' || d.name,
             'The scheduled run ' || e.execution_id || ' of ' || d.report_id || ' failed: '
               || COALESCE(NULLIF(trim(e.error_message), ''), 'no reason was given') || '.',
             ${runLink}
        FROM report_executions e JOIN report_definitions d ON d.id = e.report_id
       WHERE e.id = ANY (${uuidArray(executionUuids)})`,
    now,
  );
}

/**
 * Scheduled runs that completed, for the users who opted in for that report (and can still see
 * its instance: an opt-in outlives a revoked grant, the notification must not).
 */
export async function notifyRunsCompleted(db: Database, executionUuids: string[], now: Date): Promise<number> {
  if (executionUuids.length === 0) return 0;
  return recordNotifications(
    db,
    "run_completed",
    sql`
      SELECT o.user_id, 'run_completed:' || e.execution_id,
             'Scheduled run completed: ' || d.name,
             'The scheduled run ' || e.execution_id || ' of ' || d.report_id || ' completed with '
               || COALESCE(e.row_count, 0) || ' rows.',
             ${runLink}
        FROM report_executions e
        JOIN report_definitions d ON d.id = e.report_id
        JOIN notification_report_optins o ON o.report_id = d.id
        JOIN users u ON u.id = o.user_id
       WHERE e.id = ANY (${uuidArray(executionUuids)})
         AND (u.role = 'admin' OR EXISTS (
               SELECT 1 FROM user_instance_access a WHERE a.user_id = u.id AND a.instance_id = d.instance_id))`,
    now,
  );
}

/** A schedule that paused itself: the owner, with the reason (AMC's error and the count). */
export async function notifySchedulesPaused(db: Database, paused: { scheduleUuid: string; reason: string }[], now: Date): Promise<number> {
  if (paused.length === 0) return 0;
  // Keyed by the pause's instant as well: a schedule resumed and paused again is a new event.
  return recordNotifications(
    db,
    "schedule_paused",
    sql`
      SELECT d.owner_id, 'schedule_paused:' || s.schedule_id || ':' || ${now.toISOString()},
             'Schedule paused: ' || d.name,
             'The schedule ' || s.schedule_id || ' of ' || d.report_id || ' paused itself: ' || v.reason,
             '/reports/' || d.report_id
        FROM (VALUES ${sql.join(paused.map((p) => sql`(${p.scheduleUuid}::uuid, ${p.reason}::text)`), sql`, `)}) AS v(id, reason)
        JOIN report_schedules s ON s.id = v.id
        JOIN report_definitions d ON d.id = s.report_id`,
    now,
  );
}

/** Backfills that reached a final status: who started them, with the segment counts. */
export async function notifyBackfillsFinished(db: Database, collectionUuids: string[], now: Date): Promise<number> {
  if (collectionUuids.length === 0) return 0;
  return recordNotifications(
    db,
    "backfill_finished",
    sql`
      WITH newest AS (
        SELECT DISTINCT ON (e.collection_id, e.time_window_start) e.collection_id, e.status
          FROM report_executions e JOIN report_data_collections c ON c.report_id = e.report_id AND c.id = e.collection_id
         WHERE c.id = ANY (${uuidArray(collectionUuids)})
         ORDER BY e.collection_id, e.time_window_start, e.created_at DESC, e.id DESC
      ), counts AS (
        SELECT collection_id, count(*) FILTER (WHERE status = 'completed') AS done,
               count(*) FILTER (WHERE status = 'failed') AS failed, count(*) AS total
          FROM newest GROUP BY collection_id
      )
      SELECT c.user_id, 'backfill_finished:' || c.collection_id || ':' || ${now.toISOString()},
             CASE WHEN n.done = n.total THEN 'Backfill finished: ' ELSE 'Backfill finished with failures: ' END || d.name,
             'The backfill ' || c.collection_id || ' of ' || d.report_id || ' finished: ' || n.done || ' of ' || n.total
               || ' segments completed' || CASE WHEN n.failed > 0 THEN ', ' || n.failed || ' failed (retry them from the report page)' ELSE '' END || '.',
             '/reports/' || d.report_id
        FROM report_data_collections c
        JOIN counts n ON n.collection_id = c.id
        JOIN report_definitions d ON d.id = c.report_id`,
    now,
  );
}

/**
 * Amazon connections that turned `needs_reauthorization` since the last look. Their status is
 * set in several places (token refresh, discovery, submit), so rather than hooking each, the
 * delivery phase compares every account's status with the last one it saw
 * (notification_watches): a changed row is the event, recorded once in the same transaction.
 * Told to admins, who are the ones able to reconnect.
 */
export async function notifyConnectionChanges(db: Database, now: Date): Promise<number> {
  const changed = await db.execute<{ account: string; state: string }>(sql`
    INSERT INTO notification_watches AS w (subject, state, changed_at)
    SELECT 'amc_account:' || a.id, a.status, ${now.toISOString()}::timestamptz FROM amc_accounts a
    ON CONFLICT (subject) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at
     WHERE w.state IS DISTINCT FROM excluded.state
    RETURNING substr(w.subject, length('amc_account:') + 1) AS account, w.state`);
  const accounts = [...changed].filter((r) => r.state === "needs_reauthorization").map((r) => r.account);
  if (accounts.length === 0) return 0;
  return recordNotifications(
    db,
    "connection_reauth",
    sql`
      SELECT u.id, 'connection_reauth:' || a.account_id || ':' || ${now.toISOString()},
             'Amazon connection needs re-authorization: ' || a.account_name,
             'AMC cannot be reached through ' || a.account_name || ' until an admin connects it again'
               || COALESCE(' (' || NULLIF(trim(a.last_error), '') || ')', '') || '.',
             '/instances'
        FROM amc_accounts a CROSS JOIN users u
       WHERE a.id = ANY (${uuidArray(accounts)}) AND u.role = 'admin'`,
    now,
  );
}
