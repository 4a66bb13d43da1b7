import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { FakeAmcServer, testRuntime, type FakeInstance } from "../../test/fake-amc-server";
import { amcAccounts, amcInstances, amcOauthStates, users } from "../../db/schema";
import type { SessionUser } from "../auth/access";
import { decryptSecret, keyringFrom } from "../crypto/secrets";
import { AppError } from "../errors";
import {
  AccountConnectError,
  completeAccountConnect,
  connectAccountManually,
  discoverInstances,
  importInstances,
  KEY_CHANGED_MESSAGE,
  oauthRedirectUri,
  startAccountConnect,
  STATE_TTL_MS,
  testConnection,
  type AmcDeps,
  type ManualConnectInput,
  type OAuthOptions,
} from "./accounts";
import { resolveAmcEndpoints } from "./live/config";

const keyring = keyringFrom(randomBytes(32).toString("base64"));
const otherKeyring = keyringFrom(randomBytes(32).toString("base64"));
const NOW = new Date("2026-10-01T12:00:00Z");
const REDIRECT_URI = "https://reports.example.com/api/amc/oauth/callback";

const servers: FakeAmcServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

let seq = 0;
/** A fake Amazon whose one advertiser (unique per test, account ids are unique in the table) owns two instances. */
async function fakeAmazon(options: { refreshToken?: string; instances?: (advertiserId: string) => FakeInstance[] } = {}) {
  seq++;
  const advertiserId = `ENTITYTEST${seq}${randomBytes(3).toString("hex").toUpperCase()}`;
  const refreshToken = options.refreshToken ?? `Atzr|test-refresh-${seq}-${randomBytes(8).toString("hex")}`;
  const instances = options.instances?.(advertiserId) ?? [
    {
      instanceId: `amcstd${seq}`,
      instanceName: "Brand US",
      instanceType: "STANDARD",
      region: "us-east-1",
      advertiserId,
      marketplaceId: "ATVPDKIKX0DER",
    },
    { instanceId: `amcsbx${seq}`, instanceName: "Brand US Sandbox", instanceType: "SANDBOX", region: "us-east-1", advertiserId },
  ];
  const fake = await FakeAmcServer.start({
    refreshTokens: [refreshToken],
    instances,
    accounts: [{ accountId: advertiserId, accountName: `Brand ${seq}`, marketplaceId: "ATVPDKIKX0DER" }],
  });
  servers.push(fake);
  const t = testRuntime({ start: NOW.getTime() });
  const deps: AmcDeps = { endpoints: resolveAmcEndpoints(fake.env()), runtime: t.runtime, keyring, now: NOW };
  const manual = {
    accountName: `Brand ${seq}`,
    region: "NA" as const,
    accountId: advertiserId,
    marketplaceId: "ATVPDKIKX0DER",
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    refreshToken,
  };
  return { fake, advertiserId, refreshToken, deps, manual, logs: t.logs };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("Amazon Ads accounts", async () => {
  const { db } = await freshDatabase();
  const [adminRow, memberRow, otherAdminRow] = await db
    .insert(users)
    .values([
      { email: "admin@example.com", name: "Admin", passwordHash: "x", role: "admin" },
      { email: "member@example.com", name: "Member", passwordHash: "x", role: "member" },
      { email: "admin2@example.com", name: "Other admin", passwordHash: "x", role: "admin" },
    ])
    .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
  if (!adminRow || !memberRow || !otherAdminRow) throw new Error("setup failed");
  const admin: SessionUser = adminRow;
  const member: SessionUser = memberRow;
  const otherAdmin: SessionUser = otherAdminRow;

  const accountRow = async (accountId: string) =>
    (await db.select().from(amcAccounts).where(eq(amcAccounts.accountId, accountId)))[0];
  const count = async (table: typeof amcAccounts | typeof amcInstances | typeof amcOauthStates) =>
    (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n ?? 0;
  const stateRow = async (state: string) =>
    (await db.select().from(amcOauthStates).where(eq(amcOauthStates.state, state)))[0];

  function oauthOptions(fake: FakeAmcServer, over: Partial<OAuthOptions> = {}): OAuthOptions {
    return {
      now: NOW,
      redirectUri: REDIRECT_URI,
      env: { ...fake.env(), LWA_CLIENT_ID: fake.clientId, LWA_CLIENT_SECRET: fake.clientSecret },
      runtime: testRuntime({ start: NOW.getTime() }).runtime,
      keyring,
      ...over,
    };
  }

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
    it("are refused by every function, and nothing is written or sent to Amazon", async () => {
      const { fake, manual, deps } = await fakeAmazon();
      const existing = await connectAccountManually(db, admin, { ...manual, accountId: `${manual.accountId}X` }, { keyring, now: NOW });
      const before = { accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) };
      const requestsBefore = fake.requests.length;

      const calls: [string, () => Promise<unknown>][] = [
        ["connectAccountManually", () => connectAccountManually(db, member, manual, { keyring })],
        ["startAccountConnect", () => startAccountConnect(db, member, { region: "NA" }, oauthOptions(fake))],
        ["testConnection", () => testConnection(db, member, existing.id, deps)],
        ["discoverInstances", () => discoverInstances(db, member, existing.id, deps)],
        ["importInstances", () => importInstances(db, member, existing.id, ["amcstd1"], deps)],
      ];
      for (const [name, call] of calls) {
        const e = await rejection(call());
        expect(e, name).toBeInstanceOf(AppError);
        expect((e as AppError).code, name).toBe("FORBIDDEN");
      }

      // A state a member somehow holds still cannot finish a connection.
      await db.insert(amcOauthStates).values({ state: "member-state-0123456789abcdef0123456789", userId: member.id, expiresAt: new Date(NOW.getTime() + 60_000) });
      const e = await rejection(
        completeAccountConnect(db, { state: "member-state-0123456789abcdef0123456789", code: "ANx", userId: member.id }, oauthOptions(fake)),
      );
      expect((e as AccountConnectError).reason).toBe("forbidden");

      expect({ accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) }).toEqual(before);
      expect(fake.requests.length).toBe(requestsBefore);
      const row = await accountRow(existing.accountId);
      expect(row?.lastCheckedAt).toBeNull();
    });
  });

  describe("connecting through Login with Amazon", () => {
    it("start remembers an unguessable state for ten minutes and returns the consent URL", async () => {
      const { fake } = await fakeAmazon();
      const { url } = await startAccountConnect(db, admin, { region: "EU" }, oauthOptions(fake));
      const consent = new URL(url);
      expect(`${consent.origin}${consent.pathname}`).toBe(`${fake.baseUrl}/ap/oa`);
      expect(consent.searchParams.get("client_id")).toBe(fake.clientId);
      expect(consent.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
      expect(consent.searchParams.get("response_type")).toBe("code");
      expect(consent.searchParams.get("scope")).toBe("advertising::campaign_management");
      const state = consent.searchParams.get("state") ?? "";
      expect(state.length).toBeGreaterThanOrEqual(32);

      const row = await stateRow(state);
      expect(row).toMatchObject({ userId: admin.id, region: "EU" });
      expect(row?.expiresAt.getTime()).toBe(NOW.getTime() + STATE_TTL_MS);
      // Never the app's client secret in the URL.
      expect(url).not.toContain(fake.clientSecret);
    });

    it("start says how to fix a server without LWA_CLIENT_ID / LWA_CLIENT_SECRET, and stores nothing", async () => {
      const { fake } = await fakeAmazon();
      const before = await count(amcOauthStates);
      const e = await rejection(startAccountConnect(db, admin, {}, oauthOptions(fake, { env: fake.env() })));
      expect(e).toBeInstanceOf(AccountConnectError);
      expect((e as AccountConnectError).reason).toBe("not_configured");
      expect((e as Error).message).toMatch(/LWA_CLIENT_ID.*LWA_CLIENT_SECRET.*manually/);
      expect(await count(amcOauthStates)).toBe(before);
    });

    it("sweeps expired states when a new attempt starts", async () => {
      const { fake } = await fakeAmazon();
      await db.insert(amcOauthStates).values({ state: "stale-state-0123456789abcdef0123456789", userId: admin.id, expiresAt: new Date(NOW.getTime() - 1) });
      await startAccountConnect(db, admin, {}, oauthOptions(fake));
      expect(await stateRow("stale-state-0123456789abcdef0123456789")).toBeUndefined();
    });

    async function consent(fake: FakeAmcServer, actor = admin) {
      const { url } = await startAccountConnect(db, actor, { region: "NA" }, oauthOptions(fake));
      // The fake consent page agrees at once and redirects back with a code and our state.
      const res = await fetch(url, { redirect: "manual" });
      const back = new URL(res.headers.get("location") ?? "");
      return { state: back.searchParams.get("state") ?? "", code: back.searchParams.get("code") ?? "" };
    }

    it("rejects an unknown state", async () => {
      const { fake } = await fakeAmazon();
      const e = await rejection(completeAccountConnect(db, { state: "not-a-state-we-made", code: "ANx", userId: admin.id }, oauthOptions(fake)));
      expect((e as AccountConnectError).reason).toBe("invalid_state");
      const none = await rejection(completeAccountConnect(db, { code: "ANx", userId: admin.id }, oauthOptions(fake)));
      expect((none as AccountConnectError).reason).toBe("invalid_state");
      expect(fake.requestsTo("token")).toHaveLength(0);
    });

    it("rejects an expired state and consumes it", async () => {
      const { fake } = await fakeAmazon();
      const { state, code } = await consent(fake);
      const late = new Date(NOW.getTime() + STATE_TTL_MS + 1);
      const e = await rejection(completeAccountConnect(db, { state, code, userId: admin.id }, oauthOptions(fake, { now: late })));
      expect((e as AccountConnectError).reason).toBe("expired_state");
      expect(await stateRow(state)).toBeUndefined();
      expect(fake.requestsTo("token")).toHaveLength(0);
    });

    it("rejects another user's state like an unknown one, and consumes it", async () => {
      const { fake } = await fakeAmazon();
      const { state, code } = await consent(fake, otherAdmin);
      const e = await rejection(completeAccountConnect(db, { state, code, userId: admin.id }, oauthOptions(fake)));
      expect((e as AccountConnectError).reason).toBe("invalid_state");
      expect(await stateRow(state)).toBeUndefined();
      // The rightful owner cannot use it any more either: single use.
      const again = await rejection(completeAccountConnect(db, { state, code, userId: otherAdmin.id }, oauthOptions(fake)));
      expect((again as AccountConnectError).reason).toBe("invalid_state");
      expect(fake.requestsTo("token")).toHaveLength(0);
    });

    it("reports Amazon's access_denied and consumes the state", async () => {
      const { fake } = await fakeAmazon();
      const { state } = await consent(fake);
      const e = await rejection(completeAccountConnect(db, { state, userId: admin.id, amazonError: "access_denied" }, oauthOptions(fake)));
      expect((e as AccountConnectError).reason).toBe("denied");
      expect(await stateRow(state)).toBeUndefined();
    });

    it("exchanges the code and stores each reachable account with encrypted tokens", async () => {
      const { fake, advertiserId } = await fakeAmazon();
      const { state, code } = await consent(fake);
      const result = await completeAccountConnect(db, { state, code, userId: admin.id }, oauthOptions(fake));

      expect(result.connected).toBe(1);
      expect(result.accounts[0]).toMatchObject({ accountId: advertiserId, status: "active", region: "NA", marketplaceId: "ATVPDKIKX0DER" });
      expect(JSON.stringify(result)).not.toContain("Atzr|");
      expect(await stateRow(state)).toBeUndefined();

      const exchange = fake.requestsTo("token").find((r) => new URLSearchParams(r.body).get("grant_type") === "authorization_code");
      expect(new URLSearchParams(exchange?.body).get("redirect_uri")).toBe(REDIRECT_URI);

      const row = await accountRow(advertiserId);
      expect(row?.clientId).toBe(fake.clientId);
      expect(row?.advertiserId).toBe(advertiserId);
      expect(row?.lastCheckedAt?.getTime()).toBe(NOW.getTime());
      expect(JSON.stringify(row)).not.toContain("Atzr|");
      expect(JSON.stringify(row)).not.toContain(fake.clientSecret);
      expect(decryptSecret(row?.clientSecretEncrypted ?? "", keyring)).toBe(fake.clientSecret);
      const refreshToken = decryptSecret(row?.refreshTokenEncrypted ?? "", keyring);
      expect(refreshToken).toMatch(/^Atzr\|fake-refresh-/);

      // The stored token really works: the account checks out against Amazon.
      const check = await testConnection(db, admin, row?.id ?? "", {
        endpoints: resolveAmcEndpoints(fake.env()),
        runtime: testRuntime().runtime,
        keyring,
        now: NOW,
      });
      expect(check).toMatchObject({ ok: true, instanceCount: 2 });

      // Replaying the callback does nothing: the state is gone.
      const replay = await rejection(completeAccountConnect(db, { state, code, userId: admin.id }, oauthOptions(fake)));
      expect((replay as AccountConnectError).reason).toBe("invalid_state");
    });

    it("says so when Amazon refuses the code, and stores nothing", async () => {
      const { fake, advertiserId } = await fakeAmazon();
      const { state } = await consent(fake);
      const e = await rejection(completeAccountConnect(db, { state, code: "ANforged", userId: admin.id }, oauthOptions(fake)));
      expect((e as AccountConnectError).reason).toBe("exchange_failed");
      expect(await accountRow(advertiserId)).toBeUndefined();
    });

    it("builds the redirect URI from APP_URL when set, else from the request", () => {
      expect(oauthRedirectUri("http://10.0.0.5:3000/api/amc/oauth/start?region=NA", {})).toBe(
        "http://10.0.0.5:3000/api/amc/oauth/callback",
      );
      expect(oauthRedirectUri("http://10.0.0.5:3000/x", { APP_URL: "https://reports.example.com/" })).toBe(
        "https://reports.example.com/api/amc/oauth/callback",
      );
      expect(() => oauthRedirectUri("http://h/x", { APP_URL: "not a url" })).toThrow(/APP_URL/);
    });
  });

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

  // The key otherKeyring was made from, for a keyring that has it as an "old" key.
  function otherKeyringKey(): string {
    return [...otherKeyring.all.values()][0]?.toString("base64") ?? "";
  }
});
