import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountsWorld, keyring, NOW } from "../../../test/accounts-world";
import { freshDatabase } from "../../../test/db";
import { rejection } from "../../../test/rejection";
import { amcAccounts, amcInstances, amcOauthStates } from "../../../db/schema";
import { decryptSecret } from "../../crypto/secrets";
import { AppError } from "../../errors";
import { connectAccountManually, type ManualConnectInput } from "./credentials";

describe("Amazon Ads accounts: credentials", async () => {
  const { db } = await freshDatabase();
  const { admin, member, accountRow, count, fakeAmazon } = await accountsWorld(db);

  describe("manual connection", () => {
    it("stores the client secret and refresh token only as ciphertext and returns no secret", async () => {
      const { manual } = await fakeAmazon();
      const view = await connectAccountManually(db, admin, manual, { keyring, now: NOW });

      expect(view).toMatchObject({ accountId: manual.accountId, accountName: manual.accountName, region: "NA", status: "active" });
      expect(Object.keys(view).sort()).toEqual(
        ["accountId", "accountName", "id", "lastCheckedAt", "lastError", "marketplaceId", "region", "status"].sort(),
      );
      expect(JSON.stringify(view)).not.toContain(manual.clientSecret);
      expect(JSON.stringify(view)).not.toContain(manual.refreshToken);

      const row = await accountRow(manual.accountId);
      expect(row?.advertiserId).toBe(manual.accountId);
      expect(row?.clientId).toBe(manual.clientId);
      // Nothing in the row, secret columns included, holds either plaintext.
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(manual.clientSecret);
      expect(stored).not.toContain(manual.refreshToken);
      expect(stored).not.toContain("Atzr|");
      expect(row?.clientSecretEncrypted).toMatch(/^v1\./);
      expect(decryptSecret(row?.clientSecretEncrypted ?? "", keyring)).toBe(manual.clientSecret);
      expect(decryptSecret(row?.refreshTokenEncrypted ?? "", keyring)).toBe(manual.refreshToken);
    });

    it("upserts by account id: connecting again replaces the credentials on the same row", async () => {
      const { manual } = await fakeAmazon();
      const first = await connectAccountManually(db, admin, manual, { keyring, now: NOW });
      await db.update(amcAccounts).set({ status: "needs_reauthorization", lastError: "revoked" }).where(eq(amcAccounts.id, first.id));

      const second = await connectAccountManually(
        db,
        admin,
        { ...manual, accountName: "Renamed", refreshToken: "Atzr|a-new-one", marketplaceId: "" },
        { keyring, now: NOW },
      );
      expect(second.id).toBe(first.id);
      expect(second).toMatchObject({ accountName: "Renamed", status: "active", lastError: null, marketplaceId: null });
      const rows = await db.select().from(amcAccounts).where(eq(amcAccounts.accountId, manual.accountId));
      expect(rows).toHaveLength(1);
      expect(decryptSecret(rows[0]?.refreshTokenEncrypted ?? "", keyring)).toBe("Atzr|a-new-one");
    });

    it("lists each bad field, and refuses unknown keys", async () => {
      const e = await rejection(
        connectAccountManually(
          db,
          admin,
          { accountName: " ", region: "US", accountId: "ENTITY 1", clientId: "", clientSecret: "", refreshToken: "" } as unknown as ManualConnectInput,
          { keyring },
        ),
      );
      expect(e).toBeInstanceOf(AppError);
      const fields = (e as AppError).fieldErrors ?? {};
      expect(Object.keys(fields).sort()).toEqual(["accountId", "accountName", "clientId", "clientSecret", "refreshToken", "region"]);

      const { manual } = await fakeAmazon();
      const extra = await rejection(connectAccountManually(db, admin, { ...manual, status: "active" } as typeof manual, { keyring }));
      expect((extra as AppError).code).toBe("VALIDATION_ERROR");
      expect(await accountRow(manual.accountId)).toBeUndefined();
    });
  });

  describe("members", () => {
    it("cannot store credentials, and nothing is written or sent to Amazon", async () => {
      const { fake, manual } = await fakeAmazon();
      const before = { accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) };

      const e = await rejection(connectAccountManually(db, member, manual, { keyring }));
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("FORBIDDEN");

      expect({ accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) }).toEqual(before);
      expect(fake.requests).toHaveLength(0);
    });
  });
});
