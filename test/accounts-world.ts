import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach } from "vitest";
import type { Database } from "../db/client";
import type { SessionUser } from "../db/queries/access";
import { amcAccounts, amcInstances, amcOauthStates } from "../db/schema";
import type { AmcDeps } from "../lib/amc/accounts/discovery";
import type { OAuthOptions } from "../lib/amc/accounts/oauth";
import { resolveAmcEndpoints } from "../lib/amc/live/config";
import { keyringFrom } from "../lib/crypto/secrets";
import { makeUser } from "./factories";
import { FakeAmcServer, testRuntime, type FakeInstance } from "./fake-amc-server";

/** Admins, a member and a fake Amazon per test, for the lib/amc/accounts tests (tests only). */

export const keyring = keyringFrom(randomBytes(32).toString("base64"));
export const otherKeyring = keyringFrom(randomBytes(32).toString("base64"));
export const NOW = new Date("2026-10-01T12:00:00Z");
export const REDIRECT_URI = "https://reports.example.com/api/amc/oauth/callback";

// The key otherKeyring was made from, for a keyring that has it as an "old" key.
export function otherKeyringKey(): string {
  return [...otherKeyring.all.values()][0]?.toString("base64") ?? "";
}

let seq = 0;

/** Call at the top level of a test file, after freshDatabase(). */
export async function accountsWorld(db: Database) {
  const servers: FakeAmcServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const admin: SessionUser = await makeUser(db, { name: "Admin", role: "admin" });
  const member: SessionUser = await makeUser(db, { name: "Member" });
  const otherAdmin: SessionUser = await makeUser(db, { name: "Other admin", role: "admin" });

  const accountRow = async (accountId: string) =>
    (await db.select().from(amcAccounts).where(eq(amcAccounts.accountId, accountId)))[0];
  const count = async (table: typeof amcAccounts | typeof amcInstances | typeof amcOauthStates) =>
    (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n ?? 0;
  const stateRow = async (state: string) =>
    (await db.select().from(amcOauthStates).where(eq(amcOauthStates.state, state)))[0];

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

  return { admin, member, otherAdmin, accountRow, count, stateRow, fakeAmazon, oauthOptions };
}
