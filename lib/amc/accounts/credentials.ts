import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client";
import { type SessionUser } from "../../../db/queries/access";
import { accountViewColumns, type AccountView } from "../../../db/queries/instances";
import { amcAccounts } from "../../../db/schema";
import { recordAudit } from "../../audit/record";
import { assertAdmin } from "../../auth/access";
import {
  decryptSecret,
  encryptSecret,
  keyringFromEnv,
  SecretDecryptionError,
  type keyringFrom,
} from "../../crypto/secrets";
import { AppError, parseInput } from "../../errors";
import type { AmcConnection } from "../live/client";
import { AMC_REGIONS, isAmcRegion } from "../live/config";
import { KEY_CHANGED_MESSAGE, NO_CREDENTIALS_MESSAGE } from "./messages";

/**
 * An Amazon Ads account's stored credentials: the keyring they are encrypted with, storing them
 * from an admin's paste, decrypting them into a connection, and the compare-and-set update every
 * writer of an account uses. Secrets go in encrypted and never come back out of here except as
 * the decrypted connection handed to the live client.
 */

export type Keyring = ReturnType<typeof keyringFrom>;
export type AccountRow = typeof amcAccounts.$inferSelect;

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
function decryptConnection(account: AccountRow, keyring: Keyring): AmcConnection {
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
function unusableCredentialsMessage(e: unknown): string | undefined {
  if (e instanceof SecretDecryptionError) return KEY_CHANGED_MESSAGE;
  if (e instanceof MissingCredentialsError) return NO_CREDENTIALS_MESSAGE;
  return undefined;
}

/**
 * The account's decrypted connection, or why it cannot be used. An unusable one (key changed,
 * credentials missing) is recorded on the account as needing re-authorization; the ciphertext
 * stays (pitfall 36): restoring the old key brings the account back. Any other failure throws.
 */
export async function decryptConnectionOrFlag(
  db: Database,
  account: AccountRow,
  keyring: Keyring,
  now: Date,
): Promise<{ ok: true; connection: AmcConnection } | { ok: false; message: string }> {
  try {
    return { ok: true, connection: decryptConnection(account, keyring) };
  } catch (e) {
    const message = unusableCredentialsMessage(e);
    if (!message) throw e;
    await updateAccountIfUnchanged(
      db,
      account.id,
      account.refreshTokenEncrypted,
      { status: "needs_reauthorization", lastError: message, lastCheckedAt: now },
      now,
    );
    return { ok: false, message };
  }
}

export type AccountUpdate = Partial<Pick<AccountRow, "status" | "lastError" | "lastCheckedAt" | "refreshTokenEncrypted">>;

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
  // Right after the one upsert. Ids and names only: the client id, secret and token stay out.
  await recordAudit(db, {
    actor,
    action: "account.connect",
    targetType: "amc_account",
    targetId: data.accountId,
    details: { accountName: data.accountName, region: data.region, via: "manual" },
    now,
  });
  return row;
}
