import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { amcRejection } from "../../test/rejection";
import { freshDatabase } from "../../test/db";
import { makeInstance } from "../../test/factories";
import { FakeGateway } from "../../test/fake-gateway";
import { FAKE_ADVERTISER_ID, FAKE_REFRESH_TOKEN, fakeAccountColumns, FakeAmcServer, testRuntime } from "../../test/fake-amc-server";
import { amcAccounts, amcInstances } from "../../db/schema";
import { decryptSecret, encryptSecret, keyringFrom } from "../crypto/secrets";
import type { InstanceRef } from "../engine/deps";
import { KEY_CHANGED_MESSAGE } from "./accounts/messages";
import type { AmcGateway, SubmitRequest } from "./gateway";
import type { LiveAmcGateway } from "./live/client";
import { resolveAmcEndpoints } from "./live/config";
import { clearTokenProviders, createGatewayResolver, type GatewayResolverOptions } from "./resolve";

const keyring = keyringFrom(randomBytes(32).toString("base64"));
const NOW = new Date("2026-10-01T12:00:00Z");

const request: SubmitRequest = {
  instanceId: "amcabc123",
  sql: "SELECT campaign, SUM(impressions) AS impressions FROM sponsored_ads_traffic GROUP BY campaign",
  timeWindow: { start: "2026-09-01T00:00:00", end: "2026-09-08T00:00:00", timeZone: "America/New_York" },
};

describe("createGatewayResolver", async () => {
  const { db } = await freshDatabase();
  let fake: FakeAmcServer;

  beforeEach(async () => {
    clearTokenProviders();
    fake = await FakeAmcServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  let n = 0;
  /** An account reaching the fake's advertiser (account ids are unique, the advertiser header is not). */
  async function makeAccount(over: Partial<typeof amcAccounts.$inferInsert> = {}) {
    n++;
    const [row] = await db
      .insert(amcAccounts)
      .values({
        accountId: `ENTITYRESOLVE${n}`,
        accountName: `Account ${n}`,
        ...fakeAccountColumns(fake, keyring),
        ...over,
      })
      .returning();
    if (!row) throw new Error("setup failed");
    return row;
  }

  /** The fake's STANDARD instance amcabc123, linked to `accountUuid`; a fresh row per test. */
  async function standardInstance(accountUuid: string | null): Promise<InstanceRef> {
    await db.delete(amcInstances).where(eq(amcInstances.instanceId, "amcabc123"));
    const row = await makeInstance(db, { instanceId: "amcabc123", instanceType: "STANDARD", accountId: accountUuid });
    return { id: row.id, instanceId: row.instanceId, instanceType: "STANDARD", accountId: accountUuid, isBuiltinSandbox: false };
  }

  function resolver(over: Partial<GatewayResolverOptions> = {}) {
    const sandboxCalls: InstanceRef[] = [];
    const resolve = createGatewayResolver(db, {
      sandbox: (instance) => {
        sandboxCalls.push(instance);
        return new FakeGateway();
      },
      endpoints: resolveAmcEndpoints(fake.env()),
      runtime: testRuntime({ start: NOW.getTime() }).runtime,
      keyring,
      now: () => NOW,
      ...over,
    });
    return { resolve, sandboxCalls };
  }

  const accountRow = async (id: string) => (await db.select().from(amcAccounts).where(eq(amcAccounts.id, id)))[0];

  it("hands the built-in sandbox instance to the sandbox factory without touching accounts or Amazon", async () => {
    const { resolve, sandboxCalls } = resolver();
    const row = await makeInstance(db, { instanceType: "SANDBOX", isBuiltinSandbox: true });
    const ref: InstanceRef = { id: row.id, instanceId: row.instanceId, instanceType: "SANDBOX", accountId: null, isBuiltinSandbox: true };
    const gw = await resolve(ref);
    expect(gw).toBeInstanceOf(FakeGateway);
    expect(sandboxCalls).toEqual([ref]);
    expect(fake.requests).toHaveLength(0);
  });

  it("sends a SANDBOX instance discovered in a customer's account to AMC: Amazon's sandboxes are real AMC instances", async () => {
    const account = await makeAccount();
    await db.delete(amcInstances).where(eq(amcInstances.instanceId, "amcsandbox1"));
    // As discovery stores it: type SANDBOX, linked to the account, not the built-in one.
    const row = await makeInstance(db, { instanceId: "amcsandbox1", instanceType: "SANDBOX", isBuiltinSandbox: false, accountId: account.id });
    const ref: InstanceRef = { id: row.id, instanceId: row.instanceId, instanceType: "SANDBOX", accountId: account.id, isBuiltinSandbox: false };
    const { resolve, sandboxCalls } = resolver();

    const gw = await resolve(ref);
    const { amcExecutionId } = await gw.submit({ ...request, instanceId: "amcsandbox1" });
    expect(sandboxCalls).toHaveLength(0);
    expect(fake.execution(amcExecutionId).instanceId).toBe("amcsandbox1");
  });

  it("builds a live gateway for STANDARD instances that talks to Amazon with the decrypted credentials", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    const { resolve, sandboxCalls } = resolver();

    const gw = await resolve(ref);
    const { amcExecutionId } = await gw.submit(request);
    expect(amcExecutionId).toMatch(/^wfe-/);
    expect(sandboxCalls).toHaveLength(0);

    const token = fake.requestsTo("token")[0];
    const form = new URLSearchParams(token?.body);
    expect(form.get("refresh_token")).toBe(FAKE_REFRESH_TOKEN);
    expect(form.get("client_secret")).toBe(fake.clientSecret);
    const create = fake.requestsTo("create")[0];
    expect(create?.headers["amazon-advertising-api-advertiserid"]).toBe(FAKE_ADVERTISER_ID);
    expect(create?.headers["amazon-advertising-api-marketplaceid"]).toBe("ATVPDKIKX0DER");
    expect(create?.headers.authorization).toMatch(/^Bearer Atza\|/);
  });

  it("reuses one token provider per account: two resolves, two submits, one token refresh", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    const { resolve } = resolver();

    const first = await resolve(ref);
    await first.submit(request);
    // A second resolver (the next engine pass) shares the process-wide cache.
    const second = await resolver().resolve(ref);
    await second.submit(request);

    expect(fake.requestsTo("create")).toHaveLength(2);
    expect(fake.tokenRefreshes).toBe(1);
    expect((second as LiveAmcGateway).tokens).toBe((first as LiveAmcGateway).tokens);
  });

  it("builds a new provider after a reconnect changed the stored refresh token", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    const { resolve } = resolver();
    const before = (await resolve(ref)) as LiveAmcGateway;

    await db
      .update(amcAccounts)
      .set({ refreshTokenEncrypted: encryptSecret(FAKE_REFRESH_TOKEN, keyring) })
      .where(eq(amcAccounts.id, account.id));
    const after = (await resolve(ref)) as LiveAmcGateway;
    expect(after.tokens).not.toBe(before.tokens);
  });

  it("marks the account when Amazon refuses the refresh token, then fails fast without calling Amazon", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    const { resolve } = resolver();

    const gw = await resolve(ref);
    const e = await amcRejection(gw.submit(request));
    expect(e.cause).toBe("reauthorize");
    const row = await accountRow(account.id);
    expect(row?.status).toBe("needs_reauthorization");
    expect(row?.lastError).toMatch(/Amazon refused the stored authorization \(invalid_grant\); reconnect the account\./);
    expect(row?.lastCheckedAt?.getTime()).toBe(NOW.getTime());
    // Pitfall 36: the token stays; only an admin's reconnect replaces it.
    expect(row?.refreshTokenEncrypted).toBe(account.refreshTokenEncrypted);

    const tokenCalls = fake.requestsTo("token").length;
    const again = await amcRejection(resolve(ref));
    expect(again.cause).toBe("reauthorize");
    expect(again.message).toBe(row?.lastError);
    expect(fake.requestsTo("token")).toHaveLength(tokenCalls);
  });

  it("does not mark a connection broken by an answer about the token it replaced", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    const gw = await resolver().resolve(ref);
    // An admin reconnects while the old token is being refused.
    const fresh = encryptSecret("Atzr|reconnected", keyring);
    await db.update(amcAccounts).set({ refreshTokenEncrypted: fresh }).where(eq(amcAccounts.id, account.id));

    await amcRejection(gw.submit(request));
    expect(await accountRow(account.id)).toMatchObject({ status: "active", refreshTokenEncrypted: fresh });
  });

  it("stores a rotated refresh token encrypted and keeps the warm provider", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    const { resolve } = resolver();
    const gw = (await resolve(ref)) as LiveAmcGateway;
    fake.failNext("token", {
      status: 200,
      body: { access_token: "Atza|rotating", token_type: "bearer", expires_in: 3600, refresh_token: "Atzr|rotated" },
    });
    await gw.tokens.getAccessToken();

    const row = await accountRow(account.id);
    expect(row?.refreshTokenEncrypted).not.toContain("Atzr|");
    expect(decryptSecret(row?.refreshTokenEncrypted ?? "", keyring)).toBe("Atzr|rotated");
    expect(((await resolve(ref)) as LiveAmcGateway).tokens).toBe(gw.tokens);
  });

  it("refuses an instance with no account, clearly", async () => {
    const ref = await standardInstance(null);
    const e = await amcRejection(resolver().resolve(ref));
    expect(e.cause).toBe("reauthorize");
    expect(e.message).toContain("This instance is not linked to a connected Amazon Ads account");
    expect(fake.requests).toHaveLength(0);
  });

  it("marks the account when its secrets cannot be decrypted, keeping them", async () => {
    const other = keyringFrom(randomBytes(32).toString("base64"));
    const account = await makeAccount({ refreshTokenEncrypted: encryptSecret(FAKE_REFRESH_TOKEN, other) });
    const ref = await standardInstance(account.id);

    const e = await amcRejection(resolver().resolve(ref));
    expect(e.cause).toBe("reauthorize");
    expect(e.message).toBe(KEY_CHANGED_MESSAGE);
    expect(await accountRow(account.id)).toMatchObject({
      status: "needs_reauthorization",
      lastError: KEY_CHANGED_MESSAGE,
      refreshTokenEncrypted: account.refreshTokenEncrypted,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a disabled account as a permission problem", async () => {
    const account = await makeAccount({ status: "disabled" });
    const ref = await standardInstance(account.id);
    const e = await amcRejection(resolver().resolve(ref));
    expect(e.cause).toBe("permission");
    expect(fake.requests).toHaveLength(0);
  });

  it("resolves to the gateway type the engine expects", async () => {
    const account = await makeAccount();
    const ref = await standardInstance(account.id);
    const gw: AmcGateway = await resolver().resolve(ref);
    expect(await gw.listInstances()).toHaveLength(2);
  });
});
