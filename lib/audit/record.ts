import type { Database } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";

/**
 * The audit log's one writer. Domain functions call `recordAudit(tx, ...)` with the transaction
 * that makes the change, so an entry exists if and only if the change committed; where a change
 * is a single statement outside any transaction, right after it (a crash in between loses the
 * entry, never invents one).
 *
 * What `details` may hold: ids (human ids, AMC ids), names, counts, statuses, field NAMES that
 * changed, booleans. What it never holds: passwords or their hashes, refresh/access/API tokens
 * or their hashes, client secrets, OAuth codes and states, encrypted columns, SQL text, and
 * parameter VALUES (a report's values can name campaigns, audiences or ASINs a brand treats as
 * confidential; the log says which parameters changed, not to what). The type allows only flat
 * scalars and string lists, and `sanitizeDetails` drops any key that names a secret anyway, so a
 * careless caller cannot leak one through a spread.
 */

export const AUDIT_ACTIONS = [
  "report.create",
  "report.update",
  "report.duplicate",
  "report.delete",
  "run.create",
  "run.cancel",
  "schedule.create",
  "schedule.update",
  "schedule.pause",
  "schedule.resume",
  "schedule.delete",
  "backfill.start",
  "backfill.retry",
  "backfill.cancel",
  "backfill.pause",
  "backfill.resume",
  "template.save",
  "user.create",
  "user.change_password",
  "user.reset_password",
  "user.set_role",
  "user.delete",
  "user.sign_out_everywhere",
  "access.grant",
  "access.revoke",
  "account.connect",
  "account.disconnect",
  "instances.import",
  "instance.activate",
  "instance.deactivate",
  "brand_mapping.create",
  "brand_mapping.update",
  "brand_mapping.delete",
  // For API tokens (issue 15; built alongside): record `token.create` / `token.revoke` with the
  // token's id and name, never the token or its hash.
  "token.create",
  "token.revoke",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = [
  "report",
  "execution",
  "schedule",
  "backfill",
  "template",
  "user",
  "amc_account",
  "amc_instance",
  "api_token",
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export type AuditDetailValue = string | number | boolean | null | readonly string[];
export type AuditDetails = Readonly<Record<string, AuditDetailValue | undefined>>;

/** Who acted: the signed-in user (its email is copied so the entry outlives the user), or null for the system. */
export type AuditActor = Pick<SessionUser, "id" | "email"> | null;

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  targetType: AuditTargetType;
  /** The target's human id (`rpt_…`, `exe_…`, a template id, a user's email, an AMC account id). */
  targetId: string;
  /** amc_instances.id of the instance the target belongs to, when it has one. */
  instanceId?: string | null;
  details?: AuditDetails;
  /** When it happened; the transaction's now() when omitted. */
  now?: Date;
}

/**
 * Keys that name a secret, in any casing or position: `password`, `refreshToken`, `token`,
 * `tokenHash`, `clientSecret`, `renderedSql`, `code`, `state`, `values`, `parameters`. `tokenId`,
 * `tokenName` and `changedParameters` (names only) stay: a token's id and name are what its
 * entries are about.
 */
const SECRET_KEY = /pass(word|wd)|secret|hash|cipher|encrypt|credential|authoriz|cookie|sql|refresh_?token|access_?token|^(api_?|bearer_?)?token$|^(code|state|values?|parameters?)$/i;
const MAX_STRING = 200;
const MAX_LIST = 50;

/** `details` as stored: secret-named keys dropped, strings and lists bounded, undefined left out. */
export function sanitizeDetails(details: AuditDetails | undefined): Record<string, AuditDetailValue> {
  const out: Record<string, AuditDetailValue> = {};
  for (const [key, value] of Object.entries(details ?? {})) {
    if (value === undefined || SECRET_KEY.test(key)) continue;
    if (typeof value === "string") out[key] = value.slice(0, MAX_STRING);
    else if (Array.isArray(value)) out[key] = value.slice(0, MAX_LIST).map((v) => String(v).slice(0, MAX_STRING));
    else out[key] = value;
  }
  return out;
}

export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    ...(entry.now ? { occurredAt: entry.now } : {}),
    actorUserId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    instanceId: entry.instanceId ?? null,
    details: sanitizeDetails(entry.details),
  });
}
