import { sql } from "drizzle-orm";
import { logOf, settingsOf, type EngineDeps } from "../engine/deps";

/**
 * Retention of stored results (product.md §3.9: 13 months by default, the setting
 * storedResultMonths): a result whose window ended before the cutoff (a windowless run: created
 * before it) loses its rows, sort orders and rollups, and keeps its execution_results row with
 * expired_at set, so a dashboard can still say that window existed and has expired, and the run
 * page says why there is nothing to show. Idempotent and safe under concurrent ticks: each batch
 * claims its results with SKIP LOCKED and marks them in the same transaction that deletes.
 */

export interface RetentionSummary {
  expired: number;
  rowsDeleted: number;
}

/** The instant `months` calendar months before `now` (UTC; the 31st steps back to the month's end). */
export function retentionCutoff(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export async function expireResults(deps: EngineDeps, options: { deadline?: number; batch?: number } = {}): Promise<RetentionSummary> {
  const settings = settingsOf(deps);
  const cutoff = retentionCutoff(deps.now, settings.storedResultMonths).toISOString();
  const now = deps.now.toISOString();
  const batch = options.batch ?? 100;
  const summary: RetentionSummary = { expired: 0, rowsDeleted: 0 };
  for (;;) {
    if (options.deadline !== undefined && performance.now() >= options.deadline) break;
    const [r] = await deps.db.execute<{ expired: number; rows: number }>(sql`
      WITH claimed AS (
        SELECT execution_id, result_key FROM execution_results
        WHERE expired_at IS NULL
          AND (window_end < ${cutoff}::timestamptz OR (window_end IS NULL AND created_at < ${cutoff}::timestamptz))
        ORDER BY window_end NULLS FIRST
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED
      ), rows AS (
        DELETE FROM execution_result_rows r USING claimed c WHERE r.result_key = c.result_key RETURNING 1
      ), orders AS (
        DELETE FROM execution_result_orders o USING claimed c WHERE o.result_key = c.result_key RETURNING 1
      ), rollups AS (
        DELETE FROM result_rollups u USING claimed c WHERE u.result_key = c.result_key RETURNING 1
      ), done AS (
        DELETE FROM result_rollups_done d USING claimed c WHERE d.result_key = c.result_key RETURNING 1
      ), marked AS (
        UPDATE execution_results er SET expired_at = ${now}::timestamptz
        FROM claimed c WHERE er.execution_id = c.execution_id RETURNING 1
      )
      SELECT (SELECT count(*)::int FROM marked) AS expired, (SELECT count(*)::int FROM rows) AS rows,
             (SELECT count(*) FROM orders) + (SELECT count(*) FROM rollups) + (SELECT count(*) FROM done) AS _`);
    summary.expired += r?.expired ?? 0;
    summary.rowsDeleted += r?.rows ?? 0;
    if ((r?.expired ?? 0) < batch) break;
  }
  if (summary.expired) logOf(deps).info("results expired", { ...summary, cutoff });
  return summary;
}
