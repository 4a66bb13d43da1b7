import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { SKIPPED_CAMPAIGN_PREFIXES, type KnownKind } from "./known-kinds";

/**
 * Values an instance's past results name: the campaigns and ASINs in the stored rows of its
 * latest completed runs. THE one reader of past results for the pickers: result storage is
 * changing, and only this function knows where and how rows are kept (today
 * execution_result_rows.cells, a jsonb array found by column name as lib/dashboards/series.ts
 * does).
 *
 * Cheap by construction: the instance's newest RECENT_RUNS completed runs whose result has one
 * of the kind's columns (an index walk on idx_report_executions_instance_created), and at most
 * ROWS_PER_RUN rows of each (a primary-key range), grouped in SQL; the answer is bounded by
 * `limit`. Most-seen values first.
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

/** The position (0-based) of the first of `names` found in the run's columns, or NULL. */
const firstColumn = (names: readonly string[]) => sql`(
  SELECT (c.o - 1)::int FROM jsonb_array_elements_text(r.columns) WITH ORDINALITY AS c(name, o)
   WHERE c.name = ANY(${textArray(names)}) ORDER BY array_position(${textArray(names)}, c.name) LIMIT 1)`;

export async function pastResultValues(
  db: Database,
  instanceUuid: string,
  kind: KnownKind,
  { search = "", limit }: { search?: string; limit: number },
): Promise<PastValue[]> {
  const cols = RESULT_COLUMNS[kind];
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const skipped = kind === "campaign" ? SKIPPED_CAMPAIGN_PREFIXES.map((p) => `${p}%`) : [];
  const rows = await db.execute<{ value: string; label: string | null; seen: number }>(sql`
    WITH recent AS (
      SELECT er.execution_id, er.columns
        FROM report_executions e
        JOIN execution_results er ON er.execution_id = e.id
       WHERE e.instance_id = ${instanceUuid} AND e.status = 'completed'
         AND er.columns ?| ${textArray(cols.value)}
       ORDER BY e.created_at DESC, e.id DESC
       LIMIT ${RECENT_RUNS}
    ), positions AS (
      SELECT r.execution_id, ${firstColumn(cols.value)} AS vi, ${firstColumn(cols.label)} AS li FROM recent r
    )
    SELECT v.value, max(v.label) AS label, count(*)::int AS seen
      FROM positions p
      CROSS JOIN LATERAL (
        SELECT btrim(rr.cells ->> p.vi) AS value, rr.cells ->> p.li AS label
          FROM execution_result_rows rr
         WHERE rr.execution_id = p.execution_id AND rr.row_no < ${ROWS_PER_RUN}
      ) v
     WHERE v.value IS NOT NULL AND v.value <> ''
       AND NOT (lower(v.value) LIKE ANY(${textArray(skipped)}))
       AND (${search} = '' OR v.value ILIKE ${pattern} OR v.label ILIKE ${pattern})
     GROUP BY v.value
     ORDER BY seen DESC, v.value
     LIMIT ${limit}`);
  return rows.map((r) => ({ value: r.value, label: r.label, seen: Number(r.seen) }));
}
