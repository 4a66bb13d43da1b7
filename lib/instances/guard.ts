import { z } from "zod";
import type { Database } from "../../db/client";
import { canAccessInstance, type SessionUser } from "../../db/queries/access";
import { getInstanceDetail, type InstanceDetail } from "../../db/queries/instances";
import { notFound } from "../errors";

/**
 * An AMC instance id as it arrives in a URL or a form (`amcsandbox01`, `amc1a2b3c`): letters,
 * digits, `_` and `-`. Anything else (a NUL byte, a 5 MB string) never reaches a query.
 */
export const amcInstanceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "Not a valid AMC instance id.");

/**
 * The instance by its AMC id, for a user who may see it: NOT_FOUND alike for a malformed id, a
 * missing instance and one the user was not granted (the guards in lib/auth/guards.ts, for the
 * instance itself).
 */
export async function instanceForUserOrThrow(db: Database, user: SessionUser, amcInstanceId: string): Promise<InstanceDetail> {
  if (!amcInstanceIdSchema.safeParse(amcInstanceId).success) throw notFound("AMC instance");
  const instance = await getInstanceDetail(db, amcInstanceId);
  if (!instance || !(await canAccessInstance(db, user, instance.id))) throw notFound("AMC instance");
  return instance;
}
