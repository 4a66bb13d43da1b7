import { benchServer, formatTable, writeResult, type Benchmark } from "./bench/harness";
import { dashboardBenchmark } from "./bench/dashboard";
import { ingestBenchmark } from "./bench/ingest";
import { overviewBenchmark } from "./bench/overview";
import { resultPagesBenchmark } from "./bench/result-pages";
import { schedulerBenchmark } from "./bench/scheduler";

/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (default: all), prints a table per
 * benchmark and writes the figures to bench/results/. Runs under the react-server condition so
 * that db/queries' `import "server-only"` resolves to its no-op and the benchmarks measure the
 * very functions the pages call.
 */
const BENCHMARKS: Benchmark[] = [overviewBenchmark, ingestBenchmark, schedulerBenchmark, dashboardBenchmark, resultPagesBenchmark];

const log = (line: string) => console.log(`[bench] ${line}`);

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;

const server = await benchServer(log);
let failed = false;
try {
  for (const b of selected) {
    log(`${b.name}: ${b.description}`);
    try {
      const result = await b.run({ adminUrl: server.adminUrl, server: server.server, log });
      console.log(`\n== ${b.name} ==\n${formatTable(result.rows)}\n`);
      for (const w of result.warnings) console.log(`WARNING ${w}`);
      log(`${b.name}: results written to ${writeResult(result, server.server)}`);
    } catch (e) {
      failed = true;
      console.error(`[bench] ${b.name} failed:`, e);
    }
  }
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
