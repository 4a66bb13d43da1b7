import { randomBytes } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client";
import { type SessionUser } from "../../../db/queries/access";
import { accountViewColumns, type AccountView } from "../../../db/queries/instances";
import { amcAccounts, amcOauthStates, users } from "../../../db/schema";
import { recordAudit } from "../../audit/record";
import { assertAdmin } from "../../auth/access";
import { encryptSecret } from "../../crypto/secrets";
import { AppError, parseInput } from "../../errors";
import { AmcError } from "../gateway";
import { createLiveGateway, type LiveAmcGateway } from "../live/client";
import { AMC_REGIONS, isAmcRegion, resolveAmcEndpoints, type AmcEndpoints, type AmcRegion } from "../live/config";
import { buildAuthorizeUrl, exchangeAuthorizationCode } from "../live/lwa";
import { defaultRuntime, type Runtime } from "../live/runtime";
import { appKeyring, type Keyring } from "./credentials";
import { AccountConnectError, type ConnectFailure } from "./messages";
import { fromExcluded } from "./upsert";

/**
 * Connecting Amazon Ads accounts through Login with Amazon (the authorization-code flow): the
 * app's own LWA client, its public origin and redirect URI, and the two steps around Amazon's
 * consent page. Admins only.
 */

export const STATE_TTL_MS = 10 * 60_000;

const lwaEnv = z.object({
  LWA_CLIENT_ID: z.string().trim().min(1).optional().catch(undefined),
  LWA_CLIENT_SECRET: z.string().trim().min(1).optional().catch(undefined),
});

/** The app's own Login with Amazon client, or null when the server is not set up for it. */
export function lwaAppClient(env: Record<string, string | undefined> = process.env): { clientId: string; clientSecret: string } | null {
  const e = lwaEnv.parse({ LWA_CLIENT_ID: env.LWA_CLIENT_ID, LWA_CLIENT_SECRET: env.LWA_CLIENT_SECRET });
  return e.LWA_CLIENT_ID && e.LWA_CLIENT_SECRET ? { clientId: e.LWA_CLIENT_ID, clientSecret: e.LWA_CLIENT_SECRET } : null;
}

const appUrl = z.url({ protocol: /^https?$/ });

/**
 * The app's public origin: APP_URL when set (behind a proxy the request's own origin may be an
 * internal address, and Amazon only accepts the redirect URL registered for the app), else the
 * request's.
 */
export function appBaseUrl(requestUrl: string, env: Record<string, string | undefined> = process.env): string {
  const configured = env.APP_URL?.trim();
  if (!configured) return new URL(requestUrl).origin;
  const parsed = appUrl.safeParse(configured);
  if (!parsed.success) throw new AppError("INTERNAL", "APP_URL must be an http(s) URL such as https://reports.example.com.");
  return parsed.data.replace(/\/+$/, "");
}

/** Where Amazon sends the admin back after the consent page. */
export function oauthRedirectUri(requestUrl: string, env: Record<string, string | undefined> = process.env): string {
  return `${appBaseUrl(requestUrl, env)}/api/amc/oauth/callback`;
}

function requireLwaClient(env: Record<string, string | undefined>) {
  const client = lwaAppClient(env);
  if (!client) throw new AccountConnectError("not_configured", "CONFLICT");
  return client;
}

export interface OAuthOptions {
  now: Date;
  redirectUri: string;
  /** Where LWA_CLIENT_ID/SECRET and endpoint overrides are read; process.env by default. */
  env?: Record<string, string | undefined>;
  endpoints?: AmcEndpoints;
  runtime?: Partial<Runtime>;
  keyring?: Keyring;
}

const regionInput = z.strictObject({ region: z.enum(AMC_REGIONS, "Choose NA, EU or FE.").default("NA") });

/**
 * Step 1: remembers an unguessable `state` for this admin (in the database, so the callback may
 * land on any server) and returns Amazon's consent URL.
 */
export async function startAccountConnect(
  db: Database,
  actor: SessionUser,
  input: { region?: string },
  options: OAuthOptions,
): Promise<{ url: string }> {
  assertAdmin(actor);
  const { region } = parseInput(regionInput, input);
  const env = options.env ?? process.env;
  const client = requireLwaClient(env);
  const endpoints = options.endpoints ?? resolveAmcEndpoints(env);
  const state = randomBytes(32).toString("base64url");
  // Abandoned attempts are swept here rather than by a job: starting one is rare and cheap.
  await db.delete(amcOauthStates).where(lt(amcOauthStates.expiresAt, options.now));
  await db.insert(amcOauthStates).values({
    state,
    userId: actor.id,
    region,
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + STATE_TTL_MS),
  });
  const url = buildAuthorizeUrl({
    authorizeUrl: endpoints[region].authorizeUrl,
    clientId: client.clientId,
    redirectUri: options.redirectUri,
    state,
  });
  return { url };
}

const completeInput = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(4096).optional(),
  userId: z.uuid(),
  /** Amazon's own `error` parameter (e.g. access_denied when the admin clicked Cancel). */
  amazonError: z.string().max(200).optional(),
});

/**
 * Step 2, from the callback: consumes the state (single use, whatever happens next), exchanges the
 * code, and stores every AMC account the login reaches, each with the refresh token encrypted.
 *
 * Every reachable account is stored rather than asking the admin to pick: an account row costs
 * nothing until instances are imported from it, the admin still chooses which instances to import,
 * and the flow stays one redirect with no half-finished "pending connection" to keep anywhere.
 */
export async function completeAccountConnect(
  db: Database,
  input: { state?: string; code?: string; userId: string; amazonError?: string },
  options: OAuthOptions,
): Promise<{ connected: number; accounts: AccountView[] }> {
  const parsed = completeInput.safeParse(input);
  if (!parsed.success || !parsed.data.state) throw new AccountConnectError("invalid_state", "VALIDATION_ERROR");
  const { state, code, userId, amazonError } = parsed.data;

  const [pending] = await db.delete(amcOauthStates).where(eq(amcOauthStates.state, state)).returning();
  // Another user's state is reported exactly like an unknown one: nothing to learn by probing.
  if (!pending || pending.userId !== userId) throw new AccountConnectError("invalid_state", "VALIDATION_ERROR");
  if (pending.expiresAt.getTime() <= options.now.getTime()) throw new AccountConnectError("expired_state", "VALIDATION_ERROR");

  if (amazonError) throw new AccountConnectError(amazonError === "access_denied" ? "denied" : "amazon_error", "CONFLICT");
  if (!code) throw new AccountConnectError("amazon_error", "VALIDATION_ERROR");

  // Re-read: an admin demoted during the consent page must not finish connecting.
  const [user] = await db.select({ role: users.role, email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  if (user?.role !== "admin") throw new AccountConnectError("forbidden", "FORBIDDEN");

  const env = options.env ?? process.env;
  const client = requireLwaClient(env);
  const region: AmcRegion = isAmcRegion(pending.region) ? pending.region : "NA";
  const endpoints = options.endpoints ?? resolveAmcEndpoints(env);
  const keyring = options.keyring ?? appKeyring();

  const amazonFailure = (e: unknown, otherwise: ConnectFailure): never => {
    if (!(e instanceof AmcError)) throw e;
    const reason = e.cause === "transient" || e.cause === "rate_limited" ? "amazon_unavailable" : otherwise;
    // The admin sees the short reason; the operator gets Amazon's answer (ids and codes only, no secrets).
    defaultRuntime(options.runtime).log("warn", "amc.connect.failed", {
      reason,
      cause: e.cause,
      httpStatus: e.httpStatus,
      amcCode: e.amcCode,
    });
    throw new AccountConnectError(reason, reason === "amazon_unavailable" ? "RATE_LIMITED" : "CONFLICT");
  };

  let refreshToken: string;
  try {
    ({ refreshToken } = await exchangeAuthorizationCode(
      { tokenUrl: endpoints[region].tokenUrl, ...client, code, redirectUri: options.redirectUri },
      { runtime: options.runtime },
    ));
  } catch (e) {
    return amazonFailure(e, "exchange_failed");
  }

  let found: Awaited<ReturnType<LiveAmcGateway["listAccounts"]>>;
  try {
    found = await createLiveGateway({ region, ...client, refreshToken }, { endpoints, runtime: options.runtime }).listAccounts();
  } catch (e) {
    return amazonFailure(e, "amazon_error");
  }
  // One row per account id: a duplicate in Amazon's list would make the upsert touch a row twice.
  const unique = [...new Map(found.map((a) => [a.accountId, a])).values()];
  if (unique.length === 0) throw new AccountConnectError("no_accounts", "CONFLICT");

  const now = options.now;
  const rows = unique.map((a) => ({
    accountId: a.accountId,
    accountName: a.accountName,
    region: a.region && isAmcRegion(a.region) ? a.region : region,
    marketplaceId: a.marketplaceId ?? null,
    advertiserId: a.accountId,
    clientId: client.clientId,
    // Encrypted per row (fresh IV each): rows never share a ciphertext.
    clientSecretEncrypted: encryptSecret(client.clientSecret, keyring),
    refreshTokenEncrypted: encryptSecret(refreshToken, keyring),
    status: "active",
    lastError: null,
    lastCheckedAt: now,
    updatedAt: now,
  }));
  const accounts = await db.transaction(async (tx) => {
    const saved = await tx
      .insert(amcAccounts)
      .values(rows)
      .onConflictDoUpdate({
        target: amcAccounts.accountId,
        set: {
          ...fromExcluded(
            amcAccounts,
            ["accountName", "region", "marketplaceId", "advertiserId", "clientId", "clientSecretEncrypted", "refreshTokenEncrypted", "status", "lastCheckedAt", "updatedAt"],
          ),
          // A fresh authorization clears the last failure.
          lastError: null,
        },
      })
      .returning(accountViewColumns);
    // One entry per account, with the upsert: ids and names, never the code or the tokens.
    for (const a of unique) {
      await recordAudit(tx, {
        actor: { id: userId, email: user.email },
        action: "account.connect",
        targetType: "amc_account",
        targetId: a.accountId,
        details: { accountName: a.accountName, region: a.region && isAmcRegion(a.region) ? a.region : region, via: "oauth" },
        now,
      });
    }
    return saved;
  });
  return { connected: accounts.length, accounts };
}
