import postgres from "postgres";
import type { ResultColumnSlot } from "../../db/schema/result-slots";
import { ensureSortOrder, RESULT_PAGE_SIZE, resultPage, type ResultRef } from "../../lib/results/read";
import { benchDatabase, round, timeMedian, type Benchmark, type BenchRow } from "./harness";

const ROWS = Number(process.env.BENCH_RESULT_ROWS ?? 1_000_000);

/**
 * The run page's result table over a 1,000,000-row result: the first, a middle and the last page
 * in AMC's order and sorted by a number, a text and a date column both ways (through the stored
 * sort order, built once on first sort: its cost is printed too). The limit beside each: fetching
 * 50 rows of the same table by primary-key range, the least any page can cost.
 */
export const resultPagesBenchmark: Benchmark = {
  name: "result-pages",
  description: `pages of a ${ROWS.toLocaleString("en-US")}-row result, any column sorted`,
  async run({ adminUrl, log }) {
    const { sql, db, close } = await benchDatabase(adminUrl, "amc_bench_result_pages", 2);
    try {
      const [report] = await sql`INSERT INTO report_definitions (report_id, name) VALUES ('rpt_bench_pages', 'Pages bench') RETURNING id`;
      const [exec] = await sql`
        INSERT INTO report_executions (execution_id, report_id, triggered_by, status, row_count)
        VALUES ('exec_bench_pages', ${report!.id}, 'manual', 'completed', ${ROWS}) RETURNING id`;
      const columns = ["day", "campaign", "impressions", "spend"];
      const slots: ResultColumnSlot[] = [
        { type: "date", slot: "d1" },
        { type: "text", slot: "t1" },
        { type: "integer", slot: "i1" },
        { type: "decimal", slot: "n1" },
      ];
      const [res] = await sql`
        INSERT INTO execution_results (execution_id, report_id, columns, column_slots, row_count, size_bytes, ingest_path)
        VALUES (${exec!.id}, ${report!.id}, ${sql.json(columns)}, ${sql.json(slots as unknown as postgres.JSONValue)}, ${ROWS}, 0, 'bench')
        RETURNING result_key`;
      log(`generating ${ROWS.toLocaleString("en-US")} rows…`);
      await sql`
        INSERT INTO execution_result_rows (result_key, row_no, d1, t1, i1, n1)
        SELECT ${res!.result_key}, g, DATE '2026-01-01' + (g::int8 * 7919 % 365)::int, 'Campaign ' || (g::int8 * 104729 % 5000),
               (g::int8 * 2654435761 % 1000003), ((g::int8 * 40503 % 100000) / 100.0)::numeric
        FROM generate_series(1, ${ROWS}) g`;
      await sql`ANALYZE execution_result_rows`;
      const ref: ResultRef = { resultKey: Number(res!.result_key), columns, columnSlots: slots, rowCount: ROWS };
      const lastPage = Math.ceil(ROWS / RESULT_PAGE_SIZE);
      const rows: BenchRow[] = [];
      const limitAt = async (page: number) =>
        (
          await timeMedian(() =>
            sql`SELECT * FROM execution_result_rows WHERE result_key = ${ref.resultKey} AND row_no > ${(page - 1) * RESULT_PAGE_SIZE} ORDER BY row_no LIMIT ${RESULT_PAGE_SIZE}`,
          )
        ).medianMs;
      const warnings: string[] = [];
      const measure = async (label: string, page: number, sortColumn?: number, dir: "asc" | "desc" = "asc") => {
        const got = await resultPage(db, ref, { page, sortColumn, dir });
        const t = await timeMedian(() => resultPage(db, ref, { page, sortColumn, dir }), { runs: 7, warmup: 1 });
        const lim = await limitAt(page);
        rows.push({ page: label, rows: got.length, "median ms": round(t.medianMs, 2), "limit ms (PK range)": round(lim, 2), "× limit": round(t.medianMs / lim, 1) });
        if (t.medianMs > 50) warnings.push(`${label}: ${round(t.medianMs, 1)} ms over the 50 ms goal`);
      };
      await measure("row order, page 1", 1);
      await measure(`row order, page ${Math.floor(lastPage / 2)}`, Math.floor(lastPage / 2));
      await measure(`row order, last page ${lastPage}`, lastPage);
      for (const [col, name] of [[3, "spend"], [1, "campaign"], [0, "day"]] as const) {
        const t0 = performance.now();
        await ensureSortOrder(db, ref, col);
        rows.push({ page: `build sort order by ${name} (once)`, rows: ROWS, "median ms": round(performance.now() - t0, 0), "limit ms (PK range)": null, "× limit": null });
        await measure(`by ${name} asc, page 1`, 1, col, "asc");
        await measure(`by ${name} desc, page ${Math.floor(lastPage / 2)}`, Math.floor(lastPage / 2), col, "desc");
        await measure(`by ${name} asc, last page`, lastPage, col, "asc");
      }
      return { name: "result-pages", meta: { rows: ROWS }, rows, warnings };
    } finally {
      await close();
    }
  },
};
