import { count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { reportExecutions } from "../schema";

export interface RunsMark {
  total: number;
  newest: string | null;
}

/**
 * What changes when a run is added to a report: how many it has and the newest one's id. Two
 * index reads (idx_report_executions_report, idx_report_executions_report_created), cheap
 * enough for an open report page to poll.
 */
export async function latestRunMark(db: Database, reportUuid: string): Promise<RunsMark> {
  const [total] = await db.select({ n: count() }).from(reportExecutions).where(eq(reportExecutions.reportId, reportUuid));
  const [newest] = await db
    .select({ executionId: reportExecutions.executionId })
    .from(reportExecutions)
    .where(eq(reportExecutions.reportId, reportUuid))
    .orderBy(sql`${reportExecutions.createdAt} DESC NULLS FIRST`, desc(reportExecutions.id))
    .limit(1);
  return { total: total?.n ?? 0, newest: newest?.executionId ?? null };
}
