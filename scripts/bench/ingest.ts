import { once } from "node:events";
import postgres from "postgres";
import { storeResult } from "../../lib/results/store";
import type { ResultFile } from "../../lib/amc/gateway";
import { freshBenchDatabase, round, type Benchmark, type BenchRow } from "./harness";

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 3);

/** A synthetic AMC-like CSV, produced chunk by chunk (never held whole); the same bytes every time. */
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
 * Result ingestion: a 1,000,000-row CSV stored by lib/results/store.ts inside one transaction, as
 * the poll phase does (types guessed, COPY from the stream into the typed rows, every typed cell
 * checked on the way). Beside it, the limit: the same bytes COPYed by PostgreSQL into a plain
 * table with the right types and no index or key — what `psql \copy` does. Median of RUNS, with
 * the process's peak memory growth (sampled every 20 ms) to show memory stays bounded.
 */
export const ingestBenchmark: Benchmark = {
  name: "ingest",
  description: `store a ${ROWS.toLocaleString("en-US")}-row CSV result, beside a plain COPY of it`,
  async run({ adminUrl, log }) {
    const url = await freshBenchDatabase(adminUrl, "amc_bench_ingest");
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const [report] = await sql`INSERT INTO report_definitions (report_id, name) VALUES ('rpt_bench_ingest', 'Ingest bench') RETURNING id`;
      await sql`CREATE TABLE bench_copy_limit (day date, channel text, campaign_id_string text, campaign text, impressions int8,
        clicks int8, spend numeric, purchases int8, sales numeric, roas numeric, users_min int8)`;
      // Generated once and replayed from memory, so neither figure includes making the CSV.
      const chunks: Uint8Array[] = [];
      for await (const chunk of await syntheticCsv(ROWS).open()) chunks.push(chunk);
      const file: ResultFile = {
        open: async () =>
          (async function* () {
            yield* chunks;
          })(),
      };
      const ours: number[] = [];
      const limit: number[] = [];
      let peakRssGrowth = 0;
      let peakHeapGrowth = 0;
      let stored = { rowCount: 0, sizeBytes: 0, path: "", types: "" };
      for (let run = 0; run < RUNS; run++) {
        // The limit: PostgreSQL parsing the same CSV into a typed table, nothing else.
        await sql`TRUNCATE bench_copy_limit`;
        const t0 = performance.now();
        const writable = await sql`COPY bench_copy_limit FROM STDIN WITH (FORMAT csv, HEADER)`.writable();
        for await (const chunk of await file.open()) if (!writable.write(chunk)) await once(writable, "drain");
        writable.end();
        await once(writable, "finish");
        limit.push(performance.now() - t0);

        const [exec] = await sql`
          INSERT INTO report_executions (execution_id, report_id, triggered_by, status)
          VALUES (${`exec_bench_ingest_${run}`}, ${report!.id}, 'manual', 'running') RETURNING id`;
        global.gc?.();
        const base = process.memoryUsage();
        let peakRss = base.rss;
        let peakHeap = base.heapUsed;
        const sampler = setInterval(() => {
          const m = process.memoryUsage();
          peakRss = Math.max(peakRss, m.rss);
          peakHeap = Math.max(peakHeap, m.heapUsed);
        }, 20);
        log(`run ${run + 1}/${RUNS}: storing ${ROWS.toLocaleString("en-US")} rows…`);
        const t1 = performance.now();
        const result = await sql.begin((tx) =>
          storeResult(tx, { executionUuid: exec!.id, reportUuid: report!.id, windowStart: null, windowEnd: null }, [file]),
        );
        ours.push(performance.now() - t1);
        clearInterval(sampler);
        peakRssGrowth = Math.max(peakRssGrowth, peakRss - base.rss);
        peakHeapGrowth = Math.max(peakHeapGrowth, peakHeap - base.heapUsed);
        stored = { rowCount: result.rowCount, sizeBytes: result.sizeBytes, path: result.path, types: result.slots.map((s) => s.type[0]).join("") };
        // Keep one result: each run replaces the previous (the trigger deletes its rows).
        await sql`DELETE FROM execution_results WHERE execution_id <> ${exec!.id}`;
      }
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const oursMs = med(ours);
      const limitMs = med(limit);
      const [count] = await sql`SELECT count(*)::int AS n, pg_total_relation_size('execution_result_rows') AS bytes FROM execution_result_rows`;
      const mb = (n: number) => round(n / 1024 / 1024, 1);
      const rows: BenchRow[] = [
        {
          path: `ours (${stored.path}, types ${stored.types})`,
          rows: stored.rowCount,
          "csv MB": mb(stored.sizeBytes),
          "median s": round(oursMs / 1000, 2),
          "rows/s": Math.round(ROWS / (oursMs / 1000)),
          "× limit": round(oursMs / limitMs, 2),
          "peak RSS growth MB": mb(peakRssGrowth),
          "peak heap growth MB": mb(peakHeapGrowth),
          "table MB": mb(Number(count!.bytes)),
        },
        {
          path: "limit: COPY into a typed table",
          rows: ROWS,
          "csv MB": mb(stored.sizeBytes),
          "median s": round(limitMs / 1000, 2),
          "rows/s": Math.round(ROWS / (limitMs / 1000)),
          "× limit": 1,
          "peak RSS growth MB": null,
          "peak heap growth MB": null,
          "table MB": null,
        },
      ];
      const warnings = count!.n === ROWS ? [] : [`stored ${count!.n} rows, expected ${ROWS}`];
      return { name: "ingest", meta: { rows: ROWS, runs: RUNS, oursMs: ours, limitMs: limit }, rows, warnings };
    } finally {
      await sql.end();
    }
  },
};
