import type { AccountView } from "../../../db/queries/instances";

/**
 * An account's health as the badge tells it, from what the last use of it recorded: its status
 * and, for an account still marked active, whether the last check failed (lastError set by Test
 * connection, Find instances or an import), when. Pure: server and client pages share it.
 */
export type AccountHealth =
  | { kind: "connected"; checkedAt: Date | null }
  | { kind: "failing"; message: string; checkedAt: Date | null }
  | { kind: "needs_reauthorization"; message: string | null; checkedAt: Date | null }
  | { kind: "disconnected"; checkedAt: Date | null };

export function accountHealth(account: Pick<AccountView, "status" | "lastError" | "lastCheckedAt">): AccountHealth {
  const checkedAt = account.lastCheckedAt;
  if (account.status === "disabled") return { kind: "disconnected", checkedAt };
  if (account.status === "needs_reauthorization") return { kind: "needs_reauthorization", message: account.lastError, checkedAt };
  if (account.lastError) return { kind: "failing", message: account.lastError, checkedAt };
  return { kind: "connected", checkedAt };
}

/**
 * Whether reports on an instance can reach AMC: the built-in sandbox always can; an Amazon
 * instance needs a linked account that is neither disconnected nor waiting for re-authorization.
 */
export function needsConnection(instance: { isBuiltinSandbox: boolean; account: Pick<AccountView, "status"> | null }): boolean {
  if (instance.isBuiltinSandbox) return false;
  return !instance.account || instance.account.status !== "active";
}
