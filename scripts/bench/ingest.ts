import postgres from "postgres";
import { copyResultRows } from "../../lib/executions/ingest";
import type { ResultFile } from "../../lib/amc/gateway";
import { freshBenchDatabase, round, type Benchmark, type BenchRow } from "./harness";

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000);

/** A synthetic AMC-like CSV, produced chunk by chunk (never held whole). */
function syntheticCsv(rows: number): ResultFile {
  return {
    open: async () =>
      (async function* () {
        const enc = new TextEncoder();
        yield enc.encode("day,channel,campaign_id_string,campaign,impressions,clicks,spend,purchases,sales,roas,users_min\n");
        let batch = "";
        for (let i = 1; i <= rows; i++) {
          const day = `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
          batch += `${day},${i % 3 === 0 ? "DSP" : "SPONSORED_PRODUCTS"},cmp_${i % 500},"Campaign ${i % 500}, ""Holiday"" edition",${i * 7},${i % 97},${(i % 1000) / 10},${i % 13},${(i % 5000) / 7},${(i % 300) / 100},${100 + (i % 900)}\n`;
          if (i % 2000 === 0) {
            yield enc.encode(batch);
            batch = "";
          }
        }
        if (batch) yield enc.encode(batch);
      })(),
  };
}

/**
 * Result ingestion: a 1,000,000-row CSV streamed through the CSV parser and COPY into
 * execution_result_rows, in one transaction, as the poll phase does. Reports rows/s and the
 * process's peak memory growth (sampled every 20 ms) to show memory stays bounded.
 */
export const ingestBenchmark: Benchmark = {
  name: "ingest",
  description: `stream a ${ROWS.toLocaleString("en-US")}-row CSV result into PostgreSQL`,
  async run({ adminUrl, log }) {
    const url = await freshBenchDatabase(adminUrl, "amc_bench_ingest");
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const [report] = await sql`INSERT INTO report_definitions (report_id, name) VALUES ('rpt_bench_ingest', 'Ingest bench') RETURNING id`;
      const [exec] = await sql`
        INSERT INTO report_executions (execution_id, report_id, triggered_by, status)
        VALUES ('exec_bench_ingest', ${report!.id}, 'manual', 'running') RETURNING id`;
      global.gc?.();
      const base = process.memoryUsage();
      let peakRss = base.rss;
      let peakHeap = base.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 20);
      log(`ingesting ${ROWS.toLocaleString("en-US")} rows…`);
      const started = performance.now();
      const result = await sql.begin((tx) => copyResultRows(tx, exec!.id, [syntheticCsv(ROWS)]));
      const ms = performance.now() - started;
      clearInterval(sampler);
      const [stored] = await sql`SELECT count(*)::int AS n, pg_total_relation_size('execution_result_rows') AS bytes FROM execution_result_rows`;
      const mb = (n: number) => round(n / 1024 / 1024, 1);
      const row: BenchRow = {
        rows: result.rowCount,
        "stored rows": stored!.n,
        "csv MB": mb(result.sizeBytes),
        seconds: round(ms / 1000, 2),
        "rows/s": Math.round(result.rowCount / (ms / 1000)),
        "peak heap growth MB": mb(peakHeap - base.heapUsed),
        "peak RSS growth MB": mb(peakRss - base.rss),
        "table MB": mb(Number(stored!.bytes)),
      };
      const warnings = stored!.n === ROWS ? [] : [`stored ${stored!.n} rows, expected ${ROWS}`];
      return { name: "ingest", meta: { rows: ROWS }, rows: [row], warnings };
    } finally {
      await sql.end();
    }
  },
};
