import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountsWorld, keyring, NOW } from "../../../test/accounts-world";
import { freshDatabase } from "../../../test/db";
import { makeInstance, makeReport } from "../../../test/factories";
import { rejection } from "../../../test/rejection";
import { accountViewColumns, getInstanceDetail, instanceConnection } from "../../../db/queries/instances";
import { amcAccounts, auditLog, reportDefinitions } from "../../../db/schema";
import { AppError } from "../../errors";
import { connectAccountManually } from "./credentials";
import { DISCONNECTED_MESSAGE, disconnectAccount } from "./disconnect";
import { discoverInstances, testConnection } from "./discovery";
import { accountHealth, needsConnection } from "./health";

describe("account health and disconnecting", async () => {
  const { db } = await freshDatabase();
  const { admin, member, accountRow, fakeAmazon } = await accountsWorld(db);
  const view = async (accountId: string) => (await db.select(accountViewColumns).from(amcAccounts).where(eq(amcAccounts.accountId, accountId)))[0]!;

  it("a failed Test connection turns the badge into the failure, with its time; a good one turns it back", async () => {
    const { fake, manual, deps } = await fakeAmazon();
    const account = await connectAccountManually(db, admin, manual, { keyring });
    expect(accountHealth(await view(manual.accountId))).toEqual({ kind: "connected", checkedAt: null });

    fake.failNext("token", { status: 503, times: 3 });
    const down = await testConnection(db, admin, account.id, deps);
    expect(down.ok).toBe(false);
    expect(accountHealth(await view(manual.accountId))).toEqual({ kind: "failing", message: down.message, checkedAt: NOW });

    expect((await testConnection(db, admin, account.id, deps)).ok).toBe(true);
    expect(accountHealth(await view(manual.accountId))).toEqual({ kind: "connected", checkedAt: NOW });

    fake.revokeRefreshToken(manual.refreshToken);
    await testConnection(db, admin, account.id, deps);
    expect(accountHealth(await view(manual.accountId))).toMatchObject({ kind: "needs_reauthorization", checkedAt: NOW });
  });

  it("disconnecting erases the secrets, keeps instances and reports (needing a connection), and a reconnect restores it", async () => {
    const { fake, manual, deps } = await fakeAmazon();
    const account = await connectAccountManually(db, admin, manual, { keyring });
    const instance = await makeInstance(db, { instanceType: "STANDARD", accountId: account.id });
    const report = await makeReport(db, { instanceId: instance.id });

    expect(((await rejection(disconnectAccount(db, member, account.id, NOW))) as AppError).code).toBe("FORBIDDEN");
    expect(await disconnectAccount(db, admin, account.id, NOW)).toEqual({ accountName: manual.accountName });

    const row = await accountRow(manual.accountId);
    expect(row).toMatchObject({ status: "disabled", clientSecretEncrypted: null, refreshTokenEncrypted: null, lastError: DISCONNECTED_MESSAGE });
    expect(accountHealth(await view(manual.accountId))).toEqual({ kind: "disconnected", checkedAt: NOW });
    expect(needsConnection({ isBuiltinSandbox: false, account: { status: row!.status } })).toBe(true);
    expect(await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, report.id))).toHaveLength(1);
    // The instance page's read model: the account's view (never a secret column) with its status.
    const detail = await getInstanceDetail(db, instance.instanceId);
    expect(detail?.account).toMatchObject({ accountId: manual.accountId, status: "disabled" });
    expect(Object.keys(detail!.account!).some((k) => /secret|token|encrypt/i.test(k))).toBe(false);
    expect(needsConnection(detail!)).toBe(true);
    expect(await instanceConnection(db, instance.id)).toEqual({ instanceId: instance.instanceId, isBuiltinSandbox: false, account: { status: "disabled" } });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "account.disconnect"));
    expect(entry).toMatchObject({ targetType: "amc_account", targetId: manual.accountId });

    // Nothing to test on a disconnected account, and trying does not relabel it.
    const requestsBefore = fake.requests.length;
    expect(await testConnection(db, admin, account.id, deps)).toEqual({ ok: false, message: DISCONNECTED_MESSAGE });
    expect(((await rejection(discoverInstances(db, admin, account.id, deps))) as AppError).code).toBe("CONFLICT");
    expect(fake.requests.length).toBe(requestsBefore);
    expect(await accountRow(manual.accountId)).toMatchObject({ status: "disabled" });

    // Connecting the same account again brings it, and its instance's link, back.
    await connectAccountManually(db, admin, manual, { keyring });
    expect(accountHealth(await view(manual.accountId)).kind).toBe("connected");
    expect((await testConnection(db, admin, account.id, deps)).ok).toBe(true);
  });

  it("the built-in sandbox never needs a connection; an Amazon instance without an account does", () => {
    expect(needsConnection({ isBuiltinSandbox: true, account: null })).toBe(false);
    expect(needsConnection({ isBuiltinSandbox: false, account: null })).toBe(true);
    expect(needsConnection({ isBuiltinSandbox: false, account: { status: "active" } })).toBe(false);
    expect(needsConnection({ isBuiltinSandbox: false, account: { status: "needs_reauthorization" } })).toBe(true);
  });
});
