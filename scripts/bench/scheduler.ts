import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { createDatabase } from "../../db/client";
import type { AmcGateway } from "../../lib/amc/gateway";
import { silentLogger, type EngineDeps } from "../../lib/engine/deps";
import { runTick, type TickSummary } from "../../lib/engine/tick";
import { explain, freshBenchDatabase, round, type Benchmark, type BenchRow } from "./harness";

/**
 * The scheduler tick (architecture.md §11): one tick materializing 10,000 due schedules, and
 * 20 concurrent ticks (20 separate connection pools, as 20 servers) over 10,000 due schedules,
 * where duplicates must be 0. AMC is a stub that accepts every submit, so the figures are the
 * scheduler's and PostgreSQL's own.
 */

const DATABASE = "amc_bench_scheduler";
const COUNT = Number(process.env.BENCH_SCHEDULES ?? 10_000);
const CONCURRENT = 20;
// Monday 2026-06-01 03:00 in New York; the ticks run 30 s later.
const DUE = new Date("2026-06-01T07:00:00Z");
const NOW = new Date(DUE.getTime() + 30_000);
const NEXT = new Date("2026-06-08T07:00:00Z");

const stubAmc: AmcGateway = {
  submit: async () => ({ amcExecutionId: `stub-${randomUUID()}` }),
  status: async () => ({ status: "running", amcStatus: "RUNNING" }),
  cancel: async () => {},
  results: async () => [],
  listInstances: async () => [],
  listExecutions: async () => [],
};

async function seed(sql: postgres.Sql) {
  const [instance] = await sql`
    INSERT INTO amc_instances (instance_id, instance_name, instance_type) VALUES ('amcbenchsched', 'Bench', 'STANDARD') RETURNING id`;
  const [template] = await sql`
    INSERT INTO query_templates (template_id, name, sql_template, data_lag_days)
    VALUES ('tpl_bench_sched', 'Bench template',
            'SELECT campaign, SUM(impressions) FROM sponsored_ads_traffic WHERE campaign_id_string IN ({{campaigns}}) AND event_dt >= {{window_start}} AND event_dt < {{window_end}} GROUP BY 1',
            14)
    RETURNING id`;
  await sql`INSERT INTO query_template_parameters (template_id, name, label, param_type) VALUES (${template!.id}, 'campaigns', 'Campaigns', 'campaign_list')`;
  await sql`
    INSERT INTO report_definitions (report_id, name, template_id, instance_id, timezone, frequency, parameters, window_spec)
    SELECT 'rpt_bench' || g, 'Bench ' || g, ${template!.id}, ${instance!.id}, 'America/New_York', 'weekly',
           '{"campaigns": ["c1", "c2"]}'::jsonb, '{"kind": "last_days", "n": 7}'::jsonb
      FROM generate_series(1, ${COUNT}) AS g`;
  await sql`
    INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression, timezone, next_run_at)
    SELECT 'sch_' || substr(report_id, 5), id, 'weekly', '0 3 * * 1', 'America/New_York', ${DUE}
      FROM report_definitions WHERE report_id LIKE 'rpt_bench%'`;
  await sql`ANALYZE`;
}

/** Back to "every schedule due, no executions". */
async function reset(sql: postgres.Sql) {
  await sql`DELETE FROM report_executions`;
  await sql`UPDATE report_schedules SET next_run_at = ${DUE}, run_count = 0, failure_count = 0, last_run_at = NULL, last_run_status = NULL`;
  await sql`VACUUM ANALYZE report_schedules`;
  await sql`VACUUM ANALYZE report_executions`;
}

async function counts(sql: postgres.Sql) {
  const [row] = await sql<{ executions: number; slots: number; advanced: number; still_due: number }[]>`
    SELECT (SELECT count(*)::int FROM report_executions WHERE triggered_by = 'schedule') AS executions,
           (SELECT count(DISTINCT (schedule_id, scheduled_for))::int FROM report_executions WHERE triggered_by = 'schedule') AS slots,
           (SELECT count(*)::int FROM report_schedules WHERE next_run_at = ${NEXT}) AS advanced,
           (SELECT count(*)::int FROM report_schedules WHERE next_run_at <= ${NOW}) AS still_due`;
  return row!;
}

const sum = (ticks: TickSummary[], pick: (t: TickSummary) => number | undefined) => ticks.reduce((n, t) => n + (pick(t) ?? 0), 0);

export const schedulerBenchmark: Benchmark = {
  name: "scheduler",
  description: `scheduler tick over ${COUNT.toLocaleString("en-US")} due schedules: one tick, then ${CONCURRENT} concurrent ticks`,
  async run({ adminUrl, log }) {
    const url = await freshBenchDatabase(adminUrl, DATABASE);
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    const main = createDatabase(url, { max: 4 });
    const pools = Array.from({ length: CONCURRENT }, () => createDatabase(url, { max: 1 }));
    const raws = pools.map(() => postgres(url, { max: 1, onnotice: () => {} }));
    const deps = (db: EngineDeps["db"], raw: postgres.Sql): EngineDeps => ({ db, sql: raw, gateways: async () => stubAmc, now: NOW, log: silentLogger });
    const rows: BenchRow[] = [];
    const warnings: string[] = [];
    try {
      log(`creating ${COUNT.toLocaleString("en-US")} reports with due weekly schedules…`);
      await seed(sql);

      // 1. One tick, budget large enough to take everything, so the figure is the full cost.
      log("one tick over all due schedules…");
      let t0 = performance.now();
      const one = await runTick(deps(main.db, sql), { budgetMs: 600_000 });
      const oneMs = performance.now() - t0;
      let c = await counts(sql);
      rows.push({
        case: `1 tick, ${COUNT} due`,
        seconds: round(oneMs / 1000, 2),
        "schedules/s": Math.round((one.materialize?.created ?? 0) / (oneMs / 1000)),
        claimed: one.materialize?.claimed ?? 0,
        created: one.materialize?.created ?? 0,
        executions: c.executions,
        duplicates: c.executions - c.slots,
        advanced: c.advanced,
        "still due": c.still_due,
        errors: one.errors.length,
      });
      if (!one.ok) warnings.push(`single tick errors: ${JSON.stringify(one.errors)}`);

      // The claim as every later tick runs it: 10,000 schedules, none due.
      await sql`ANALYZE report_schedules`;
      const claim = await explain(
        sql,
        {
          sql: `SELECT id FROM report_schedules WHERE is_active = TRUE AND is_paused = FALSE AND next_run_at <= $1
                 ORDER BY next_run_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
          params: [NOW.toISOString()],
        },
        ["report_schedules"],
      );

      // The same tick with its default 25 s budget: how much one real tick takes on.
      await reset(sql);
      log("one tick with the default 25 s budget…");
      t0 = performance.now();
      const budgeted = await runTick(deps(main.db, sql));
      const budgetedMs = performance.now() - t0;
      c = await counts(sql);
      rows.push({
        case: `1 tick, default budget`,
        seconds: round(budgetedMs / 1000, 2),
        "schedules/s": Math.round((budgeted.materialize?.created ?? 0) / (budgetedMs / 1000)),
        claimed: budgeted.materialize?.claimed ?? 0,
        created: budgeted.materialize?.created ?? 0,
        executions: c.executions,
        duplicates: c.executions - c.slots,
        advanced: c.advanced,
        "still due": c.still_due,
        errors: budgeted.errors.length,
      });

      // 2. Twenty servers tick at once over the same 10,000 due schedules.
      await reset(sql);
      log(`${CONCURRENT} concurrent ticks…`);
      t0 = performance.now();
      const many = await Promise.all(pools.map((p, i) => runTick(deps(p.db, raws[i]!), { budgetMs: 600_000 })));
      const manyMs = performance.now() - t0;
      c = await counts(sql);
      rows.push({
        case: `${CONCURRENT} concurrent ticks, ${COUNT} due`,
        seconds: round(manyMs / 1000, 2),
        "schedules/s": Math.round(c.executions / (manyMs / 1000)),
        claimed: sum(many, (t) => t.materialize?.claimed),
        created: sum(many, (t) => t.materialize?.created),
        executions: c.executions,
        duplicates: c.executions - c.slots,
        advanced: c.advanced,
        "still due": c.still_due,
        errors: sum(many, (t) => t.errors.length),
      });
      const busy = many.filter((t) => (t.materialize?.created ?? 0) > 0).length;
      if (c.executions !== c.slots) warnings.push(`DUPLICATES: ${c.executions - c.slots} executions share a (schedule, slot)`);
      if (c.executions !== COUNT) warnings.push(`expected ${COUNT} executions after the concurrent ticks, found ${c.executions}`);
      if (c.advanced !== COUNT) warnings.push(`expected ${COUNT} schedules advanced to ${NEXT.toISOString()}, found ${c.advanced}`);
      for (const t of many) if (!t.ok) warnings.push(`concurrent tick errors: ${JSON.stringify(t.errors)}`);
      if (claim.seqScans.length > 0) warnings.push(`claim query scans sequentially: ${claim.path}`);

      return {
        name: "scheduler",
        meta: {
          schedules: COUNT,
          concurrentTicks: CONCURRENT,
          ticksThatMaterialized: busy,
          retriesInConcurrentTicks: sum(many, (t) => t.materialize?.retries),
          claimQuery: { path: claim.path, executionMs: round(claim.executionMs, 3) },
        },
        rows,
        warnings,
      };
    } finally {
      await Promise.all(pools.map((p) => p.close()));
      await Promise.all(raws.map((r) => r.end()));
      await main.close();
      await sql.end();
    }
  },
};
