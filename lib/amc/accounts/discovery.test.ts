import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountsWorld, keyring, NOW, otherKeyring, otherKeyringKey } from "../../../test/accounts-world";
import { freshDatabase } from "../../../test/db";
import { rejection } from "../../../test/rejection";
import { amcAccounts, amcInstances, amcOauthStates } from "../../../db/schema";
import { keyringFrom } from "../../crypto/secrets";
import { AppError } from "../../errors";
import { connectAccountManually } from "./credentials";
import { discoverInstances, importInstances, testConnection } from "./discovery";
import { KEY_CHANGED_MESSAGE } from "./messages";

describe("Amazon Ads accounts: checking and importing instances", async () => {
  const { db } = await freshDatabase();
  const { admin, member, accountRow, count, fakeAmazon } = await accountsWorld(db);

  describe("testing a connection", () => {
    it("lists instances, marks the account active and records when", async () => {
      const { manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring });
      await db.update(amcAccounts).set({ lastError: "an old problem" }).where(eq(amcAccounts.id, account.id));

      const check = await testConnection(db, admin, account.id, deps);
      expect(check).toEqual({ ok: true, message: "Connected: Amazon lists 2 AMC instances for this account.", instanceCount: 2 });
      const row = await accountRow(manual.accountId);
      expect(row).toMatchObject({ status: "active", lastError: null });
      expect(row?.lastCheckedAt?.getTime()).toBe(NOW.getTime());
    });

    it("marks a revoked refresh token as needing re-authorization and keeps the token", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring });
      const cipher = (await accountRow(manual.accountId))?.refreshTokenEncrypted;
      fake.revokeRefreshToken(manual.refreshToken);

      const check = await testConnection(db, admin, account.id, deps);
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/^Amazon refused the stored authorization.*reconnect the account\.$/);
      const row = await accountRow(manual.accountId);
      expect(row).toMatchObject({ status: "needs_reauthorization", lastError: check.message });
      expect(row?.refreshTokenEncrypted).toBe(cipher);
      // invalid_grant is an answer, not an accident: one call to Amazon, no retries.
      expect(fake.requestsTo("token")).toHaveLength(1);
    });

    it("treats a secret it cannot decrypt (the key changed) as needing re-authorization, never deleting it", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring: otherKeyring });
      const before = await accountRow(manual.accountId);

      const check = await testConnection(db, admin, account.id, deps);
      expect(check).toEqual({ ok: false, message: KEY_CHANGED_MESSAGE });
      const row = await accountRow(manual.accountId);
      expect(row).toMatchObject({ status: "needs_reauthorization", lastError: KEY_CHANGED_MESSAGE });
      expect(row?.refreshTokenEncrypted).toBe(before?.refreshTokenEncrypted);
      expect(row?.clientSecretEncrypted).toBe(before?.clientSecretEncrypted);
      expect(fake.requests).toHaveLength(0);

      // With the old key back, the same stored secrets work again.
      const restored = keyringFrom(randomBytes(32).toString("base64"), otherKeyringKey());
      expect((await testConnection(db, admin, account.id, { ...deps, keyring: restored })).ok).toBe(true);
      expect((await accountRow(manual.accountId))?.status).toBe("active");
    });

    it("keeps the status but records an actionable message when Amazon is down or refuses access", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring });

      fake.failNext("token", { status: 503, times: 3 });
      const down = await testConnection(db, admin, account.id, deps);
      expect(down).toEqual({ ok: false, message: "Amazon Ads did not answer; try again in a few minutes." });
      expect(await accountRow(manual.accountId)).toMatchObject({ status: "active", lastError: down.message });

      fake.failNext("instances", { status: 403, body: { code: "403", details: "Forbidden for this advertiser." } });
      const refused = await testConnection(db, admin, account.id, deps);
      expect(refused.ok).toBe(false);
      expect(refused.message).toMatch(/refused access.*Account id/);
      expect(await accountRow(manual.accountId)).toMatchObject({ status: "active", lastError: refused.message });
    });

    it("answers NOT_FOUND for an unknown account", async () => {
      const { deps } = await fakeAmazon();
      const e = await rejection(testConnection(db, admin, "00000000-0000-4000-8000-000000000000", deps));
      expect((e as AppError).code).toBe("NOT_FOUND");
    });
  });

  describe("discovering and importing instances", () => {
    it("flags imported instances and upserts by instance id without duplicates", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring });
      const [std, sbx] = fake.instances;
      if (!std || !sbx) throw new Error("setup failed");

      const found = await discoverInstances(db, admin, account.id, deps);
      expect(found.map((i) => [i.instanceId, i.instanceType, i.imported])).toEqual([
        [std.instanceId, "STANDARD", false],
        [sbx.instanceId, "SANDBOX", false],
      ]);

      expect(await importInstances(db, admin, account.id, [std.instanceId], deps)).toEqual({ count: 1, instanceIds: [std.instanceId] });
      const [imported] = await db.select().from(amcInstances).where(eq(amcInstances.instanceId, std.instanceId));
      expect(imported).toMatchObject({
        instanceName: "Brand US",
        instanceType: "STANDARD",
        region: "NA",
        marketplaceId: "ATVPDKIKX0DER",
        accountId: account.id,
        isActive: true,
      });
      expect((await discoverInstances(db, admin, account.id, deps)).map((i) => i.imported)).toEqual([true, false]);

      // Renamed at Amazon, deactivated here: re-import refreshes the name, keeps it inactive, adds no row.
      std.instanceName = "Brand US (renamed)";
      await db.update(amcInstances).set({ isActive: false }).where(eq(amcInstances.instanceId, std.instanceId));
      const again = await importInstances(db, admin, account.id, [std.instanceId, sbx.instanceId, std.instanceId], deps);
      expect(again.count).toBe(2);
      const rowsOf = (instanceId: string) => db.select().from(amcInstances).where(eq(amcInstances.instanceId, instanceId));
      const stdRows = await rowsOf(std.instanceId);
      const sbxRows = await rowsOf(sbx.instanceId);
      expect(stdRows).toHaveLength(1);
      expect(stdRows[0]).toMatchObject({ id: imported?.id, instanceName: "Brand US (renamed)", isActive: false });
      expect(sbxRows).toHaveLength(1);
      expect(sbxRows[0]).toMatchObject({ instanceName: "Brand US Sandbox", instanceType: "SANDBOX", accountId: account.id });
    });

    it("refuses ids Amazon does not list for the account, importing none of the batch", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring });
      const std = fake.instances[0]?.instanceId ?? "";
      const before = await count(amcInstances);
      const e = await rejection(importInstances(db, admin, account.id, [std, "amcsomeoneelses"], deps));
      expect((e as AppError).code).toBe("VALIDATION_ERROR");
      expect((e as AppError).fieldErrors?.instanceIds?.[0]).toContain("amcsomeoneelses");
      expect(await count(amcInstances)).toBe(before);

      const empty = await rejection(importInstances(db, admin, account.id, [], deps));
      expect((empty as AppError).fieldErrors?.[""]?.[0]).toMatch(/at least one/);
    });

    it("turns Amazon failures into an error with the actionable message", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const account = await connectAccountManually(db, admin, manual, { keyring });
      fake.revokeRefreshToken(manual.refreshToken);
      const e = await rejection(discoverInstances(db, admin, account.id, deps));
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).message).toMatch(/reconnect the account/);
      expect((await accountRow(manual.accountId))?.status).toBe("needs_reauthorization");
    });
  });

  describe("members", () => {
    it("cannot check an account or import its instances, and nothing is written or sent to Amazon", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const existing = await connectAccountManually(db, admin, manual, { keyring, now: NOW });
      const before = { accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) };

      const calls: [string, () => Promise<unknown>][] = [
        ["testConnection", () => testConnection(db, member, existing.id, deps)],
        ["discoverInstances", () => discoverInstances(db, member, existing.id, deps)],
        ["importInstances", () => importInstances(db, member, existing.id, ["amcstd1"], deps)],
      ];
      for (const [name, call] of calls) {
        const e = await rejection(call());
        expect(e, name).toBeInstanceOf(AppError);
        expect((e as AppError).code, name).toBe("FORBIDDEN");
      }

      expect({ accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) }).toEqual(before);
      expect(fake.requests).toHaveLength(0);
      const row = await accountRow(existing.accountId);
      expect(row?.lastCheckedAt).toBeNull();
    });
  });
});
