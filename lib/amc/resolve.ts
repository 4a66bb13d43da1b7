import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { amcAccounts, amcInstances } from "../../db/schema";
import { encryptSecret } from "../crypto/secrets";
import type { GatewayResolver, InstanceRef } from "../engine/deps";
import { appKeyring, decryptConnectionOrFlag, updateAccountIfUnchanged, type Keyring } from "./accounts/credentials";
import { explainAccountError, REAUTHORIZE_MESSAGE } from "./accounts/messages";
import { AmcError, type AmcGateway } from "./gateway";
import { createLiveGateway, type AmcConnection } from "./live/client";
import { isAmcRegion, resolveAmcEndpoints, type AmcEndpoints } from "./live/config";
import { TokenProvider } from "./live/lwa";
import type { Runtime } from "./live/runtime";

/**
 * Which gateway reaches an instance: the app's built-in demo instance (is_builtin_sandbox) → the
 * synthetic sandbox (a factory the caller passes, so this module does not depend on how the
 * sandbox is built); every other instance → Amazon, with its account's decrypted credentials.
 * Chosen by the flag, never by instance_type: a SANDBOX instance discovered in a customer's
 * account is a real AMC instance and runs at AMC.
 */

export interface GatewayResolverOptions {
  sandbox: (instance: InstanceRef) => AmcGateway | Promise<AmcGateway>;
  /** Defaults to resolveAmcEndpoints(process.env). */
  endpoints?: AmcEndpoints;
  runtime?: Partial<Runtime>;
  keyring?: Keyring;
  now?: () => Date;
}

interface CachedConnection {
  /** What the provider was built from besides the refresh token; a change builds a new one. */
  setup: string;
  /**
   * The stored ciphertext of the provider's refresh token. A different one in the row means a
   * reconnect (new provider); it also guards the provider's own writes (compare-and-set).
   */
  refreshCipher: string | null;
  connection: AmcConnection;
  provider: TokenProvider;
}

// One token provider per account for the life of the process, so an access token (valid an
// hour) serves every pass instead of costing a refresh per resolve. Only a cache: another server
// builds its own, and losing it costs one refresh.
const providers = new Map<string, CachedConnection>();

/** Drops every cached provider (tests; a server never needs it). */
export function clearTokenProviders(): void {
  providers.clear();
}

export function createGatewayResolver(db: Database, options: GatewayResolverOptions): GatewayResolver {
  const now = () => options.now?.() ?? new Date();

  return async (instance) => {
    if (instance.isBuiltinSandbox) return options.sandbox(instance);

    const [row] = await db
      .select({ marketplaceId: amcInstances.marketplaceId, account: amcAccounts })
      .from(amcInstances)
      .leftJoin(amcAccounts, eq(amcAccounts.id, amcInstances.accountId))
      .where(eq(amcInstances.id, instance.id))
      .limit(1);
    if (!row) throw new AmcError("not_found", `AMC instance ${instance.instanceId} is no longer in the app.`);
    const account = row.account;
    if (!account) {
      throw new AmcError(
        "reauthorize",
        "This instance is not linked to a connected Amazon Ads account. An admin can link it by importing it from an account on the Instances page.",
      );
    }
    // Known broken: fail without calling Amazon until an admin reconnects (which resets the status).
    if (account.status === "needs_reauthorization") {
      throw new AmcError("reauthorize", account.lastError ?? REAUTHORIZE_MESSAGE);
    }
    if (account.status === "disabled") {
      throw new AmcError("permission", `The Amazon Ads account "${account.accountName}" is disconnected in this app; an admin can reconnect it on the Instances page.`);
    }

    const endpoints = options.endpoints ?? resolveAmcEndpoints(process.env);
    // An unknown region fails in decryptConnectionOrFlag below; NA only keeps this line total.
    const regionEndpoints = isAmcRegion(account.region) ? endpoints[account.region] : endpoints.NA;
    const setup = [account.region, regionEndpoints.tokenUrl, account.clientId, account.clientSecretEncrypted].join("\n");

    let cached = providers.get(account.id);
    // A dead provider for an account marked active means an admin fixed it: start afresh.
    if (
      !cached ||
      cached.setup !== setup ||
      cached.refreshCipher !== account.refreshTokenEncrypted ||
      cached.provider.needsReauthorization
    ) {
      const keyring = options.keyring ?? appKeyring();
      // An unusable connection is flagged on the account, its ciphertext kept (pitfall 36).
      const decrypted = await decryptConnectionOrFlag(db, account, keyring, now());
      if (!decrypted.ok) throw new AmcError("reauthorize", decrypted.message);
      const connection = decrypted.connection;
      const entry: CachedConnection = {
        setup,
        refreshCipher: account.refreshTokenEncrypted,
        connection,
        provider: new TokenProvider({
          tokenUrl: regionEndpoints.tokenUrl,
          clientId: connection.clientId,
          clientSecret: connection.clientSecret,
          refreshToken: connection.refreshToken,
          runtime: options.runtime,
          onReauthorizationNeeded: async (e) => {
            const at = now();
            await updateAccountIfUnchanged(
              db,
              account.id,
              entry.refreshCipher,
              { status: "needs_reauthorization", lastError: explainAccountError(e), lastCheckedAt: at },
              at,
            );
          },
          onRefreshTokenRotated: async (token) => {
            const next = encryptSecret(token, keyring);
            if (await updateAccountIfUnchanged(db, account.id, entry.refreshCipher, { refreshTokenEncrypted: next }, now())) {
              // Our own write must not look like a reconnect and throw the warm provider away.
              entry.refreshCipher = next;
            }
          },
        }),
      };
      providers.set(account.id, entry);
      cached = entry;
    }

    const connection: AmcConnection = { ...cached.connection };
    const marketplaceId = row.marketplaceId ?? cached.connection.marketplaceId;
    if (marketplaceId) connection.marketplaceId = marketplaceId;
    return createLiveGateway(connection, { endpoints, runtime: options.runtime, tokenProvider: cached.provider });
  };
}
