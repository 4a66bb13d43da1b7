import { PgDialect } from "drizzle-orm/pg-core";
import { assignSlots } from "../../db/schema/result-slots";
import { combinedSeries, combinedSeriesSql, combinedWindows, rollupSpec, type SeriesRequest } from "../../lib/dashboards/series";
import { loadWidgetData, pendingWork } from "../../lib/dashboards/widget-data";
import { explain, benchDatabase, round, timeMedian, type Benchmark, type BenchRow } from "./harness";

const SEGMENTS = Number(process.env.BENCH_DASHBOARD_SEGMENTS ?? 52);
const ROWS = Number(process.env.BENCH_DASHBOARD_ROWS ?? 10_000);
/** Windows run twice (a re-run supersedes the first): de-duplication has real work to do. */
const RERUNS = 4;

// The slots the ingest gives these columns' types (the layout is the app's, not the bench's).
const SLOTS = assignSlots(["date", "text", "text", "integer", "integer", "decimal", "decimal", "integer"]);
const COLS = ["day", "channel", "campaign_id_string", "impressions", "clicks", "spend", "sales", "users_min"];

/**
 * Dashboards over a report with 52 weekly backfill segments × 10,000 typed rows (plus 4
 * superseded re-runs): each widget as the dashboard page asks for it (lib/dashboards/series.ts,
 * reading the widget's rollups), first view (rollups built for all 52 results) and then warm,
 * beside the limit — the same aggregate over a plain typed table holding exactly the 52 newest
 * windows' rows (what PostgreSQL can do without any of our layout). Then the whole dashboard's
 * data (windows, four widgets, pending work) as the page loads it.
 */
export const dashboardBenchmark: Benchmark = {
  name: "dashboard",
  description: `widgets over ${SEGMENTS} weekly segments × ${ROWS.toLocaleString("en-US")} rows, beside a typed aggregate`,
  async run({ adminUrl, log }) {
    const { sql, db, close } = await benchDatabase(adminUrl, "amc_bench_dashboard", 4);
    try {
      const [report] = await sql`INSERT INTO report_definitions (report_id, name) VALUES ('rpt_bench_dash', 'Dashboard bench') RETURNING id`;
      const reportUuid = report!.id as string;
      const end0 = new Date("2026-11-02T00:00:00Z");
      const now = new Date("2026-11-10T00:00:00Z");
      log(`generating ${SEGMENTS} segments × ${ROWS} rows (+${RERUNS} superseded re-runs)…`);
      const t0 = performance.now();
      await sql`CREATE TABLE bench_typed (window_start date, day date, channel text, campaign_id_string text, impressions int8,
        clicks int8, spend numeric, sales numeric, users_min int8)`;
      for (let i = 0; i < SEGMENTS + RERUNS; i++) {
        const seg = i % SEGMENTS;
        const superseded = i >= SEGMENTS;
        const end = new Date(end0.getTime() - seg * 7 * 86_400_000);
        const start = new Date(end.getTime() - 7 * 86_400_000);
        const completed = new Date(end.getTime() + (superseded ? 1 : 2) * 86_400_000);
        const [exec] = await sql`
          INSERT INTO report_executions (execution_id, report_id, triggered_by, status, time_window_start, time_window_end, completed_at, row_count)
          VALUES (${`exec_bench_${i}`}, ${reportUuid}, 'backfill', 'completed', ${start}, ${end}, ${completed}, ${ROWS}) RETURNING id`;
        const [res] = await sql`
          INSERT INTO execution_results (execution_id, report_id, columns, column_slots, row_count, size_bytes, window_start, window_end, ingest_path)
          VALUES (${exec!.id}, ${reportUuid}, ${sql.json(COLS)}, ${JSON.stringify(SLOTS)}::text::jsonb, ${ROWS}, ${ROWS * 80}, ${start}, ${end}, 'bench')
          RETURNING result_key`;
        const rows = sql`
          SELECT g, (${start}::timestamptz AT TIME ZONE 'UTC')::date + (g % 7) AS day,
                 CASE g % 3 WHEN 0 THEN 'DSP' WHEN 1 THEN 'SPONSORED_PRODUCTS' ELSE 'SPONSORED_BRANDS' END AS channel,
                 'cmp_' || (g % 500) AS campaign, (g * 7)::int8 AS impressions, (g % 97)::int8 AS clicks,
                 ((g % 1000) / 10.0)::numeric AS spend, ((g % 5000) / 7.0)::numeric(12,2) AS sales, (100 + g % 900)::int8 AS users_min
          FROM generate_series(1, ${ROWS}) g`;
        await sql`
          INSERT INTO execution_result_rows (result_key, row_no, d1, t1, t2, i1, i2, n1, n2, i3)
          SELECT ${res!.result_key}, g, day, channel, campaign, impressions, clicks, spend, sales, users_min FROM (${rows}) x`;
        if (!superseded) {
          await sql`
            INSERT INTO bench_typed SELECT (${start}::timestamptz AT TIME ZONE 'UTC')::date, day, channel, campaign, impressions, clicks, spend, sales, users_min
            FROM (${rows}) x`;
        }
      }
      await sql`ANALYZE`;
      log(`generated in ${round((performance.now() - t0) / 1000, 1)} s`);

      const cases: { label: string; req: SeriesRequest; limit: string }[] = [
        { label: "line: x=day, y=spend,sales", req: { x: "day", y: ["spend", "sales"] }, limit: "SELECT day, sum(spend), sum(sales) FROM bench_typed GROUP BY 1 ORDER BY 1" },
        { label: "bar: x=channel, y=sales", req: { x: "channel", y: ["sales"] }, limit: "SELECT channel, sum(sales) FROM bench_typed GROUP BY 1 ORDER BY 1" },
        {
          label: "series: x=window, series=channel, y=spend",
          req: { x: "@window", series: "channel", y: ["spend"] },
          limit: "SELECT window_start, channel, sum(spend) FROM bench_typed GROUP BY 1, 2 ORDER BY 1, 2",
        },
        { label: "metric: sum(spend)", req: { y: ["spend"] }, limit: "SELECT sum(spend) FROM bench_typed" },
        { label: "table: x=campaign, y=spend,sales avg", req: { x: "campaign_id_string", y: ["spend", "sales"], aggregate: "avg" }, limit: "SELECT campaign_id_string, avg(spend), avg(sales) FROM bench_typed GROUP BY 1 ORDER BY 1" },
      ];
      const rows: BenchRow[] = [];
      const warnings: string[] = [];
      const limitMs = async (q: string) => (await timeMedian(() => sql.unsafe(q), { runs: 5, warmup: 1 })).medianMs;
      for (const c of cases) {
        const spec = rollupSpec(c.req);
        await sql`DELETE FROM result_rollups_done WHERE spec = ${spec}`;
        await sql`DELETE FROM result_rollups WHERE spec = ${spec}`;
        const c0 = performance.now();
        const { points } = await combinedSeries(db, reportUuid, c.req, {}, now);
        const coldMs = performance.now() - c0;
        const warm = await timeMedian(() => combinedSeries(db, reportUuid, c.req, {}, now), { runs: 7, warmup: 1 });
        const lim = await limitMs(c.limit);
        rows.push({
          query: c.label,
          groups: points.length,
          "median ms": round(warm.medianMs, 1),
          "first view ms": round(coldMs, 0),
          "limit ms (typed aggregate)": round(lim, 1),
          "× limit": round(warm.medianMs / lim, 3),
        });
        if (warm.medianMs > 50) warnings.push(`${c.label}: ${round(warm.medianMs, 1)} ms median is over the 50 ms goal`);
      }
      const range = { from: "2026-08-01", to: "2026-10-31" };
      const ranged = await timeMedian(() => combinedSeries(db, reportUuid, cases[0]!.req, range, now), { runs: 7 });
      const rangedLimit = await limitMs("SELECT day, sum(spend), sum(sales) FROM bench_typed WHERE window_start >= '2026-07-26' AND window_start < '2026-11-01' GROUP BY 1 ORDER BY 1");
      rows.push({ query: "line, 13 weeks (date filter)", groups: null, "median ms": round(ranged.medianMs, 1), "first view ms": null, "limit ms (typed aggregate)": round(rangedLimit, 1), "× limit": round(ranged.medianMs / rangedLimit, 3) });
      const wins = await combinedWindows(db, reportUuid, {}, now);
      const tw = await timeMedian(() => combinedWindows(db, reportUuid, {}, now));
      rows.push({ query: "windows (dedup list)", groups: wins.length, "median ms": round(tw.medianMs, 1), "first view ms": null, "limit ms (typed aggregate)": null, "× limit": null });
      if (wins.length !== SEGMENTS) warnings.push(`expected ${SEGMENTS} de-duplicated windows, got ${wins.length}`);

      // The dashboard page's data, as the page asks for it: windows, pending work and every widget at once.
      const widgets = [
        { widgetType: "line", config: { x: "day", y: ["spend", "sales"] } },
        { widgetType: "bar", config: { x: "channel", y: ["sales"] } },
        { widgetType: "metric_card", config: { y: ["spend"] } },
        { widgetType: "table", config: { x: "campaign_id_string", y: ["spend", "sales"] } },
      ];
      const page = () =>
        Promise.all([combinedWindows(db, reportUuid, {}, now), pendingWork(db, reportUuid), ...widgets.map((w) => loadWidgetData(db, reportUuid, w, {}, now))]);
      const tp = await timeMedian(page, { runs: 7, warmup: 1 });
      rows.push({ query: "dashboard page data (4 widgets)", groups: null, "median ms": round(tp.medianMs, 1), "first view ms": null, "limit ms (typed aggregate)": null, "× limit": null });
      if (tp.medianMs > 300) warnings.push(`dashboard page data ${round(tp.medianMs, 1)} ms is over the 300 ms goal`);

      const statement = new PgDialect().sqlToQuery(combinedSeriesSql(await combinedWindows(db, reportUuid, {}, now), cases[0]!.req));
      const plan = await explain(sql, statement, ["execution_result_rows", "result_rollups", "execution_results", "report_executions"]);
      log(`EXPLAIN line query: ${plan.path}`);
      log(`scans: ${JSON.stringify(plan.scans)}`);
      rows.push({ query: "EXPLAIN ANALYZE line", groups: null, "median ms": round(plan.executionMs, 1), "first view ms": null, "limit ms (typed aggregate)": null, "× limit": null });
      return { name: "dashboard", meta: { segments: SEGMENTS, rowsPerSegment: ROWS, reruns: RERUNS, plan }, rows, warnings };
    } finally {
      await close();
    }
  },
};
