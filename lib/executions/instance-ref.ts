import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { amcInstances, reportExecutions } from "../../db/schema";
import type { InstanceRef } from "../engine/deps";

/** The columns of amc_instances a phase needs to reach AMC for a run (see InstanceRef). */
export const instanceRefColumns = {
  id: amcInstances.id,
  instanceId: amcInstances.instanceId,
  instanceType: amcInstances.instanceType,
  accountId: amcInstances.accountId,
  isBuiltinSandbox: amcInstances.isBuiltinSandbox,
};

/**
 * The run's instance belongs to an account that needs re-authorization: nobody can reach AMC for
 * it until an admin reconnects, so its submitted runs wait (neither polled nor timed out).
 */
export const accountNeedsReauthorization = sql`EXISTS (
  SELECT 1 FROM amc_instances i JOIN amc_accounts a ON a.id = i.account_id
   WHERE i.id = ${reportExecutions.instanceId} AND a.status = 'needs_reauthorization')`;

/** A run's instance, or null when the run has none or it was deleted (its runs go with it). */
export async function instanceRef(db: Database, instanceUuid: string | null): Promise<InstanceRef | null> {
  if (!instanceUuid) return null;
  const [instance] = await db.select(instanceRefColumns).from(amcInstances).where(eq(amcInstances.id, instanceUuid));
  return instance ?? null;
}
