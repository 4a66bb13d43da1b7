import { randomBytes } from "node:crypto";
import { eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { amcAccounts, amcInstances, amcOauthStates, users } from "../../db/schema";
import { assertAdmin, type SessionUser } from "../auth/access";
import {
  decryptSecret,
  encryptSecret,
  keyringFromEnv,
  SecretDecryptionError,
  type keyringFrom,
} from "../crypto/secrets";
import { AppError, notFound, parseInput, type ErrorCode } from "../errors";
import { AmcError, type DiscoveredInstance } from "./gateway";
import { createLiveGateway, type AmcConnection, type LiveAmcGateway } from "./live/client";
import { AMC_REGIONS, isAmcRegion, resolveAmcEndpoints, type AmcEndpoints, type AmcRegion } from "./live/config";
import { buildAuthorizeUrl, exchangeAuthorizationCode } from "./live/lwa";
import { clip, defaultRuntime, redact, type Runtime } from "./live/runtime";

/**
 * Amazon Ads accounts: connecting them (by hand or through Login with Amazon), checking them,
 * and importing their AMC instances. Admins only. Secrets go in encrypted and never come back
 * out of this module except as the decrypted connection handed to the live client.
 */

export type Keyring = ReturnType<typeof keyringFrom>;
type AccountRow = typeof amcAccounts.$inferSelect;

/** What may leave the server about an account: never a secret column. */
export const accountViewColumns = {
  id: amcAccounts.id,
  accountId: amcAccounts.accountId,
  accountName: amcAccounts.accountName,
  region: amcAccounts.region,
  marketplaceId: amcAccounts.marketplaceId,
  status: amcAccounts.status,
  lastError: amcAccounts.lastError,
  lastCheckedAt: amcAccounts.lastCheckedAt,
};
export interface AccountView {
  id: string;
  accountId: string;
  accountName: string;
  region: string;
  marketplaceId: string | null;
  status: string;
  lastError: string | null;
  lastCheckedAt: Date | null;
}

/** How the live client is reached; tests point it at the fake server and never sleep. */
export interface AmcDeps {
  endpoints?: AmcEndpoints;
  runtime?: Partial<Runtime>;
  keyring?: Keyring;
  now?: Date;
}

export const STATE_TTL_MS = 10 * 60_000;

// ---- messages ------------------------------------------------------------------------------

export const KEY_CHANGED_MESSAGE =
  "The stored Amazon Ads credentials can no longer be decrypted: the app's encryption key (APP_ENCRYPTION_KEY) changed. " +
  "Put the previous key in APP_ENCRYPTION_KEYS_OLD, or reconnect the account.";
export const NO_CREDENTIALS_MESSAGE = "No Amazon Ads credentials are stored for this account; reconnect it.";
export const REAUTHORIZE_MESSAGE = "Amazon refused the stored authorization; reconnect the account.";
export const TRANSIENT_MESSAGE = "Amazon Ads did not answer; try again in a few minutes.";

/** An AMC failure as an admin can act on it, chosen by its typed cause (never by its text). */
export function explainAccountError(e: AmcError): string {
  switch (e.cause) {
    case "reauthorize":
      return e.amcCode ? `Amazon refused the stored authorization (${e.amcCode}); reconnect the account.` : REAUTHORIZE_MESSAGE;
    case "auth":
      return "Amazon Ads did not accept the access token even after a refresh; reconnect the account.";
    case "permission":
      return `Amazon Ads refused access (HTTP 403): check the Account id, and that this login has AMC access in Amazon Ads. ${e.message}`;
    case "not_found":
    case "invalid_query":
      return `Amazon Ads rejected the request: check the Account id and Marketplace id. ${e.message}`;
    case "rate_limited":
    case "transient":
      return TRANSIENT_MESSAGE;
  }
}

// ---- shared plumbing (also used by resolve.ts) ----------------------------------------------

/** APP_ENCRYPTION_KEY's keyring; a missing or malformed key is a configuration error, said plainly. */
export function appKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
  try {
    return keyringFromEnv(env);
  } catch (e) {
    throw new AppError("INTERNAL", `Stored Amazon Ads secrets cannot be used: ${e instanceof Error ? e.message : "no key"}.`);
  }
}

class MissingCredentialsError extends Error {}

/** The account's connection with its secrets decrypted. Throws SecretDecryptionError / MissingCredentialsError. */
export function decryptConnection(account: AccountRow, keyring: Keyring): AmcConnection {
  if (!account.clientId || !account.clientSecretEncrypted || !account.refreshTokenEncrypted || !isAmcRegion(account.region)) {
    throw new MissingCredentialsError("incomplete credentials");
  }
  const connection: AmcConnection = {
    region: account.region,
    clientId: account.clientId,
    clientSecret: decryptSecret(account.clientSecretEncrypted, keyring),
    refreshToken: decryptSecret(account.refreshTokenEncrypted, keyring),
  };
  const advertiserId = account.advertiserId ?? account.accountId;
  if (advertiserId) connection.advertiserId = advertiserId;
  if (account.marketplaceId) connection.marketplaceId = account.marketplaceId;
  return connection;
}

/** Why a stored connection cannot be used, or undefined if `e` is some other failure. */
export function unusableCredentialsMessage(e: unknown): string | undefined {
  if (e instanceof SecretDecryptionError) return KEY_CHANGED_MESSAGE;
  if (e instanceof MissingCredentialsError) return NO_CREDENTIALS_MESSAGE;
  return undefined;
}

type AccountUpdate = Partial<Pick<AccountRow, "status" | "lastError" | "lastCheckedAt" | "refreshTokenEncrypted">>;

/**
 * Updates an account only if its refresh token is still the one we used: an admin who reconnected
 * in the meantime must not see the new connection marked broken (or overwritten) by an old answer.
 * Returns whether the row was updated.
 */
export async function updateAccountIfUnchanged(
  db: Database,
  accountUuid: string,
  expectedRefreshCipher: string | null,
  set: AccountUpdate,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(amcAccounts)
    .set({ ...set, updatedAt: now })
    .where(
      sql`${amcAccounts.id} = ${accountUuid} AND ${amcAccounts.refreshTokenEncrypted} IS NOT DISTINCT FROM ${expectedRefreshCipher}`,
    )
    .returning({ id: amcAccounts.id });
  return rows.length > 0;
}

async function loadAccount(db: Database, accountUuid: string): Promise<AccountRow> {
  const id = parseInput(z.uuid("Choose an account."), accountUuid);
  const [row] = await db.select().from(amcAccounts).where(eq(amcAccounts.id, id)).limit(1);
  if (!row) throw notFound("Amazon Ads account");
  return row;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; cause: AmcError["cause"] | "credentials" };

/**
 * Runs `call` against Amazon with the account's stored connection and records what happened on
 * the account: success → active (unless an admin disabled it); a refused authorization or an
 * undecryptable secret → needs re-authorization, the stored token kept (pitfall 36); anything
 * else → the message in last_error, status unchanged.
 */
async function withAccountGateway<T>(
  db: Database,
  account: AccountRow,
  deps: AmcDeps,
  call: (gateway: LiveAmcGateway) => Promise<T>,
): Promise<Outcome<T>> {
  const now = deps.now ?? new Date();
  const keyring = deps.keyring ?? appKeyring();
  let refreshCipher = account.refreshTokenEncrypted;
  const record = (set: AccountUpdate) =>
    updateAccountIfUnchanged(db, account.id, refreshCipher, { ...set, lastCheckedAt: now }, now);

  let connection: AmcConnection;
  try {
    connection = decryptConnection(account, keyring);
  } catch (e) {
    const message = unusableCredentialsMessage(e);
    if (!message) throw e;
    await record({ status: "needs_reauthorization", lastError: message });
    return { ok: false, message, cause: "credentials" };
  }

  const gateway = createLiveGateway(connection, {
    endpoints: deps.endpoints,
    runtime: deps.runtime,
    onRefreshTokenRotated: async (token) => {
      const next = encryptSecret(token, keyring);
      if (await updateAccountIfUnchanged(db, account.id, refreshCipher, { refreshTokenEncrypted: next }, now)) {
        refreshCipher = next;
      }
    },
  });
  try {
    const value = await call(gateway);
    await record({ status: account.status === "disabled" ? "disabled" : "active", lastError: null });
    return { ok: true, value };
  } catch (e) {
    if (!(e instanceof AmcError)) throw e;
    const message = explainAccountError(e);
    await record(e.cause === "reauthorize" ? { status: "needs_reauthorization", lastError: message } : { lastError: message });
    return { ok: false, message, cause: e.cause };
  }
}

function failureCode(cause: Outcome<unknown> & { ok: false }): ErrorCode {
  return cause.cause === "rate_limited" || cause.cause === "transient" ? "RATE_LIMITED" : "CONFLICT";
}

// ---- manual entry --------------------------------------------------------------------------

// Strict: an unknown key (say `status` or `id`) is a bug or an attack and fails loudly.
export const manualConnectSchema = z.strictObject({
  accountName: z.string().trim().min(1, "Enter a name for the account.").max(200, "Use at most 200 characters."),
  region: z.enum(AMC_REGIONS, "Choose NA, EU or FE."),
  accountId: z
    .string()
    .trim()
    .min(1, "Enter the AMC account id (the entity id, e.g. ENTITY1ABC…).")
    .max(100, "Use at most 100 characters.")
    .regex(/^[A-Za-z0-9._:-]+$/, "Use only letters, digits, dots, dashes and underscores."),
  // Optional: a form sends "" for an empty field, which means "none".
  marketplaceId: z
    .string()
    .trim()
    .max(32, "Use at most 32 characters.")
    .regex(/^[A-Za-z0-9]*$/, "A marketplace id has only letters and digits (e.g. ATVPDKIKX0DER).")
    .optional()
    .transform((v) => (v ? v : undefined)),
  clientId: z.string().trim().min(1, "Enter the Login with Amazon client id.").max(300, "Use at most 300 characters."),
  // Trimmed: edge whitespace in a pasted secret is always a paste accident, never part of it.
  clientSecret: z.string().trim().min(1, "Enter the client secret.").max(1000, "Use at most 1000 characters."),
  refreshToken: z.string().trim().min(1, "Enter the refresh token.").max(4096, "Use at most 4096 characters."),
});
export type ManualConnectInput = z.input<typeof manualConnectSchema>;

/**
 * Stores an account from credentials an admin pasted (upsert by AMC account id). The client
 * secret and refresh token are stored encrypted only. Not checked against Amazon here: "Test
 * connection" does that, so an admin can save credentials while Amazon is unreachable.
 */
export async function connectAccountManually(
  db: Database,
  actor: SessionUser,
  input: ManualConnectInput,
  options: { keyring?: Keyring; now?: Date } = {},
): Promise<AccountView> {
  assertAdmin(actor);
  const data = parseInput(manualConnectSchema, input);
  const keyring = options.keyring ?? appKeyring();
  const now = options.now ?? new Date();
  const fields = {
    accountName: data.accountName,
    region: data.region,
    marketplaceId: data.marketplaceId ?? null,
    advertiserId: data.accountId,
    clientId: data.clientId,
    clientSecretEncrypted: encryptSecret(data.clientSecret, keyring),
    refreshTokenEncrypted: encryptSecret(data.refreshToken, keyring),
    status: "active",
    lastError: null,
    // New credentials have not been tried yet.
    lastCheckedAt: null,
    updatedAt: now,
  };
  const [row] = await db
    .insert(amcAccounts)
    .values({ accountId: data.accountId, ...fields })
    .onConflictDoUpdate({ target: amcAccounts.accountId, set: fields })
    .returning(accountViewColumns);
  if (!row) throw new Error("INSERT ... RETURNING gave no row");
  return row;
}

// ---- Login with Amazon (authorization-code flow) ------------------------------------------

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

/** Why connecting through Amazon failed, as a short code the callback puts in the URL. */
export const CONNECT_FAILURES = [
  "not_configured",
  "invalid_state",
  "expired_state",
  "forbidden",
  "denied",
  "amazon_error",
  "exchange_failed",
  "amazon_unavailable",
  "no_accounts",
  "internal",
] as const;
export type ConnectFailure = (typeof CONNECT_FAILURES)[number];

const CONNECT_FAILURE_MESSAGES: Record<ConnectFailure, string> = {
  not_configured:
    "Connecting through Amazon is not set up on this server: set LWA_CLIENT_ID and LWA_CLIENT_SECRET (the app's Login with Amazon client), or enter the account's credentials manually.",
  invalid_state:
    "That connection attempt is not valid (it was used already, belongs to another session, or was altered). Start again with “Connect with Amazon”.",
  expired_state: "The connection attempt expired (it has to be finished within 10 minutes). Start again with “Connect with Amazon”.",
  forbidden: "Only admins can connect Amazon Ads accounts.",
  denied: "Amazon reported that access was not granted, so nothing was connected.",
  amazon_error: "Amazon reported an error while connecting, so nothing was connected. Try again.",
  exchange_failed:
    "Amazon did not accept the sign-in code (it may have expired or been used already), so nothing was connected. Start again.",
  amazon_unavailable: TRANSIENT_MESSAGE,
  no_accounts:
    "The Amazon login worked, but it cannot reach any AMC account. Ask for AMC access in Amazon Ads, then connect again.",
  internal: "Something went wrong on our side while connecting. Try again; if it keeps happening, check the server logs.",
};

export function connectFailureMessage(reason: ConnectFailure): string {
  return CONNECT_FAILURE_MESSAGES[reason];
}

export function isConnectFailure(value: unknown): value is ConnectFailure {
  return typeof value === "string" && (CONNECT_FAILURES as readonly string[]).includes(value);
}

/** An AppError that also says which ConnectFailure it is, for the callback's redirect. */
export class AccountConnectError extends AppError {
  readonly reason: ConnectFailure;
  constructor(reason: ConnectFailure, code: ErrorCode, message: string = CONNECT_FAILURE_MESSAGES[reason]) {
    super(code, message);
    this.name = "AccountConnectError";
    this.reason = reason;
  }
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
  const [user] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
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
  const excluded = (column: string): SQL => sql.raw(`excluded.${column}`);
  const accounts = await db.transaction((tx) =>
    tx
      .insert(amcAccounts)
      .values(rows)
      .onConflictDoUpdate({
        target: amcAccounts.accountId,
        set: {
          accountName: excluded("account_name"),
          region: excluded("region"),
          marketplaceId: excluded("marketplace_id"),
          advertiserId: excluded("advertiser_id"),
          clientId: excluded("client_id"),
          clientSecretEncrypted: excluded("client_secret_encrypted"),
          refreshTokenEncrypted: excluded("refresh_token_encrypted"),
          status: excluded("status"),
          lastError: null,
          lastCheckedAt: excluded("last_checked_at"),
          updatedAt: excluded("updated_at"),
        },
      })
      .returning(accountViewColumns),
  );
  return { connected: accounts.length, accounts };
}

// ---- checking and discovery ----------------------------------------------------------------

export interface ConnectionCheck {
  ok: boolean;
  message: string;
  instanceCount?: number;
}

/** Lists the account's instances at Amazon as a health check and records the outcome on the account. */
export async function testConnection(
  db: Database,
  actor: SessionUser,
  accountUuid: string,
  deps: AmcDeps = {},
): Promise<ConnectionCheck> {
  assertAdmin(actor);
  const account = await loadAccount(db, accountUuid);
  const outcome = await withAccountGateway(db, account, deps, (gw) => gw.listInstances());
  if (!outcome.ok) return { ok: false, message: outcome.message };
  const n = outcome.value.length;
  return {
    ok: true,
    message: `Connected: Amazon lists ${n} AMC instance${n === 1 ? "" : "s"} for this account.`,
    instanceCount: n,
  };
}

export interface DiscoveredInstanceView extends DiscoveredInstance {
  /** Already in the app (as an amc_instances row with this AMC instance id). */
  imported: boolean;
}

async function listAtAmazon(db: Database, account: AccountRow, deps: AmcDeps): Promise<DiscoveredInstance[]> {
  const outcome = await withAccountGateway(db, account, deps, (gw) => gw.listInstances());
  if (!outcome.ok) throw new AppError(failureCode(outcome), outcome.message);
  return outcome.value;
}

/** The account's AMC instances at Amazon, each flagged if it is already imported. */
export async function discoverInstances(
  db: Database,
  actor: SessionUser,
  accountUuid: string,
  deps: AmcDeps = {},
): Promise<DiscoveredInstanceView[]> {
  assertAdmin(actor);
  const account = await loadAccount(db, accountUuid);
  const found = await listAtAmazon(db, account, deps);
  if (found.length === 0) return [];
  const existing = await db
    .select({ instanceId: amcInstances.instanceId })
    .from(amcInstances)
    .where(
      inArray(
        amcInstances.instanceId,
        found.map((i) => i.instanceId),
      ),
    );
  const known = new Set(existing.map((r) => r.instanceId));
  return found.map((i) => ({ ...i, imported: known.has(i.instanceId) }));
}

const instanceIdsInput = z
  .array(z.string().trim().min(1).max(200))
  .min(1, "Choose at least one instance to import.")
  .max(500, "Import at most 500 instances at once.");

/**
 * Adds (or refreshes) the chosen instances, in one transaction. Names, types and marketplaces come
 * from Amazon's list fetched here, never from the browser; an id Amazon does not list for this
 * account is refused. The region is the account's: it decides which Amazon endpoint the instance
 * is reached through, and Amazon reports instance regions as AWS regions. `is_active` is kept on
 * re-import so a deactivated instance stays deactivated.
 */
export async function importInstances(
  db: Database,
  actor: SessionUser,
  accountUuid: string,
  instanceIds: string[],
  deps: AmcDeps = {},
): Promise<{ count: number; instanceIds: string[] }> {
  assertAdmin(actor);
  const wanted = [...new Set(parseInput(instanceIdsInput, instanceIds))];
  const account = await loadAccount(db, accountUuid);
  const found = new Map((await listAtAmazon(db, account, deps)).map((i) => [i.instanceId, i]));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new AppError("VALIDATION_ERROR", "Some instances could not be imported.", {
      instanceIds: [`Amazon does not list ${missing.join(", ")} for this account.`],
    });
  }
  const now = deps.now ?? new Date();
  const rows = wanted.flatMap((id) => {
    const i = found.get(id);
    if (!i) return [];
    return {
      instanceId: i.instanceId,
      instanceName: i.instanceName,
      region: account.region,
      marketplaceId: i.marketplaceId ?? account.marketplaceId ?? null,
      instanceType: i.instanceType,
      accountId: account.id,
      lastSyncedAt: now,
      updatedAt: now,
    };
  });
  const excluded = (column: string): SQL => sql.raw(`excluded.${column}`);
  const saved = await db.transaction((tx) =>
    tx
      .insert(amcInstances)
      .values(rows)
      .onConflictDoUpdate({
        target: amcInstances.instanceId,
        set: {
          instanceName: excluded("instance_name"),
          region: excluded("region"),
          marketplaceId: excluded("marketplace_id"),
          instanceType: excluded("instance_type"),
          accountId: excluded("account_id"),
          lastSyncedAt: excluded("last_synced_at"),
          updatedAt: excluded("updated_at"),
        },
      })
      .returning({ instanceId: amcInstances.instanceId }),
  );
  return { count: saved.length, instanceIds: saved.map((r) => r.instanceId) };
}

/** For logs: text that may echo a request (Amazon's error_description, an error message), clipped and scrubbed of anything token-like. */
export function loggableText(text: string | null | undefined): string {
  return clip(redact(text ?? ""), 200);
}
