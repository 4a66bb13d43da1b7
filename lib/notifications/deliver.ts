import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { addMs, errorMessage, logOf, type EngineDeps } from "../engine/deps";
import { DEFAULT_MAIL_FROM, type MailSettings } from "./mailer";
import { notifyConnectionChanges } from "./record";

/**
 * Tick phase "notify": notifications become mails, and mails are sent.
 *
 *   1. connection watch: Amazon connections that turned needs_reauthorization → notifications
 *   2. queue: notifications owing a mail (`pending`) → one mail_outbox row each (`queued`), or
 *      `held` when the user is in a failure storm (more than STORM_THRESHOLD failed runs within
 *      an hour: the first ones are mailed one by one, the rest wait for one digest)
 *   3. digest: a user's held notifications of a UTC day that has ended → one digest mail
 *   4. send: due outbox rows → SMTP; `sent`, or retried with backoff, `failed` after maxAttempts.
 *      With no SMTP configured this step does nothing: mails wait in the outbox, shown to admins.
 *
 * Every step claims rows with FOR UPDATE SKIP LOCKED (a digest takes a per-user-day advisory
 * lock) and changes them in the same transaction, so any number of ticks may run it at once.
 * A mail row is created once (`mail_key` is unique: the notification's id or the digest's key)
 * and sent while its row is locked, marked sent in the same commit: another tick skips a row
 * being sent and no longer sees it once sent. The one way to send twice is a crash between
 * SMTP's acceptance and the commit; the stable Message-ID lets the receiver drop that repeat.
 */

export interface NotifySettings {
  queueBatch: number;
  sendBatch: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** More failed-run events than this for one user within stormWindowMs → digest. */
  stormThreshold: number;
  stormWindowMs: number;
}

export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = {
  queueBatch: 200,
  sendBatch: 20,
  maxAttempts: 8,
  retryBaseMs: 60_000,
  retryMaxMs: 3_600_000,
  stormThreshold: 5,
  stormWindowMs: 3_600_000,
};

export interface NotifySummary {
  /** Notifications recorded by the connection watch. */
  recorded: number;
  queued: number;
  held: number;
  digests: number;
  sent: number;
  /** Send attempts that failed in this pass (retried later). */
  retried: number;
  /** Mails that used their last attempt in this pass. */
  gaveUp: number;
}

export interface NotifyOptions {
  deadline?: number;
  settings?: Partial<NotifySettings>;
}

/** Mail settings of the deps; none given = no SMTP (mails wait in the outbox). */
export const mailOf = (deps: EngineDeps): MailSettings => deps.mail ?? { mailer: null, from: DEFAULT_MAIL_FROM, appUrl: null };

export async function deliverNotifications(deps: EngineDeps, options: NotifyOptions = {}): Promise<NotifySummary> {
  const settings = { ...DEFAULT_NOTIFY_SETTINGS, ...options.settings };
  const mail = mailOf(deps);
  const out: NotifySummary = { recorded: 0, queued: 0, held: 0, digests: 0, sent: 0, retried: 0, gaveUp: 0 };
  const timeLeft = () => options.deadline === undefined || performance.now() < options.deadline;

  out.recorded = await deps.db.transaction((tx) => notifyConnectionChanges(tx, deps.now));

  while (timeLeft()) {
    const r = await deps.db.transaction((tx) => queueBatch(tx, deps.now, mail, settings));
    out.queued += r.queued;
    out.held += r.held;
    if (r.claimed < settings.queueBatch) break;
  }

  if (timeLeft()) out.digests = await sendDigests(deps.db, deps.now, mail);

  if (mail.mailer) {
    while (timeLeft()) {
      const r = await deps.db.transaction((tx) => sendBatch(tx, deps, mail, settings));
      out.sent += r.sent;
      out.retried += r.retried;
      out.gaveUp += r.gaveUp;
      // A batch with no success: the server is likely down; the rest waits for a later tick.
      if (r.claimed < settings.sendBatch || r.sent === 0) break;
    }
  }
  return out;
}

function mailText(body: string, link: string | null, appUrl: string | null): string {
  const base = appUrl?.replace(/\/+$/, "") ?? "";
  const lines = [body];
  if (link) lines.push("", `Open: ${base}${link}`);
  lines.push("", "—", `You get this mail because email notifications are on. Change what you receive: ${base}/notifications/preferences`);
  return lines.join("\n");
}

async function queueBatch(tx: Database, now: Date, mail: MailSettings, s: NotifySettings) {
  const claimed = [
    ...(await tx.execute<{ id: string; user_id: string; event_type: string; title: string; body: string; link: string | null; email: string; storm: number }>(sql`
      SELECT n.id, n.user_id, n.event_type, n.title, n.body, n.link, u.email,
             CASE WHEN n.event_type <> 'run_failed' THEN 0 ELSE (
               -- This one's place among the user's failed-run events of the hour before it.
               SELECT count(*)::int FROM notifications m
                WHERE m.user_id = n.user_id AND m.event_type = 'run_failed'
                  AND m.created_at > n.created_at - ${`${s.stormWindowMs} milliseconds`}::interval
                  AND (m.created_at, m.id) <= (n.created_at, n.id)) END AS storm
        FROM notifications n JOIN users u ON u.id = n.user_id
       WHERE n.email_status = 'pending'
       ORDER BY n.created_at, n.id
       LIMIT ${s.queueBatch}
         FOR UPDATE OF n SKIP LOCKED`)),
  ];
  const held = claimed.filter((n) => n.storm > s.stormThreshold);
  const mailed = claimed.filter((n) => n.storm <= s.stormThreshold);
  if (mailed.length > 0) {
    await tx.execute(sql`
      INSERT INTO mail_outbox (mail_key, user_id, "to", subject, text, next_attempt_at, created_at)
      VALUES ${sql.join(
        mailed.map(
          (n) =>
            sql`(${`notification:${n.id}`}, ${n.user_id}::uuid, ${n.email}, ${n.title}, ${mailText(n.body, n.link, mail.appUrl)}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`,
        ),
        sql`, `,
      )}
      ON CONFLICT (mail_key) DO NOTHING`);
  }
  const setStatus = async (rows: { id: string }[], status: string) => {
    if (rows.length === 0) return;
    await tx.execute(sql`UPDATE notifications SET email_status = ${status} WHERE id = ANY (ARRAY[${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)}]::uuid[])`);
  };
  await setStatus(mailed, "queued");
  await setStatus(held, "held");
  return { claimed: claimed.length, queued: mailed.length, held: held.length };
}

/**
 * One digest per user and ended UTC day of held notifications. The advisory lock makes one
 * transaction the owner of a (user, day); the held rows are marked queued in the same commit.
 */
async function sendDigests(db: Database, now: Date, mail: MailSettings): Promise<number> {
  const dayStart = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
  const groups = await db.execute<{ user_id: string; day: string }>(sql`
    SELECT DISTINCT user_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM notifications
     WHERE email_status = 'held' AND created_at < ${dayStart.toISOString()}::timestamptz`);
  let digests = 0;
  for (const g of groups) {
    const made = await db.transaction(async (tx) => {
      const [lock] = await tx.execute<{ ok: boolean }>(sql`SELECT pg_try_advisory_xact_lock(hashtext(${`notify-digest:${g.user_id}:${g.day}`})) AS ok`);
      if (!lock?.ok) return false;
      const rows = [
        ...(await tx.execute<{ id: string; title: string; body: string; link: string | null; email: string; created_at: string }>(sql`
          SELECT n.id, n.title, n.body, n.link, u.email, n.created_at::text FROM notifications n JOIN users u ON u.id = n.user_id
           WHERE n.user_id = ${g.user_id} AND n.email_status = 'held'
             AND n.created_at >= ${`${g.day}T00:00:00Z`}::timestamptz AND n.created_at < ${`${g.day}T00:00:00Z`}::timestamptz + interval '1 day'
           ORDER BY n.created_at, n.id
             FOR UPDATE OF n`)),
      ];
      if (rows.length === 0) return false;
      const base = mail.appUrl?.replace(/\/+$/, "") ?? "";
      const text = [
        `${rows.length} scheduled runs failed on ${g.day} (UTC). So many at once usually share one cause (an AMC outage, an expired connection, a changed table); one mail instead of ${rows.length}:`,
        "",
        ...rows.map((r) => `- ${r.body}${r.link ? `\n  ${base}${r.link}` : ""}`),
        "",
        "—",
        `Every event is also in the app: ${base}/notifications`,
      ].join("\n");
      await tx.execute(sql`
        INSERT INTO mail_outbox (mail_key, user_id, "to", subject, text, next_attempt_at, created_at)
        VALUES (${`digest:${g.user_id}:${g.day}:${rows[0]!.id}`}, ${g.user_id}::uuid, ${rows[0]!.email},
                ${`Daily digest: ${rows.length} scheduled runs failed on ${g.day}`}, ${text}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
        ON CONFLICT (mail_key) DO NOTHING`);
      await tx.execute(sql`UPDATE notifications SET email_status = 'queued' WHERE id = ANY (ARRAY[${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)}]::uuid[])`);
      return true;
    });
    if (made) digests += 1;
  }
  return digests;
}

const backoffMs = (attempts: number, s: NotifySettings) => Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** Math.max(0, attempts - 1));

async function sendBatch(tx: Database, deps: EngineDeps, mail: MailSettings, s: NotifySettings) {
  const { now } = deps;
  const rows = [
    ...(await tx.execute<{ id: string; to: string; subject: string; text: string; attempts: number }>(sql`
      SELECT id, "to", subject, text, attempts FROM mail_outbox
       WHERE status = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz
       ORDER BY next_attempt_at, id
       LIMIT ${s.sendBatch}
         FOR UPDATE SKIP LOCKED`)),
  ];
  let sent = 0;
  let retried = 0;
  let gaveUp = 0;
  for (const m of rows) {
    try {
      await mail.mailer!.send({ from: mail.from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.id}@amc-report-builder>` });
      await tx.execute(sql`UPDATE mail_outbox SET status = 'sent', sent_at = ${now.toISOString()}::timestamptz, attempts = attempts + 1, last_error = NULL WHERE id = ${m.id}`);
      sent += 1;
    } catch (e) {
      const attempts = m.attempts + 1;
      const last = attempts >= s.maxAttempts;
      const message = errorMessage(e);
      logOf(deps).warn(last ? "mail failed for good" : "mail failed, retried later", { mailId: m.id, attempts, error: message });
      await tx.execute(sql`
        UPDATE mail_outbox SET attempts = ${attempts}, last_error = ${message},
               status = ${last ? "failed" : "pending"},
               next_attempt_at = ${addMs(now, backoffMs(attempts, s)).toISOString()}::timestamptz
         WHERE id = ${m.id}`);
      if (last) gaveUp += 1;
      else retried += 1;
    }
  }
  return { claimed: rows.length, sent, retried, gaveUp };
}
