import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { cellText } from "../../db/queries/result-cells";
import type { ResultColumnSlot } from "../../db/schema/result-slots";
import { SKIPPED_CAMPAIGN_PREFIXES, type KnownKind } from "./known-kinds";

/**
 * Values an instance's past results name: the campaigns and ASINs in the stored rows of its
 * latest completed runs. THE one reader of past results for the pickers: only this function
 * knows where and how result rows are kept (typed slots of execution_result_rows, found by
 * column name through execution_results.columns / column_slots, read with db/queries/result-cells).
 *
 * Cheap by construction: the instance's newest RECENT_RUNS completed runs whose result has one
 * of the kind's columns and still has its rows (an index walk on
 * idx_report_executions_instance_created), at most ROWS_PER_RUN rows of each (a primary-key
 * range), grouped in SQL; the answer is bounded by `limit`. Most-seen values first.
 */

const RECENT_RUNS = 20;
const ROWS_PER_RUN = 5000;

/** Result columns that hold the kind's id, in order of preference, and a readable name beside it. */
export const RESULT_COLUMNS: Record<KnownKind, { value: readonly string[]; label: readonly string[] }> = {
  campaign: { value: ["campaign_id_string", "campaign_id"], label: ["campaign", "campaign_name"] },
  asin: { value: ["tracked_asin", "asin", "purchased_asin", "promoted_asin"], label: ["product_name", "tracked_item", "title"] },
};

export interface PastValue {
  value: string;
  label: string | null;
  /** Rows naming it across the runs read. */
  seen: number;
}

const textArray = (xs: readonly string[]) => sql`ARRAY[${sql.join(xs.map((x) => sql`${x}`), sql`, `)}]::text[]`;

/** The slot of the first of `names` among the result's columns, if any. */
function slotOf(columns: string[], slots: ResultColumnSlot[], names: readonly string[]): ResultColumnSlot | null {
  for (const name of names) {
    const i = columns.indexOf(name);
    if (i >= 0 && slots[i]) return slots[i];
  }
  return null;
}

export async function pastResultValues(
  db: Database,
  instanceUuid: string,
  kind: KnownKind,
  { search = "", limit }: { search?: string; limit: number },
): Promise<PastValue[]> {
  const cols = RESULT_COLUMNS[kind];
  const recent = await db.execute<{ result_key: string | number; columns: string[]; column_slots: ResultColumnSlot[] }>(sql`
    SELECT er.result_key, er.columns, er.column_slots
      FROM report_executions e
      JOIN execution_results er ON er.execution_id = e.id
     WHERE e.instance_id = ${instanceUuid} AND e.status = 'completed' AND er.expired_at IS NULL
       AND er.columns ?| ${textArray(cols.value)}
     ORDER BY e.created_at DESC, e.id DESC
     LIMIT ${RECENT_RUNS}`);

  // One arm per result: its rows' value and label cells, wherever that result keeps them.
  const arms: SQL[] = [];
  for (const r of recent) {
    const value = slotOf(r.columns, r.column_slots, cols.value);
    if (!value) continue;
    const label = slotOf(r.columns, r.column_slots, cols.label);
    arms.push(sql`SELECT btrim(${cellText(value, "rr")}) AS value, ${label ? cellText(label, "rr") : sql`NULL::text`} AS label
      FROM execution_result_rows rr WHERE rr.result_key = ${Number(r.result_key)} AND rr.row_no <= ${ROWS_PER_RUN}`);
  }
  if (arms.length === 0) return [];

  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const skipped = kind === "campaign" ? SKIPPED_CAMPAIGN_PREFIXES.map((p) => `${p}%`) : [];
  const rows = await db.execute<{ value: string; label: string | null; seen: number }>(sql`
    SELECT v.value, max(v.label) AS label, count(*)::int AS seen
      FROM (${sql.join(arms, sql` UNION ALL `)}) v
     WHERE v.value IS NOT NULL AND v.value <> ''
       AND NOT (lower(v.value) LIKE ANY(${textArray(skipped)}))
       AND (${search} = '' OR v.value ILIKE ${pattern} OR v.label ILIKE ${pattern})
     GROUP BY v.value
     ORDER BY seen DESC, v.value
     LIMIT ${limit}`);
  return rows.map((r) => ({ value: r.value, label: r.label, seen: Number(r.seen) }));
}
