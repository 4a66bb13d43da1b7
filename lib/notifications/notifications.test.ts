import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { amcAccounts, mailOutbox, notificationPreferences, notificationReportOptins, notifications, reportDefinitions, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { grant, makeExecution, makeInstance, makeReport, makeSchedule, makeUser } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { engineDeps, manyServers } from "../../test/scheduler-world";
import { runTick } from "../engine/tick";
import { recordOutcomes } from "../scheduler/outcomes";
import { deliverNotifications } from "./deliver";
import { smtpMailer, type MailSettings } from "./mailer";
import { startTestSmtp, type TestSmtp } from "./test-smtp";

const t = await freshDatabase();
const db = t.db;
const T0 = new Date("2025-06-02T07:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const noSmtp: MailSettings = { mailer: null, from: "AMC <amc@example.com>", appUrl: "https://amc.example.com" };
const smtpAt = (port: number): MailSettings => ({ mailer: smtpMailer(`smtp://127.0.0.1:${port}`, { timeoutMs: 2_000 }), from: "AMC <amc@example.com>", appUrl: "https://amc.example.com" });
const deliver = (now: Date, mail: MailSettings = noSmtp) => deliverNotifications(engineDeps(db, t.sql, new FakeGateway(), now, { mail }));

/** A member owning a report with a schedule on an instance they may see. */
async function ownedSchedule() {
  const owner = await makeUser(db);
  const instance = await makeInstance(db);
  await grant(db, owner.id, instance.id);
  const report = await makeReport(db, { instanceId: instance.id, ownerId: owner.id, name: "Weekly ASINs" });
  const schedule = await makeSchedule(db, report.id, { cronExpression: "0 * * * *", scheduleType: "custom", nextRunAt: at(10_000) });
  return { owner, instance, report, schedule };
}

/** A finished scheduled run, `minutes` after T0. */
const finished = (w: { report: { id: string }; schedule: { id: string } }, minutes: number, status: "failed" | "completed", errorMessage?: string) =>
  makeExecution(db, w.report.id, {
    triggeredBy: "schedule",
    scheduleId: w.schedule.id,
    scheduledFor: at(minutes),
    status,
    startedAt: at(minutes),
    completedAt: at(minutes + 1),
    errorMessage: errorMessage ?? null,
    rowCount: status === "completed" ? 12 : null,
  });

const notesOf = (userId: string) => db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(notifications.createdAt, notifications.eventType);
const mailsTo = (email: string) => db.select().from(mailOutbox).where(eq(mailOutbox.to, email));

describe("events are recorded once, in the transaction of their change", () => {
  it("three failed scheduled runs: three failure notifications, then the pause with AMC's reason", async () => {
    const w = await ownedSchedule();
    for (let m = 0; m < 3; m++) await finished(w, m * 60, "failed", "AMC rejected the query: table dsp_clicks does not exist.");
    // Two servers count outcomes at once: each run is counted, and told, once.
    await Promise.all([recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(200))), recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(200)))]);
    const notes = await notesOf(w.owner.id);
    expect(notes.map((n) => n.eventType).sort()).toEqual(["run_failed", "run_failed", "run_failed", "schedule_paused"]);
    const paused = notes.find((n) => n.eventType === "schedule_paused")!;
    expect(paused.title).toBe("Schedule paused: Weekly ASINs");
    expect(paused.body).toMatch(/paused itself: AMC rejected the query: table dsp_clicks does not exist — paused after 3 consecutive failed runs/);
    expect(paused.link).toBe(`/reports/${w.report.reportId}`);
    const failed = notes.find((n) => n.eventType === "run_failed")!;
    expect(failed.link).toMatch(new RegExp(`^/reports/${w.report.reportId}/runs/exec_`));
    expect(notes.every((n) => n.emailStatus === "pending" && n.readAt === null)).toBe(true);
  });

  it("completed runs only for users who opted in for that report and can still see it", async () => {
    const w = await ownedSchedule();
    const watcher = await makeUser(db);
    const revoked = await makeUser(db);
    await grant(db, watcher.id, w.instance.id);
    await db.insert(notificationReportOptins).values([
      { userId: watcher.id, reportId: w.report.id },
      { userId: revoked.id, reportId: w.report.id },
    ]);
    await finished(w, 0, "completed");
    await recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(10)));
    expect(await notesOf(w.owner.id)).toHaveLength(0);
    expect(await notesOf(revoked.id)).toHaveLength(0);
    const [note] = await notesOf(watcher.id);
    expect(note).toMatchObject({ eventType: "run_completed", title: "Scheduled run completed: Weekly ASINs" });
    expect(note!.body).toMatch(/completed with 12 rows\.$/);
  });

  it("preferences: a muted event is not recorded; with email off it is in-app only", async () => {
    const w = await ownedSchedule();
    await db.insert(notificationPreferences).values({ userId: w.owner.id, mutedEvents: ["schedule_paused"], email: false });
    for (let m = 0; m < 3; m++) await finished(w, m * 60, "failed", "boom");
    await recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(200)));
    const notes = await notesOf(w.owner.id);
    expect(notes.map((n) => n.eventType)).toEqual(["run_failed", "run_failed", "run_failed"]);
    expect(notes.every((n) => n.emailStatus === "none")).toBe(true);
    await deliver(at(201));
    expect(await mailsTo(w.owner.email)).toHaveLength(0);
  });

  it("an Amazon connection turning needs_reauthorization is told to admins once per episode", async () => {
    const admin = await makeUser(db, { role: "admin" });
    const [account] = await db.insert(amcAccounts).values({ accountId: `acct_${Date.now()}`, accountName: "Agency Ads", status: "active" }).returning();
    await deliver(at(0));
    await db.update(amcAccounts).set({ status: "needs_reauthorization", lastError: "invalid_grant" }).where(eq(amcAccounts.id, account!.id));
    await Promise.all([deliver(at(1)), deliver(at(1)), deliver(at(2))]);
    const told = (await notesOf(admin.id)).filter((n) => n.eventType === "connection_reauth");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ title: "Amazon connection needs re-authorization: Agency Ads", link: "/instances" });
    expect(told[0]!.body).toContain("(invalid_grant)");
    // Reconnected, then broken again: a new event.
    await db.update(amcAccounts).set({ status: "active" }).where(eq(amcAccounts.id, account!.id));
    await deliver(at(3));
    await db.update(amcAccounts).set({ status: "needs_reauthorization" }).where(eq(amcAccounts.id, account!.id));
    await deliver(at(4));
    expect((await notesOf(admin.id)).filter((n) => n.eventType === "connection_reauth")).toHaveLength(2);
  });
});

describe("delivery", () => {
  const servers = manyServers(t.url, 4);
  let smtp: TestSmtp | null = null;
  afterAll(async () => {
    await smtp?.close();
  });

  it("with no SMTP configured, mails wait in the outbox", async () => {
    const w = await ownedSchedule();
    await finished(w, 0, "failed", "boom");
    await recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(10)));
    expect(await deliver(at(11))).toMatchObject({ queued: 1, sent: 0 });
    const [mail] = await mailsTo(w.owner.email);
    expect(mail).toMatchObject({ status: "pending", attempts: 0, subject: "Scheduled run failed: Weekly ASINs" });
    expect(mail!.text).toContain(`Open: https://amc.example.com/reports/${w.report.reportId}/runs/exec_`);
    expect((await notesOf(w.owner.id))[0]!.emailStatus).toBe("queued");
  });

  it("exactly once under concurrent ticks, with SMTP down and then up", async () => {
    await db.execute(sql`UPDATE mail_outbox SET status = 'sent'`); // earlier tests' mails are not this test's
    // A port nothing listens on yet: SMTP is down.
    const probe = await startTestSmtp();
    const port = probe.port;
    await probe.close();

    const worlds = [await ownedSchedule(), await ownedSchedule()];
    for (const w of worlds) for (let m = 0; m < 3; m++) await finished(w, m * 60, "failed", "AMC is unavailable");
    const mail = smtpAt(port);
    const tick = (i: number, now: Date) => runTick(servers.deps(i, new FakeGateway(), now, { mail }));

    // Down: four servers tick at once; every mail is tried once, fails, and waits with backoff.
    const down = await Promise.all([0, 1, 2, 3].map((i) => tick(i, at(200))));
    expect(down.every((s) => s.ok)).toBe(true);
    const owed = 8; // per schedule: 3 failed runs + the pause
    expect(down.reduce((n, s) => n + (s.notify?.queued ?? 0), 0)).toBe(owed);
    expect(down.reduce((n, s) => n + (s.notify?.retried ?? 0), 0)).toBe(owed);
    const waiting = await db.select().from(mailOutbox).where(eq(mailOutbox.status, "pending"));
    expect(waiting).toHaveLength(owed);
    expect(waiting.every((m) => m.attempts === 1 && m.lastError !== null && m.nextAttemptAt.getTime() === at(201).getTime())).toBe(true);

    // Still inside the backoff: nothing is tried.
    smtp = await startTestSmtp(port);
    await Promise.all([0, 1].map((i) => tick(i, at(200.5))));
    expect(smtp.received).toHaveLength(0);

    // Up, after the backoff: four servers tick at once, twice; each mail arrives exactly once.
    for (const now of [at(202), at(203)]) await Promise.all([0, 1, 2, 3].map((i) => tick(i, now)));
    expect(smtp.received).toHaveLength(owed);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(owed);
    const sent = await db.select().from(mailOutbox).where(eq(mailOutbox.status, "sent"));
    expect(sent.filter((m) => worlds.some((w) => w.owner.email === m.to))).toHaveLength(owed);
    for (const w of worlds) expect(smtp.received.filter((m) => m.to.includes(w.owner.email))).toHaveLength(4);
    const one = smtp.received.find((m) => m.subject === "Schedule paused: Weekly ASINs");
    // Quoted-printable soft line breaks aside, the pause mail carries the reason.
    expect(one?.raw.replace(/=\r\n/g, "")).toContain("AMC is unavailable");
  });

  it("a storm of failures for one user: the first 5 within the hour are mailed, the rest in one daily digest", async () => {
    await db.execute(sql`UPDATE mail_outbox SET status = 'sent'`);
    const owner = await makeUser(db);
    const instance = await makeInstance(db);
    const runs = [];
    for (let i = 0; i < 8; i++) {
      const report = await makeReport(db, { instanceId: instance.id, ownerId: owner.id, name: `Report ${i}` });
      const schedule = await makeSchedule(db, report.id, { cronExpression: "0 * * * *", scheduleType: "custom", nextRunAt: at(10_000) });
      runs.push(await finished({ report, schedule }, 0, "failed", "AMC outage"));
    }
    await recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(10)));
    expect(await deliver(at(11))).toMatchObject({ queued: 5, held: 3, digests: 0 });
    // Later the same day: still held. The next UTC day: one digest with the three.
    expect(await deliver(at(600))).toMatchObject({ digests: 0 });
    const results = await Promise.all([deliver(new Date("2025-06-03T00:00:30Z")), deliver(new Date("2025-06-03T00:00:30Z"))]);
    expect(results.reduce((n, r) => n + r.digests, 0)).toBe(1);
    const mails = await mailsTo(owner.email);
    expect(mails).toHaveLength(6);
    const digest = mails.find((m) => m.subject.startsWith("Daily digest"))!;
    expect(digest.subject).toBe("Daily digest: 3 scheduled runs failed on 2025-06-02");
    expect(digest.text.match(/^- /gm)).toHaveLength(3);
    expect((await notesOf(owner.id)).every((n) => n.emailStatus === "queued")).toBe(true);
    expect(runs).toHaveLength(8);
  });

  it("gives up after maxAttempts, keeping the mail and its last error", async () => {
    await db.execute(sql`UPDATE mail_outbox SET status = 'sent'`);
    const w = await ownedSchedule();
    await finished(w, 0, "failed", "boom");
    await recordOutcomes(engineDeps(db, t.sql, new FakeGateway(), at(10)));
    const failing: MailSettings = { ...noSmtp, mailer: { send: async () => Promise.reject(new Error("550 mailbox unavailable")) } };
    const settings = { maxAttempts: 2, retryBaseMs: 1000 };
    await deliverNotifications(engineDeps(db, t.sql, new FakeGateway(), at(11), { mail: failing }), { settings });
    const second = await deliverNotifications(engineDeps(db, t.sql, new FakeGateway(), at(12), { mail: failing }), { settings });
    expect(second).toMatchObject({ gaveUp: 1 });
    const [mail] = await mailsTo(w.owner.email);
    expect(mail).toMatchObject({ status: "failed", attempts: 2, lastError: "550 mailbox unavailable" });
  });
});

describe("backfill finished", () => {
  it("is told to whoever started it, with the segment counts, once", async () => {
    const { refreshBackfills } = await import("../backfill/refresh");
    const user = await makeUser(db);
    const instance = await makeInstance(db);
    const report = await makeReport(db, { instanceId: instance.id, ownerId: user.id, name: "Backfilled" });
    const [collection] = await db.execute<{ id: string; collection_id: string }>(sql`
      INSERT INTO report_data_collections (collection_id, instance_id, user_id, status, start_date, end_date, report_id, segment_type)
      VALUES ('col_test01', ${instance.id}, ${user.id}, 'running', '2025-05-01', '2025-05-03', ${report.id}, 'daily') RETURNING id, collection_id`);
    for (const [i, status] of (["completed", "completed", "failed"] as const).entries()) {
      await makeExecution(db, report.id, { triggeredBy: "backfill", collectionId: collection!.id, status, timeWindowStart: new Date(`2025-05-0${i + 1}T00:00:00Z`), timeWindowEnd: new Date(`2025-05-0${i + 2}T00:00:00Z`) });
    }
    await Promise.all([refreshBackfills({ db, now: at(1) }), refreshBackfills({ db, now: at(1) })]);
    const notes = await notesOf(user.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ eventType: "backfill_finished", title: "Backfill finished with failures: Backfilled", link: `/reports/${report.reportId}` });
    expect(notes[0]!.body).toBe(`The backfill col_test01 of ${report.reportId} finished: 2 of 3 segments completed, 1 failed (retry them from the report page).`);
    expect(reportDefinitions).toBeDefined();
    expect(reportExecutions).toBeDefined();
  });
});
