import type { Database } from "../../db/client";
import { canAccessInstance, type SessionUser } from "../../db/queries/access";
import { forbidden } from "../errors";

export async function assertInstanceAccess(db: Database, user: SessionUser, instanceUuid: string): Promise<void> {
  if (!(await canAccessInstance(db, user, instanceUuid))) throw forbidden();
}

export function assertAdmin(user: SessionUser): void {
  if (user.role !== "admin") throw forbidden("Only admins can do this.");
}
