import { sql } from "drizzle-orm";
import type { EngineDeps } from "../engine/deps";
import { notifyBackfillsFinished } from "../notifications/record";

/**
 * Tick phase: keeps each active backfill's status true from its segments' newest executions:
 * running while any is pending/running; completed when all completed; completed_with_failures
 * when the rest failed or were cancelled for good. Cancelled and paused backfills are left alone.
 * A backfill turning final is told to whoever started it, in the same transaction (once).
 */
export async function refreshBackfills(deps: Pick<EngineDeps, "db" | "now">): Promise<{ updated: number }> {
  return deps.db.transaction(async (tx) => {
    const rows = await tx.execute<{ id: string; status: string }>(sql`
      WITH newest AS (
        SELECT DISTINCT ON (e.collection_id, e.time_window_start) e.collection_id, e.status
          FROM report_executions e
          -- Through report_id: report_executions has an index on it, none on collection_id.
          JOIN report_data_collections c ON c.report_id = e.report_id AND c.id = e.collection_id
         WHERE c.status IN ('pending', 'running')
         ORDER BY e.collection_id, e.time_window_start, e.created_at DESC, e.id DESC
      ), agg AS (
        SELECT collection_id,
               count(*) FILTER (WHERE status IN ('pending', 'running')) AS open,
               count(*) FILTER (WHERE status = 'completed') AS done,
               count(*) AS total
          FROM newest GROUP BY collection_id
      )
      UPDATE report_data_collections c
         SET status = CASE WHEN a.open > 0 THEN 'running'
                           WHEN a.done = a.total THEN 'completed'
                           ELSE 'completed_with_failures' END,
             updated_at = ${deps.now.toISOString()}::timestamptz
        FROM agg a
       WHERE c.id = a.collection_id
         AND c.status IN ('pending', 'running')
         AND c.status IS DISTINCT FROM (CASE WHEN a.open > 0 THEN 'running'
                                             WHEN a.done = a.total THEN 'completed'
                                             ELSE 'completed_with_failures' END)
      RETURNING c.id, c.status`);
    const finished = [...rows].filter((r) => r.status !== "running").map((r) => r.id);
    await notifyBackfillsFinished(tx, finished, deps.now);
    return { updated: [...rows].length };
  });
}
