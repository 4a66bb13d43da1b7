import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, reportExecutions, users } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { accountsWorld, keyring } from "../../test/accounts-world";
import { backfillWorld } from "../../test/backfill-world";
import { freshDatabase } from "../../test/db";
import { FakeGateway } from "../../test/fake-gateway";
import { grant, makeInstance, makeUser } from "../../test/factories";
import { rejection } from "../../test/rejection";
import { parseInput } from "../errors";
import { scheduledWorld } from "../../test/scheduler-world";
import { createApiToken, revokeApiToken } from "../api/tokens";
import { connectAccountManually } from "../amc/accounts/credentials";
import { importInstances } from "../amc/accounts/discovery";
import { completeAccountConnect, startAccountConnect } from "../amc/accounts/oauth";
import { cancelBackfill, retryFailedSegments, startBackfill } from "../backfill/backfills";
import { silentLogger, type EngineDeps } from "../engine/deps";
import { cancelRunForUser } from "../executions/cancel";
import { runReportNow } from "../executions/create";
import { createReport, deleteReport, duplicateReport, updateReport } from "../reports/definitions";
import { createSchedule, deleteSchedule, pauseSchedule, resumeSchedule, updateSchedule } from "../scheduler/schedules";
import { saveTemplate, templateInputSchema } from "../templates/editor";
import { seedLibraryTemplates } from "../templates/seed";
import { createUser, grantInstanceAccess, revokeInstanceAccess } from "../users/users";
import { recordAudit, sanitizeDetails } from "./record";

const t = await freshDatabase();
const { db } = t;
const NOW = new Date("2026-10-01T12:00:00Z");
const { admin, member: accountsMember, fakeAmazon, oauthOptions } = await accountsWorld(db);

const entriesFor = (targetId: string) =>
  db.select().from(auditLog).where(eq(auditLog.targetId, targetId)).orderBy(asc(auditLog.occurredAt), asc(auditLog.id));
/** NOW plus `m` minutes: entries of one test get distinct times, so their order is the calls' order. */
const later = (m: number) => new Date(NOW.getTime() + m * 60_000);
const deps = (now = NOW): EngineDeps => ({ db, sql: t.sql, gateways: async () => new FakeGateway(), now, log: silentLogger });

describe("recordAudit", () => {
  it("writes in the caller's transaction: a change that fails leaves no entry", async () => {
    const failed = rejection(
      db.transaction(async (tx) => {
        await recordAudit(tx, { actor: admin, action: "report.delete", targetType: "report", targetId: "rpt_rolledback" });
        throw new Error("the change failed after the entry was written");
      }),
    );
    expect(await failed).toBeInstanceOf(Error);
    expect(await entriesFor("rpt_rolledback")).toHaveLength(0);
  });

  it("a domain change that fails inside its transaction leaves no entry (duplicate schedule)", async () => {
    const { member, report } = await scheduledWorld(db);
    const spec = { preset: "daily", time: "03:00", timezone: "UTC" } as const;
    const first = await createSchedule(db, member, { reportId: report.reportId, schedule: spec }, NOW);
    expect(await rejection(createSchedule(db, member, { reportId: report.reportId, schedule: spec }, NOW))).toMatchObject({ code: "CONFLICT" });
    const entries = await db.select().from(auditLog).where(eq(auditLog.action, "schedule.create"));
    expect(entries.filter((e) => (e.details as { reportId?: string }).reportId === report.reportId).map((e) => e.targetId)).toEqual([first.scheduleId]);
  });

  it("createReport: the report and its schedule recorded together; a create that fails half way records neither", async () => {
    await seedLibraryTemplates(db);
    const member = await makeUser(db);
    const instance = await makeInstance(db);
    await grant(db, member.id, instance.id);
    const base = {
      templateId: "asin_purchases",
      instanceId: instance.instanceId,
      values: { asin_list: "B0AAAAAAAA" },
      window: { kind: "last_days", n: 30 },
      timezone: "UTC",
      name: "Audited report",
    };
    const created = await createReport(db, member, { ...base, run: { kind: "schedule", schedule: { preset: "daily", time: "03:00" } } }, NOW);
    const [entry] = await entriesFor(created.reportId);
    expect(entry).toMatchObject({ action: "report.create", instanceId: instance.id, details: { name: "Audited report", templateId: "asin_purchases", run: "schedule" } });
    expect((await entriesFor(created.scheduleId!)).map((e) => e.action)).toEqual(["schedule.create"]);

    // The report row and its entry are written before the schedule is refused: both roll back.
    const before = await db.select().from(auditLog).where(eq(auditLog.actorUserId, member.id));
    const refused = await rejection(createReport(db, member, { ...base, name: "Never", run: { kind: "schedule", schedule: { preset: "custom", cron: "* * * * *" } } }, NOW));
    expect(refused).toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await db.select().from(auditLog).where(eq(auditLog.actorUserId, member.id))).toEqual(before);
  });

  it("copies the actor's email, which survives the user's deletion", async () => {
    const gone = await makeUser(db, { email: "leaver@example.com" });
    await recordAudit(db, { actor: gone, action: "report.create", targetType: "report", targetId: "rpt_leaver", now: NOW });
    await db.delete(users).where(eq(users.id, gone.id));
    const [entry] = await entriesFor("rpt_leaver");
    expect(entry).toMatchObject({ actorUserId: null, actorEmail: "leaver@example.com", occurredAt: NOW });
  });

  it("drops secret-named keys and bounds what is kept", () => {
    const details = sanitizeDetails({
      password: "hunter2hunter2",
      refreshToken: "Atzr|x",
      refresh_token: "Atzr|y",
      token: "amc_live_abc",
      tokenHash: "abc",
      clientSecret: "s",
      renderedSql: "SELECT 1",
      values: "{}",
      parameters: "{}",
      code: "c",
      state: "s",
      tokenName: "CI",
      tokenId: "tok_1",
      changedParameters: ["campaigns"],
      name: "x".repeat(500),
      skipped: undefined,
    });
    expect(details).toEqual({ tokenName: "CI", tokenId: "tok_1", changedParameters: ["campaigns"], name: "x".repeat(200) });
  });
});

describe("what the domain records", () => {
  it("reports: update (field and parameter names, never values), duplicate, delete", async () => {
    const { member, report, instance } = await scheduledWorld(db);
    await updateReport(
      db,
      member,
      { reportId: report.reportId, name: "Renamed", description: undefined, values: { campaigns: ["secret-campaign"] }, window: { kind: "last_days", n: 7 }, timezone: "UTC" },
      NOW,
    );
    const copy = await duplicateReport(db, member, report.reportId, NOW);
    await deleteReport(db, member, report.reportId);

    // deleteReport takes no `now` (its entry has the transaction's time): found by action, not order.
    const entries = await entriesFor(report.reportId);
    expect(entries.map((e) => e.action).sort()).toEqual(["report.delete", "report.update"]);
    const update = entries.find((e) => e.action === "report.update");
    const deletion = entries.find((e) => e.action === "report.delete");
    expect(update).toMatchObject({
      actorUserId: member.id,
      actorEmail: member.email,
      targetType: "report",
      instanceId: instance.id,
      details: { name: "Renamed", changed: ["name", "parameters"], changedParameters: ["campaigns"] },
    });
    expect(JSON.stringify(entries)).not.toContain("secret-campaign");
    expect(deletion?.details).toMatchObject({ name: "Renamed", deletedRuns: 0 });
    const [dup] = await entriesFor(copy.reportId);
    expect(dup).toMatchObject({ action: "report.duplicate", details: { from: report.reportId, name: "Renamed (copy)" } });
  });

  it("runs: Run now (once per idempotency key) and cancel", async () => {
    const { member, report, instance } = await scheduledWorld(db);
    const { execution } = await runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "audit-k1" }, NOW);
    await runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "audit-k1" }, NOW);
    await cancelRunForUser(deps(later(1)), member, execution.executionId);

    const entries = await entriesFor(execution.executionId);
    expect(entries.map((e) => [e.action, e.details])).toEqual([
      ["run.create", { reportId: report.reportId, triggeredBy: "manual" }],
      ["run.cancel", { reportId: report.reportId, status: "cancelled" }],
    ]);
    expect(entries.every((e) => e.instanceId === instance.id && e.targetType === "execution")).toBe(true);
    const [row] = await db.select().from(reportExecutions).where(eq(reportExecutions.id, execution.id));
    expect(row?.status).toBe("cancelled");
  });

  it("a foreign run's cancel is refused and records nothing", async () => {
    const { member, report } = await scheduledWorld(db);
    const stranger = await makeUser(db);
    const { execution } = await runReportNow(db, member, { reportId: report.reportId, idempotencyKey: "audit-k2" }, NOW);
    expect(await rejection(cancelRunForUser(deps(), stranger, execution.executionId))).toMatchObject({ code: "NOT_FOUND" });
    expect((await entriesFor(execution.executionId)).map((e) => e.action)).toEqual(["run.create"]);
  });

  it("schedules: create, update, pause (once), resume, delete", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: { preset: "daily", time: "03:00", timezone: "UTC" } }, later(0));
    await updateSchedule(db, member, { scheduleId: s.scheduleId, schedule: { preset: "weekly", time: "04:00", weekday: 1, timezone: "UTC" } }, later(1));
    await pauseSchedule(db, member, { scheduleId: s.scheduleId }, later(2));
    await pauseSchedule(db, member, { scheduleId: s.scheduleId }, later(3)); // already paused: nothing changed, nothing recorded
    await resumeSchedule(db, member, { scheduleId: s.scheduleId }, later(4));
    await deleteSchedule(db, member, { scheduleId: s.scheduleId }, later(5));

    const entries = await entriesFor(s.scheduleId);
    expect(entries.map((e) => e.action)).toEqual(["schedule.create", "schedule.update", "schedule.pause", "schedule.resume", "schedule.delete"]);
    expect(entries[1]!.details).toEqual({ reportId: report.reportId, cron: "0 4 * * 1", timezone: "UTC" });
  });

  it("backfills: start, retry, cancel", async () => {
    const w = await backfillWorld(db);
    const now = new Date("2025-09-15T15:00:00Z");
    const plus = (m: number) => new Date(now.getTime() + m * 60_000);
    const started = await startBackfill(db, w.member, { reportId: w.report.reportId, lookbackDays: 14, segmentType: "weekly" }, now);
    // One segment failed, so there is something to retry.
    const [segment] = await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, w.report.id)).limit(1);
    await db.update(reportExecutions).set({ status: "failed" }).where(eq(reportExecutions.id, segment!.id));
    await retryFailedSegments(db, w.member, { reportId: w.report.reportId, collectionId: started.collectionId }, plus(1));
    await cancelBackfill(deps(plus(2)), w.member, { reportId: w.report.reportId, collectionId: started.collectionId });

    const entries = await entriesFor(started.collectionId);
    expect(entries.map((e) => e.action)).toEqual(["backfill.start", "backfill.retry", "backfill.cancel"]);
    expect(entries[0]).toMatchObject({ targetType: "backfill", instanceId: w.instance.id, details: { reportId: w.report.reportId, lookbackDays: 14, segmentType: "weekly", segments: started.totalSegments } });
    expect(entries[1]!.details).toMatchObject({ retried: 1 });
    // The segments' cancels are part of the backfill's: no run.cancel per segment.
    const cancels = await db.select().from(auditLog).where(eq(auditLog.action, "run.cancel"));
    expect(cancels.filter((e) => (e.details as { reportId?: string }).reportId === w.report.reportId)).toHaveLength(0);
  });

  it("templates: each save, with its version, never the SQL", async () => {
    const input = {
      templateId: "audit_template",
      name: "Audit template",
      category: "custom",
      dataLagDays: 14,
      tags: [],
      sqlTemplate: "SELECT {{n}} AS secret_column",
      parameters: [{ name: "n", label: "N", type: "number", required: true, rules: {} }],
    };
    await saveTemplate(db, admin, parseInput(templateInputSchema, input), NOW);
    await saveTemplate(db, admin, parseInput(templateInputSchema, { ...input, name: "Audit template v2" }), later(1));
    const entries = await entriesFor("audit_template");
    expect(entries.map((e) => e.details)).toEqual([
      { name: "Audit template", version: 1, created: true },
      { name: "Audit template v2", version: 2, created: false },
    ]);
    expect(JSON.stringify(entries)).not.toContain("secret_column");
  });

  it("users and access: create (never the password), grant and revoke, and not the no-ops", async () => {
    const created = await createUser(db, admin, { email: "Audited@Example.com", name: "Audited", password: "correct horse battery staple", role: "member" });
    const instance = await makeInstance(db, { instanceId: "amcaudited", instanceName: "Audited instance" });
    await grantInstanceAccess(db, admin, { userId: created.id, instanceId: instance.id });
    await grantInstanceAccess(db, admin, { userId: created.id, instanceId: instance.id });
    await revokeInstanceAccess(db, admin, { userId: created.id, instanceId: instance.id });
    await revokeInstanceAccess(db, admin, { userId: created.id, instanceId: instance.id });

    const entries = await entriesFor("audited@example.com");
    expect(entries.map((e) => [e.action, e.instanceId, e.details])).toEqual([
      ["user.create", null, { name: "Audited", role: "member" }],
      ["access.grant", instance.id, { instance: "amcaudited", instanceName: "Audited instance" }],
      ["access.revoke", instance.id, { instance: "amcaudited", instanceName: "Audited instance" }],
    ]);
    expect(entries.every((e) => e.actorEmail === admin.email)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain("correct horse");
  });

  it("a member's refused grant records nothing", async () => {
    const instance = await makeInstance(db);
    const before = (await db.select().from(auditLog)).length;
    expect(await rejection(grantInstanceAccess(db, accountsMember as SessionUser, { userId: accountsMember.id, instanceId: instance.id }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await db.select().from(auditLog)).toHaveLength(before);
  });

  it("API tokens: create and revoke (once) by id and name, never the token or its hash", async () => {
    const owner = await makeUser(db);
    const { token, view } = await createApiToken(db, owner, { name: "CI export", scope: "read" }, NOW);
    await revokeApiToken(db, owner, view.id, later(1));
    await revokeApiToken(db, owner, view.id, later(2));
    const entries = await entriesFor(view.id);
    expect(entries.map((e) => [e.action, e.actorEmail, e.targetType, (e.details as { tokenName?: string }).tokenName])).toEqual([
      ["token.create", owner.email, "api_token", "CI export"],
      ["token.revoke", owner.email, "api_token", "CI export"],
    ]);
    expect(JSON.stringify(entries)).not.toContain(token);
  });

  it("accounts: a manual connect records the account and no secret; an import lists the instances", async () => {
    const { manual, deps: amcDeps, fake } = await fakeAmazon();
    const account = await connectAccountManually(db, admin, manual, { keyring, now: NOW });
    // The fake's instances are named after the account's sequence number (test/accounts-world.ts).
    await importInstances(db, admin, account.id, [`amcstd${manual.accountName.split(" ")[1]}`], { ...amcDeps, now: later(1) });

    const entries = await entriesFor(manual.accountId);
    expect(entries.map((e) => e.action)).toEqual(["account.connect", "instances.import"]);
    expect(entries[0]!.details).toEqual({ accountName: manual.accountName, region: "NA", via: "manual" });
    expect(entries[1]!.details).toMatchObject({ count: 1 });
    const text = JSON.stringify(entries);
    for (const secret of [manual.clientSecret, manual.refreshToken, manual.clientId, fake.clientSecret]) expect(text).not.toContain(secret);
  });

  it("accounts: an OAuth connect records each account, never the code or tokens", async () => {
    const { fake, advertiserId, refreshToken } = await fakeAmazon();
    const { url } = await startAccountConnect(db, admin, { region: "NA" }, oauthOptions(fake));
    const back = new URL((await fetch(url, { redirect: "manual" })).headers.get("location") ?? "");
    const code = back.searchParams.get("code") ?? "";
    const state = back.searchParams.get("state") ?? "";
    await completeAccountConnect(db, { state, code, userId: admin.id }, oauthOptions(fake));

    const entries = await entriesFor(advertiserId);
    expect(entries.map((e) => [e.action, e.actorEmail, (e.details as { via?: string }).via])).toEqual([["account.connect", admin.email, "oauth"]]);
    const text = JSON.stringify(entries);
    for (const secret of [code, state, refreshToken, fake.clientSecret]) expect(text).not.toContain(secret);
  });
});
