import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client";
import { type SessionUser } from "../../../db/queries/access";
import { amcAccounts, amcInstances } from "../../../db/schema";
import { recordAudit } from "../../audit/record";
import { assertAdmin } from "../../auth/access";
import { encryptSecret } from "../../crypto/secrets";
import { AppError, notFound, parseInput, type ErrorCode } from "../../errors";
import { AmcError, type DiscoveredInstance } from "../gateway";
import { createLiveGateway, type LiveAmcGateway } from "../live/client";
import type { AmcEndpoints } from "../live/config";
import type { Runtime } from "../live/runtime";
import {
  appKeyring,
  decryptConnectionOrFlag,
  updateAccountIfUnchanged,
  type AccountRow,
  type AccountUpdate,
  type Keyring,
} from "./credentials";
import { DISCONNECTED_MESSAGE } from "./disconnect";
import { explainAccountError } from "./messages";
import { fromExcluded } from "./upsert";

/**
 * Checking a connected Amazon Ads account against Amazon and importing its AMC instances.
 * Admins only. Every call records its outcome on the account, so the Instances page shows
 * the account's health as of the last time anyone used it.
 */

/** How the live client is reached; tests point it at the fake server and never sleep. */
export interface AmcDeps {
  endpoints?: AmcEndpoints;
  runtime?: Partial<Runtime>;
  keyring?: Keyring;
  now?: Date;
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
 * the account: success → active; a refused authorization or an
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

  // A disconnected account has no secrets left: nothing to try, and nothing to record (trying
  // would flag it as needing re-authorization, which is not what happened).
  if (account.status === "disabled") return { ok: false, message: DISCONNECTED_MESSAGE, cause: "credentials" };

  const decrypted = await decryptConnectionOrFlag(db, account, keyring, now);
  if (!decrypted.ok) return { ok: false, message: decrypted.message, cause: "credentials" };

  const gateway = createLiveGateway(decrypted.connection, {
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
    await record({ status: "active", lastError: null });
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
  const saved = await db.transaction(async (tx) => {
    const imported = await tx
      .insert(amcInstances)
      .values(rows)
      .onConflictDoUpdate({
        target: amcInstances.instanceId,
        set: fromExcluded(amcInstances, ["instanceName", "region", "marketplaceId", "instanceType", "accountId", "lastSyncedAt", "updatedAt"]),
      })
      .returning({ instanceId: amcInstances.instanceId });
    await recordAudit(tx, {
      actor,
      action: "instances.import",
      targetType: "amc_account",
      targetId: account.accountId,
      details: { count: imported.length, instanceIds: imported.map((r) => r.instanceId) },
      now,
    });
    return imported;
  });
  return { count: saved.length, instanceIds: saved.map((r) => r.instanceId) };
}
