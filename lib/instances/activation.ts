import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { amcInstances } from "../../db/schema";
import { recordAudit } from "../audit/record";
import { assertAdmin } from "../auth/access";
import { parseInput } from "../errors";
import { amcInstanceIdSchema, instanceForUserOrThrow } from "./guard";

export const setActiveSchema = z.strictObject({
  instanceId: amcInstanceIdSchema,
  // A form posts "true" / "false".
  active: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
});
export type SetActiveInput = z.input<typeof setActiveSchema>;

/**
 * Activates or deactivates an instance (admins). A deactivated instance is no longer offered for
 * new reports; its reports and their history stay. Setting the state it already has is a no-op
 * and records nothing.
 */
export async function setInstanceActive(db: Database, user: SessionUser, input: SetActiveInput, now: Date): Promise<{ isActive: boolean }> {
  assertAdmin(user);
  const data = parseInput(setActiveSchema, input);
  const instance = await instanceForUserOrThrow(db, user, data.instanceId);
  if (instance.isActive === data.active) return { isActive: data.active };
  await db.transaction(async (tx) => {
    await tx.update(amcInstances).set({ isActive: data.active, updatedAt: now }).where(eq(amcInstances.id, instance.id));
    await recordAudit(tx, {
      actor: user,
      action: data.active ? "instance.activate" : "instance.deactivate",
      targetType: "amc_instance",
      targetId: instance.instanceId,
      instanceId: instance.id,
      details: { instanceName: instance.instanceName },
      now,
    });
  });
  return { isActive: data.active };
}
