import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { createDatabase } from "../../db/client";
import type { AmcGateway } from "../../lib/amc/gateway";
import { silentLogger, type EngineDeps } from "../../lib/engine/deps";
import { runTick, type TickSummary } from "../../lib/engine/tick";
import { DEFAULT_ENGINE_SETTINGS } from "../../lib/executions/settings";
import { submitPending } from "../../lib/executions/submit";
import { materializeDue } from "../../lib/scheduler/materialize";
import { DEFAULT_SCHEDULER_SETTINGS } from "../../lib/scheduler/settings";
import { explain, freshBenchDatabase, median, round, type Benchmark, type BenchRow } from "./harness";

/**
 * The scheduler (architecture.md §11, issue 12 §1), all on the same data:
 * - the limit: ONE set-based statement that claims every due schedule, inserts their executions
 *   and advances next_run_at (no rendering, no windows: what the database alone costs), with and
 *   without the triggers on report_executions/report_schedules (which keep report_definitions' copies);
 * - materializeDue over the same 10,000 due schedules, and the ratio to the limit (goal ≤ 2×);
 * - one whole tick, and one tick with the default budget;
 * - 20 concurrent ticks (20 pools, as 20 servers) over the 10,000: duplicates must be 0;
 * - 30,000 due in the same minute, ticks back to back with the default budget (as the cron plus
 *   the in-process ticker would run them): all materialized within 60 s;
 * - submit passes over 1,000 instances with 10,000 pending runs: one pass's time, and fairness:
 *   how many instances were served after ceil(instances / batch) passes (goal: all of them).
 * AMC is a stub that accepts every submit, so the figures are the scheduler's and PostgreSQL's.
 * Timings that matter are medians of REPEAT runs (the machine is shared).
 */

const DATABASE = "amc_bench_scheduler";
const COUNT = Number(process.env.BENCH_SCHEDULES ?? 10_000);
const MINUTE_COUNT = Number(process.env.BENCH_MINUTE_SCHEDULES ?? 30_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const CONCURRENT = 20;
const INSTANCES = 1_000;
const PENDING = 10_000;
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
  await addReports(sql, template!.id as string, instance!.id as string, 1, COUNT);
  await sql`ANALYZE`;
  return { templateId: template!.id as string, instanceId: instance!.id as string };
}

/** Reports `from`..`to` with a due weekly schedule each (Monday 03:00 New York). */
async function addReports(sql: postgres.Sql, templateId: string, instanceId: string, from: number, to: number) {
  await sql`
    INSERT INTO report_definitions (report_id, name, template_id, instance_id, timezone, frequency, parameters, window_spec)
    SELECT 'rpt_bench' || g, 'Bench ' || g, ${templateId}, ${instanceId}, 'America/New_York', 'weekly',
           -- Each report its own campaigns, as in life: no two runs render the same SQL.
           jsonb_build_object('campaigns', jsonb_build_array('c' || g, 'd' || g)), '{"kind": "last_days", "n": 7}'::jsonb
      FROM generate_series(${from}::int, ${to}::int) AS g`;
  await sql`
    INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression, timezone, next_run_at)
    SELECT 'sch_' || substr(rd.report_id, 5), rd.id, 'weekly', '0 3 * * 1', 'America/New_York', ${DUE}
      FROM report_definitions rd
     WHERE rd.report_id LIKE 'rpt_bench%' AND NOT EXISTS (SELECT 1 FROM report_schedules s WHERE s.report_id = rd.id)`;
}

/** Back to "every schedule due, no executions". */
async function reset(sql: postgres.Sql) {
  await sql`DELETE FROM report_executions`;
  await sql`UPDATE report_schedules SET next_run_at = ${DUE}, run_count = 0, failure_count = 0, last_run_at = NULL, last_run_status = NULL`;
  await sql`VACUUM ANALYZE report_schedules`;
  await sql`VACUUM ANALYZE report_executions`;
  await sql`VACUUM ANALYZE report_definitions`;
}

async function counts(sql: postgres.Sql) {
  const [row] = await sql<{ executions: number; slots: number; advanced: number; still_due: number }[]>`
    SELECT (SELECT count(*)::int FROM report_executions WHERE triggered_by = 'schedule') AS executions,
           (SELECT count(DISTINCT (schedule_id, scheduled_for))::int FROM report_executions WHERE triggered_by = 'schedule') AS slots,
           (SELECT count(*)::int FROM report_schedules WHERE next_run_at = ${NEXT}) AS advanced,
           (SELECT count(*)::int FROM report_schedules WHERE next_run_at <= ${NOW}) AS still_due`;
  return row!;
}

/**
 * The limit: claim every due schedule, insert its execution (the template's SQL unrendered, a
 * window computed in SQL) and advance next_run_at by a week, in one statement.
 */
async function setBased(sql: postgres.Sql, triggers: boolean): Promise<{ ms: number; inserted: number }> {
  return sql.begin(async (tx) => {
    // replica: user triggers do not fire (the FK checks still do); measures what the triggers cost.
    if (!triggers) await tx`SET LOCAL session_replication_role = replica`;
    const t0 = performance.now();
    const [row] = await tx<{ inserted: number }[]>`
      WITH claimed AS (
        SELECT id, report_id, next_run_at FROM report_schedules
         WHERE is_active = TRUE AND is_paused = FALSE AND next_run_at <= ${NOW}
         ORDER BY next_run_at
         FOR UPDATE SKIP LOCKED),
      ins AS (
        INSERT INTO report_executions (execution_id, report_id, template_id, instance_id, triggered_by, schedule_id, scheduled_for, status,
                                       parameters_snapshot, rendered_sql, template_version, time_window_start, time_window_end, time_window_timezone)
        SELECT 'exec_' || substr(md5(c.id::text || random()::text), 1, 10), rd.id, rd.template_id, rd.instance_id, 'schedule', c.id, c.next_run_at, 'pending',
               jsonb_build_object('values', rd.parameters, 'window', rd.window_spec), qt.sql_template, qt.version,
               c.next_run_at - interval '21 days', c.next_run_at - interval '14 days', rd.timezone
          FROM claimed c
          JOIN report_definitions rd ON rd.id = c.report_id
          JOIN query_templates qt ON qt.id = rd.template_id
        ON CONFLICT (schedule_id, scheduled_for) WHERE schedule_id IS NOT NULL AND scheduled_for IS NOT NULL DO NOTHING
        RETURNING 1),
      adv AS (
        UPDATE report_schedules s SET next_run_at = c.next_run_at + interval '7 days' FROM claimed c WHERE s.id = c.id RETURNING 1)
      SELECT (SELECT count(*)::int FROM ins) AS inserted, (SELECT count(*) FROM adv) AS advanced`;
    return { ms: performance.now() - t0, inserted: row!.inserted };
  });
}

const sum = (ticks: TickSummary[], pick: (t: TickSummary) => number | undefined) => ticks.reduce((n, t) => n + (pick(t) ?? 0), 0);

export const schedulerBenchmark: Benchmark = {
  name: "scheduler",
  description: `scheduler: ${COUNT.toLocaleString("en-US")} due vs one set-based statement, ${CONCURRENT} concurrent ticks, ${MINUTE_COUNT.toLocaleString("en-US")} due in one minute, submit over ${INSTANCES} instances`,
  async run({ adminUrl, log }) {
    const url = await freshBenchDatabase(adminUrl, DATABASE);
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    const main = createDatabase(url, { max: 4 });
    const pools = Array.from({ length: CONCURRENT }, () => createDatabase(url, { max: 1 }));
    const raws = pools.map(() => postgres(url, { max: 1, onnotice: () => {} }));
    const deps = (db: EngineDeps["db"], raw: postgres.Sql, now = NOW): EngineDeps => ({ db, sql: raw, gateways: async () => stubAmc, now, log: silentLogger });
    const rows: BenchRow[] = [];
    const warnings: string[] = [];
    const meta: Record<string, unknown> = { schedules: COUNT, minuteSchedules: MINUTE_COUNT, repeat: REPEAT, batch: DEFAULT_SCHEDULER_SETTINGS.materializeBatch };
    const row = (name: string, seconds: number, c: Awaited<ReturnType<typeof counts>> | null, extra: BenchRow = {}): BenchRow => ({
      case: name,
      seconds: round(seconds, 3),
      executions: c?.executions ?? null,
      duplicates: c ? c.executions - c.slots : null,
      advanced: c?.advanced ?? null,
      "still due": c?.still_due ?? null,
      ...extra,
    });
    try {
      log(`creating ${COUNT.toLocaleString("en-US")} reports with due weekly schedules…`);
      const world = await seed(sql);

      // 1. The limit and the scheduler on the same 10,000 due schedules, REPEAT times each,
      //    interleaved so that noise from the shared machine falls on both alike.
      const limit: number[] = [];
      const limitNoTriggers: number[] = [];
      const mat: number[] = [];
      let c = await counts(sql);
      for (let i = 0; i < REPEAT; i++) {
        log(`run ${i + 1}/${REPEAT}: set-based statement, then materializeDue…`);
        await reset(sql);
        const sb = await setBased(sql, true);
        limit.push(sb.ms);
        if (sb.inserted !== COUNT) warnings.push(`set-based statement inserted ${sb.inserted}, expected ${COUNT}`);
        await reset(sql);
        limitNoTriggers.push((await setBased(sql, false)).ms);
        await reset(sql);
        const t0 = performance.now();
        const m = await materializeDue(deps(main.db, sql));
        mat.push(performance.now() - t0);
        c = await counts(sql);
        if (m.created !== COUNT || c.executions !== COUNT) warnings.push(`materializeDue created ${m.created} (${c.executions} rows), expected ${COUNT}`);
      }
      const limitMs = median(limit);
      const matMs = median(mat);
      rows.push(row(`limit: 1 set-based statement, ${COUNT} due`, limitMs / 1000, null, { "schedules/s": Math.round(COUNT / (limitMs / 1000)), samples: limit.map((x) => round(x / 1000, 2)).join(" ") }));
      rows.push(row(`  same, triggers off`, median(limitNoTriggers) / 1000, null, { "schedules/s": Math.round(COUNT / (median(limitNoTriggers) / 1000)), samples: limitNoTriggers.map((x) => round(x / 1000, 2)).join(" ") }));
      rows.push(row(`materializeDue, ${COUNT} due`, matMs / 1000, c, { "schedules/s": Math.round(COUNT / (matMs / 1000)), samples: mat.map((x) => round(x / 1000, 2)).join(" "), "× limit": round(matMs / limitMs, 2) }));
      meta.ratioToLimit = round(matMs / limitMs, 2);
      if (matMs / limitMs > 2) warnings.push(`materializeDue is ${round(matMs / limitMs, 2)}× the set-based statement (goal ≤ 2×)`);

      // 2. One whole tick (materialize, submit, poll, outcomes), budget large enough to take all.
      await reset(sql);
      log("one tick over all due schedules…");
      let t0 = performance.now();
      const one = await runTick(deps(main.db, sql), { budgetMs: 600_000 });
      const oneMs = performance.now() - t0;
      c = await counts(sql);
      rows.push(row(`1 tick, ${COUNT} due`, oneMs / 1000, c, { "schedules/s": Math.round((one.materialize?.created ?? 0) / (oneMs / 1000)), errors: one.errors.length }));
      if (!one.ok) warnings.push(`single tick errors: ${JSON.stringify(one.errors)}`);

      // The claim as every later tick runs it: nothing due.
      await sql`ANALYZE report_schedules`;
      const claim = await explain(
        sql,
        {
          sql: `SELECT id FROM report_schedules WHERE is_active = TRUE AND is_paused = FALSE AND next_run_at <= $1
                 ORDER BY next_run_at LIMIT ${DEFAULT_SCHEDULER_SETTINGS.materializeBatch} FOR UPDATE SKIP LOCKED`,
          params: [NOW.toISOString()],
        },
        ["report_schedules"],
      );

      // 3. Twenty servers tick at once over the same 10,000 due schedules.
      await reset(sql);
      log(`${CONCURRENT} concurrent ticks…`);
      t0 = performance.now();
      const many = await Promise.all(pools.map((p, i) => runTick(deps(p.db, raws[i]!), { budgetMs: 600_000 })));
      const manyMs = performance.now() - t0;
      c = await counts(sql);
      rows.push(row(`${CONCURRENT} concurrent ticks, ${COUNT} due`, manyMs / 1000, c, { "schedules/s": Math.round(c.executions / (manyMs / 1000)), errors: sum(many, (t) => t.errors.length) }));
      meta.ticksThatMaterialized = many.filter((t) => (t.materialize?.created ?? 0) > 0).length;
      meta.retriesInConcurrentTicks = sum(many, (t) => t.materialize?.retries);
      if (c.executions !== c.slots) warnings.push(`DUPLICATES: ${c.executions - c.slots} executions share a (schedule, slot)`);
      if (c.executions !== COUNT) warnings.push(`expected ${COUNT} executions after the concurrent ticks, found ${c.executions}`);
      if (c.advanced !== COUNT) warnings.push(`expected ${COUNT} schedules advanced to ${NEXT.toISOString()}, found ${c.advanced}`);
      for (const t of many) if (!t.ok) warnings.push(`concurrent tick errors: ${JSON.stringify(t.errors)}`);
      if (claim.seqScans.length > 0) warnings.push(`claim query scans sequentially: ${claim.path}`);

      // 4. 30,000 due in the same minute; ticks back to back with the default budget, each at
      //    its own `now` (the clock moves on), until nothing is due.
      if (MINUTE_COUNT > COUNT) {
        log(`adding ${(MINUTE_COUNT - COUNT).toLocaleString("en-US")} more due schedules…`);
        await addReports(sql, world.templateId, world.instanceId, COUNT + 1, MINUTE_COUNT);
      }
      await reset(sql);
      log(`${MINUTE_COUNT.toLocaleString("en-US")} due in one minute, ticks back to back…`);
      t0 = performance.now();
      const ticks: TickSummary[] = [];
      for (;;) {
        const at = new Date(NOW.getTime() + (performance.now() - t0));
        const tk = await runTick(deps(main.db, sql, at));
        ticks.push(tk);
        if (!tk.ok || (tk.overdue?.schedules ?? 0) === 0 || ticks.length >= 20) break;
      }
      const minuteMs = performance.now() - t0;
      c = await counts(sql);
      rows.push(
        row(`${MINUTE_COUNT} due in 1 minute, default budget`, minuteMs / 1000, c, {
          "schedules/s": Math.round(c.executions / (minuteMs / 1000)),
          ticks: ticks.length,
          errors: sum(ticks, (t) => t.errors.length),
        }),
      );
      meta.minuteTicks = ticks.map((t) => ({ ms: t.durationMs, materialized: t.materialize?.created ?? 0, overdue: t.overdue?.schedules ?? null }));
      if (c.executions !== MINUTE_COUNT || minuteMs > 60_000) warnings.push(`${MINUTE_COUNT} due: ${c.executions} materialized in ${round(minuteMs / 1000, 1)} s (goal: all within 60 s)`);
      if (c.executions !== c.slots) warnings.push(`DUPLICATES in the one-minute case: ${c.executions - c.slots}`);

      // 5. Submit over 1,000 instances with 10,000 pending runs (10 each): one pass's time, and
      //    how many instances it served; then passes until every instance had its turn.
      log(`${PENDING.toLocaleString("en-US")} pending runs over ${INSTANCES} instances: submit passes…`);
      await sql`DELETE FROM report_executions`;
      await sql`
        INSERT INTO amc_instances (instance_id, instance_name, instance_type)
        SELECT 'amcbenchfair' || g, 'Fair ' || g, 'STANDARD' FROM generate_series(1, ${INSTANCES}) g`;
      await sql`
        INSERT INTO report_executions (execution_id, report_id, template_id, instance_id, triggered_by, status, rendered_sql,
                                       time_window_start, time_window_end, time_window_timezone, created_at)
        SELECT 'exec_' || substr(md5(g::text), 1, 10), rd.id, rd.template_id, i.id, 'manual', 'pending', 'SELECT 1',
               '2026-05-01T04:00:00Z', '2026-05-08T04:00:00Z', 'America/New_York',
               now() - make_interval(secs => (${PENDING} - g))
          FROM generate_series(1, ${PENDING}) g
          JOIN LATERAL (SELECT id FROM amc_instances WHERE instance_id = 'amcbenchfair' || (1 + g % ${INSTANCES})) i ON TRUE
          JOIN LATERAL (SELECT id, template_id FROM report_definitions WHERE report_id = 'rpt_bench' || (1 + g % ${COUNT})) rd ON TRUE`;
      await sql`VACUUM ANALYZE report_executions`;
      const passMs: number[] = [];
      const served = new Set<string>();
      const batch = DEFAULT_ENGINE_SETTINGS.submitBatch;
      const fairPasses = Math.ceil(INSTANCES / batch);
      let servedInFairPasses = 0;
      let passes = 0;
      let firstPass: BenchRow = {};
      // Each pass at its own `now`, as ticks run: a second apart.
      const submitT0 = Date.now();
      while (served.size < INSTANCES && passes < 100) {
        t0 = performance.now();
        const s = await submitPending(deps(main.db, sql, new Date(submitT0 + passes * 1000)));
        passMs.push(performance.now() - t0);
        passes += 1;
        // Served: the instance had a run taken off its queue (the stub accepts every create, and
        // nothing finishes, so it stays running).
        const got = await sql<{ instance_id: string }[]>`SELECT DISTINCT instance_id FROM report_executions WHERE status <> 'pending'`;
        for (const g of got) served.add(g.instance_id);
        if (passes === 1) firstPass = { claimed: s.claimed, submitted: s.submitted, instances: got.length };
        if (passes === fairPasses) servedInFairPasses = served.size;
        if (s.claimed === 0) break;
      }
      if (passes < fairPasses) servedInFairPasses = served.size;
      meta.submitFairness = { instances: INSTANCES, batch, passes: fairPasses, served: servedInFairPasses };
      rows.push(
        row(`submit: 1 pass, ${INSTANCES} instances × ${PENDING / INSTANCES} pending`, passMs[0]! / 1000, null, {
          ...firstPass,
          [`served after ${fairPasses} passes`]: `${servedInFairPasses}/${INSTANCES}`,
          "passes until all served": served.size === INSTANCES ? passes : `${served.size} served after ${passes}`,
          "median pass s": round(median(passMs) / 1000, 3),
        }),
      );
      if (servedInFairPasses < INSTANCES) {
        warnings.push(`submit: ${servedInFairPasses} of ${INSTANCES} instances served after ceil(${INSTANCES} / ${batch}) = ${fairPasses} passes (goal: all)`);
      }

      return {
        name: "scheduler",
        meta: { ...meta, claimQuery: { path: claim.path, executionMs: round(claim.executionMs, 3) } },
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
