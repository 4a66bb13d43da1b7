import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client";
import type { SessionUser } from "../../../db/queries/access";
import { amcAccounts } from "../../../db/schema";
import { recordAudit } from "../../audit/record";
import { assertAdmin } from "../../auth/access";
import { notFound, parseInput } from "../../errors";

export const DISCONNECTED_MESSAGE = "Disconnected in this app: reconnect the account to run its instances' reports again.";

/**
 * Disconnects an Amazon Ads account (admins): its stored client secret and refresh token are
 * erased and its status becomes `disabled` ("Disconnected"), so nothing reaches Amazon with it
 * again. The account row stays, and so do its instances and their reports (marked as needing a
 * connection): connecting the same account again (Connect with Amazon, or the manual form with
 * its account id) restores them as they were.
 */
export async function disconnectAccount(db: Database, actor: SessionUser, accountUuid: string, now: Date): Promise<{ accountName: string }> {
  assertAdmin(actor);
  const id = parseInput(z.uuid("Choose an account."), accountUuid);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(amcAccounts)
      .set({
        status: "disabled",
        clientSecretEncrypted: null,
        refreshTokenEncrypted: null,
        lastError: DISCONNECTED_MESSAGE,
        lastCheckedAt: now,
        updatedAt: now,
      })
      .where(eq(amcAccounts.id, id))
      .returning({ accountId: amcAccounts.accountId, accountName: amcAccounts.accountName });
    if (!row) throw notFound("Amazon Ads account");
    await recordAudit(tx, {
      actor,
      action: "account.disconnect",
      targetType: "amc_account",
      targetId: row.accountId,
      details: { accountName: row.accountName },
      now,
    });
    return { accountName: row.accountName };
  });
}
