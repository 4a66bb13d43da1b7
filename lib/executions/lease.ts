import { sql, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportExecutions } from "../../db/schema";

/**
 * Leases the runs that `next` selects until `until` and returns them. `next` locks its rows
 * (FOR UPDATE SKIP LOCKED), so overlapping ticks each take different runs, and the lease keeps
 * them this server's until it expires.
 */
export function takeLease(db: Database, next: SQLWrapper, until: Date) {
  return db
    .update(reportExecutions)
    .set({ leaseExpiresAt: until })
    .where(sql`${reportExecutions.id} IN (${next})`)
    .returning();
}
