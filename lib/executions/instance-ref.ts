import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { amcInstances } from "../../db/schema";
import type { InstanceRef } from "../engine/deps";

/** The columns of amc_instances a phase needs to reach AMC for a run (see InstanceRef). */
export const instanceRefColumns = {
  id: amcInstances.id,
  instanceId: amcInstances.instanceId,
  instanceType: amcInstances.instanceType,
  accountId: amcInstances.accountId,
};

/** A run's instance, or null when the run has none or it was deleted (its runs go with it). */
export async function instanceRef(db: Database, instanceUuid: string | null): Promise<InstanceRef | null> {
  if (!instanceUuid) return null;
  const [instance] = await db.select(instanceRefColumns).from(amcInstances).where(eq(amcInstances.id, instanceUuid));
  return instance ?? null;
}
