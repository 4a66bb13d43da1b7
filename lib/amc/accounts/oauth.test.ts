import { describe, expect, it } from "vitest";
import { accountsWorld, keyring, NOW, REDIRECT_URI } from "../../../test/accounts-world";
import { freshDatabase } from "../../../test/db";
import { testRuntime, type FakeAmcServer } from "../../../test/fake-amc-server";
import { rejection } from "../../../test/rejection";
import { amcAccounts, amcInstances, amcOauthStates } from "../../../db/schema";
import { decryptSecret } from "../../crypto/secrets";
import { AppError } from "../../errors";
import { resolveAmcEndpoints } from "../live/config";
import { testConnection } from "./discovery";
import { AccountConnectError } from "./messages";
import { completeAccountConnect, oauthRedirectUri, startAccountConnect, STATE_TTL_MS } from "./oauth";

describe("Amazon Ads accounts: connecting through Login with Amazon", async () => {
  const { db } = await freshDatabase();
  const { admin, member, otherAdmin, accountRow, count, stateRow, fakeAmazon, oauthOptions } = await accountsWorld(db);

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

  describe("members", () => {
    it("cannot start or finish a connection, and nothing is written or sent to Amazon", async () => {
      const { fake } = await fakeAmazon();
      const before = { accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) };

      const started = await rejection(startAccountConnect(db, member, { region: "NA" }, oauthOptions(fake)));
      expect(started).toBeInstanceOf(AppError);
      expect((started as AppError).code).toBe("FORBIDDEN");

      // A state a member somehow holds still cannot finish a connection.
      await db.insert(amcOauthStates).values({ state: "member-state-0123456789abcdef0123456789", userId: member.id, expiresAt: new Date(NOW.getTime() + 60_000) });
      const e = await rejection(
        completeAccountConnect(db, { state: "member-state-0123456789abcdef0123456789", code: "ANx", userId: member.id }, oauthOptions(fake)),
      );
      expect((e as AccountConnectError).reason).toBe("forbidden");

      expect({ accounts: await count(amcAccounts), instances: await count(amcInstances), states: await count(amcOauthStates) }).toEqual(before);
      expect(fake.requests).toHaveLength(0);
    });
  });
});
