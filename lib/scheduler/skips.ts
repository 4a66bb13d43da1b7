import { desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportScheduleSkips } from "../../db/schema";

export interface ScheduleSkip {
  scheduledFor: Date;
  reason: string;
}

/**
 * A schedule's most recently skipped slots, newest first, with why each did not run (missed
 * while no tick ran, report inactive, next run not on the cron). The schedule card shows them:
 * a slot that did not run is never only a row nobody reads.
 */
export async function recentSkips(db: Database, scheduleUuid: string, limit = 5): Promise<ScheduleSkip[]> {
  return db
    .select({ scheduledFor: reportScheduleSkips.scheduledFor, reason: reportScheduleSkips.reason })
    .from(reportScheduleSkips)
    .where(eq(reportScheduleSkips.scheduleId, scheduleUuid))
    .orderBy(desc(reportScheduleSkips.scheduledFor))
    .limit(limit);
}
