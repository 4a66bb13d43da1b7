import { sql } from "drizzle-orm";
import { reportSchedules } from "../../db/schema";
import { logOf, type EngineDeps } from "../engine/deps";

/**
 * Schedules still due after materializing (the budget ran out, or a batch failed), and how late
 * the oldest is: next_run_at going stale is the alarm of pitfall 3.
 */
export interface Overdue {
  schedules: number;
  oldestSeconds: number;
}

/** Due schedules older than this after a tick are logged as an alarm (the tick runs every minute). */
export const OVERDUE_ALARM_SECONDS = 5 * 60;

export async function overdueSchedules(deps: EngineDeps): Promise<Overdue> {
  // Served by idx_report_schedules_next_run (its predicate, literally).
  const [row] = await deps.db
    .select({ n: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${reportSchedules.nextRunAt})` })
    .from(reportSchedules)
    .where(sql`${reportSchedules.isActive} = TRUE AND ${reportSchedules.isPaused} = FALSE AND ${reportSchedules.nextRunAt} <= ${deps.now.toISOString()}::timestamptz`);
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  const overdue = {
    schedules: row?.n ?? 0,
    oldestSeconds: oldest ? Math.max(0, Math.round((deps.now.getTime() - oldest.getTime()) / 1000)) : 0,
  };
  if (overdue.oldestSeconds > OVERDUE_ALARM_SECONDS) {
    logOf(deps).warn("schedules are overdue", { ...overdue, alarmAfterSeconds: OVERDUE_ALARM_SECONDS });
  }
  return overdue;
}
