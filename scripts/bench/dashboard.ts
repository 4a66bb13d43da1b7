import postgres from "postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { createDatabase } from "../../db/client";
import { combinedSeries, combinedSeriesSql, combinedWindows, type SeriesRequest } from "../../lib/dashboards/series";
import { explain, freshBenchDatabase, round, timeMedian, type Benchmark, type BenchRow } from "./harness";

const SEGMENTS = Number(process.env.BENCH_DASHBOARD_SEGMENTS ?? 52);
const ROWS = Number(process.env.BENCH_DASHBOARD_ROWS ?? 10_000);
/** Windows run twice (a re-run supersedes the first): de-duplication has real work to do. */
const RERUNS = 4;

/**
 * The dashboard's combined-series query: a report with 52 weekly backfill segments × 10,000 rows
 * (plus 4 superseded re-runs of 10,000 rows each), aggregated per widget as the dashboard page
 * does: a daily line (x = day, two y), a bar by channel, one series per channel by window, and
 * the windows list. Median of 5 runs after a warm-up, with EXPLAIN of the line query.
 */
export const dashboardBenchmark: Benchmark = {
  name: "dashboard",
  description: `combined series over ${SEGMENTS} weekly segments × ${ROWS.toLocaleString("en-US")} rows`,
  async run({ adminUrl, log }) {
    const url = await freshBenchDatabase(adminUrl, "amc_bench_dashboard");
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    const handle = createDatabase(url, { max: 2 });
    try {
      const [report] = await sql`INSERT INTO report_definitions (report_id, name) VALUES ('rpt_bench_dash', 'Dashboard bench') RETURNING id`;
      const reportUuid = report!.id as string;
      const end0 = new Date("2026-11-02T00:00:00Z");
      const now = new Date("2026-11-10T00:00:00Z");
      log(`generating ${SEGMENTS} segments × ${ROWS} rows (+${RERUNS} superseded re-runs)…`);
      const t0 = performance.now();
      const cols = ["day", "channel", "campaign_id_string", "impressions", "clicks", "spend", "sales", "users_min"];
      for (let i = 0; i < SEGMENTS + RERUNS; i++) {
        const seg = i % SEGMENTS;
        const superseded = i >= SEGMENTS;
        const end = new Date(end0.getTime() - seg * 7 * 86_400_000);
        const start = new Date(end.getTime() - 7 * 86_400_000);
        const completed = new Date(end.getTime() + (superseded ? 1 : 2) * 86_400_000);
        const [exec] = await sql`
          INSERT INTO report_executions (execution_id, report_id, triggered_by, status, time_window_start, time_window_end, completed_at, row_count)
          VALUES (${`exec_bench_${i}`}, ${reportUuid}, 'backfill', 'completed', ${start}, ${end}, ${completed}, ${ROWS}) RETURNING id`;
        await sql`
          INSERT INTO execution_results (execution_id, report_id, columns, row_count, size_bytes, window_start, window_end)
          VALUES (${exec!.id}, ${reportUuid}, ${sql.json(cols)}, ${ROWS}, ${ROWS * 80}, ${start}, ${end})`;
        await sql`
          INSERT INTO execution_result_rows (execution_id, row_no, cells)
          SELECT ${exec!.id}, g, jsonb_build_array(
            to_char(${start}::timestamptz AT TIME ZONE 'UTC' + ((g % 7) || ' days')::interval, 'YYYY-MM-DD'),
            CASE g % 3 WHEN 0 THEN 'DSP' WHEN 1 THEN 'SPONSORED_PRODUCTS' ELSE 'SPONSORED_BRANDS' END,
            'cmp_' || (g % 500),
            (g * 7)::text, (g % 97)::text, ((g % 1000) / 10.0)::text, ((g % 5000) / 7.0)::numeric(12,2)::text, (100 + g % 900)::text)
          FROM generate_series(1, ${ROWS}) g`;
      }
      await sql`ANALYZE execution_results`;
      await sql`ANALYZE execution_result_rows`;
      await sql`ANALYZE report_executions`;
      log(`generated in ${round((performance.now() - t0) / 1000, 1)} s`);

      const db = handle.db;
      const cases: [string, SeriesRequest][] = [
        ["line: x=day, y=spend,sales", { x: "day", y: ["spend", "sales"] }],
        ["bar: x=channel, y=sales", { x: "channel", y: ["sales"] }],
        ["series: x=window, series=channel, y=spend", { x: "@window", series: "channel", y: ["spend"] }],
        ["metric: sum(spend)", { y: ["spend"] }],
      ];
      const rows: BenchRow[] = [];
      const warnings: string[] = [];
      for (const [label, req] of cases) {
        const { points } = await combinedSeries(db, reportUuid, req, {}, now);
        const t = await timeMedian(() => combinedSeries(db, reportUuid, req, {}, now), { runs: 5, warmup: 1 });
        rows.push({ query: label, groups: points.length, "median ms": round(t.medianMs, 1), "min ms": round(Math.min(...t.samplesMs), 1) });
      }
      const ranged = await timeMedian(() => combinedSeries(db, reportUuid, cases[0]![1], { from: "2026-08-01", to: "2026-10-31" }, now));
      rows.push({ query: "line, 13 weeks (date filter)", groups: null, "median ms": round(ranged.medianMs, 1), "min ms": round(Math.min(...ranged.samplesMs), 1) });
      const wins = await combinedWindows(db, reportUuid, {}, now);
      const tw = await timeMedian(() => combinedWindows(db, reportUuid, {}, now));
      rows.push({ query: "windows (dedup list)", groups: wins.length, "median ms": round(tw.medianMs, 1), "min ms": round(Math.min(...tw.samplesMs), 1) });
      if (wins.length !== SEGMENTS) warnings.push(`expected ${SEGMENTS} de-duplicated windows, got ${wins.length}`);

      const statement = new PgDialect().sqlToQuery(combinedSeriesSql(reportUuid, cases[0]![1], {}, now));
      const plan = await explain(sql, statement, ["execution_result_rows", "execution_results", "report_executions"]);
      log(`EXPLAIN line query: ${plan.path}`);
      log(`scans: ${JSON.stringify(plan.scans)}`);
      rows.push({ query: "EXPLAIN ANALYZE line", groups: null, "median ms": round(plan.executionMs, 1), "min ms": null });
      // Every stored row here belongs to this report, so a sequential scan is the right plan; with
      // other reports' rows present the planner switches to execution_result_rows_pkey per window.
      if (plan.seqScans.includes("execution_result_rows")) log("note: execution_result_rows read sequentially (only this report's rows are stored)");
      return {
        name: "dashboard",
        meta: { segments: SEGMENTS, rowsPerSegment: ROWS, reruns: RERUNS, plan },
        rows,
        warnings,
      };
    } finally {
      await handle.close();
      await sql.end();
    }
  },
};
