import postgres from "postgres";
import { createDatabase, type Database } from "../../db/client";
import { listReportsOverview, overviewStatements } from "../../lib/reports/overview";
import { instanceScope, type SessionUser } from "../../db/queries/access";
import { parseOverviewQuery, OVERVIEW_SORTS, type SearchParamsInput } from "../../lib/reports/overview-query";
import {
  explain,
  freshBenchDatabase,
  round,
  timeMedian,
  type BenchContext,
  type BenchResult,
  type BenchRow,
  type Benchmark,
  type ExplainSummary,
} from "./harness";

/**
 * The Reports overview at 100k reports / 1M executions (architecture.md §5): every sort in
 * both directions for an admin, each sort for a member who sees 1 of 20 instances, filters and
 * search; against the seed's view as the "before" figure.
 */

const DATABASE = "amc_bench";
const WATCHED = ["report_definitions", "report_executions"];

interface Sizes {
  reports: number;
  instances: number;
}

function sizes(): Sizes {
  const reports = Number(process.env.BENCH_REPORTS ?? 100_000);
  if (!Number.isInteger(reports) || reports < 1000) throw new Error("BENCH_REPORTS must be an integer ≥ 1000");
  return { reports, instances: 20 };
}

/**
 * Builds the data set in set-based SQL. Row triggers (the overview's denormalized copies and
 * the foreign-key checks) are off for the load via session_replication_role = replica —
 * firing them a million times is what would make this take many minutes — and the copies are
 * then computed the way the triggers define them, in a few UPDATEs.
 */
async function generate(sql: postgres.Sql, { reports, instances }: Sizes, log: (s: string) => void) {
  const step = async (label: string, statement: string) => {
    const t0 = performance.now();
    await sql.unsafe(statement);
    log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };

  await sql.unsafe(`SET session_replication_role = replica`);
  await sql.unsafe(`SET synchronous_commit = off`);
  await sql.unsafe(`SET maintenance_work_mem = '256MB'`);
  await sql.unsafe(`SET work_mem = '64MB'`);

  await step(
    "users, instances, templates, grants",
    `
    INSERT INTO users (email, name, password_hash, role) VALUES
      ('bench-admin@example.com', 'Bench Admin', 'x', 'admin'),
      ('bench-member-1@example.com', 'Member With One Instance', 'x', 'member'),
      ('bench-member-10@example.com', 'Member With Ten Instances', 'x', 'member');

    INSERT INTO amc_instances (instance_id, instance_name, instance_type)
    SELECT 'amcbench' || lpad(i::text, 2, '0'),
           'Client ' || lpad(i::text, 2, '0'),
           CASE WHEN i = 1 THEN 'SANDBOX' ELSE 'STANDARD' END
      FROM generate_series(1, ${instances}) i;

    INSERT INTO query_templates (template_id, name, sql_template, report_type)
    SELECT 'tpl_bench_' || i,
           (ARRAY['Campaign Performance', 'New-to-Brand', 'Path to Conversion', 'Audience Overlap',
                  'Frequency Distribution', 'Conversion Lift', 'Cross-Channel Reach', 'Top ASINs'])[i],
           'SELECT 1',
           (ARRAY['performance', 'ntb', 'path', 'audience', 'frequency', 'lift', 'reach', 'asin'])[i]
      FROM generate_series(1, 8) i;

    INSERT INTO user_instance_access (user_id, instance_id)
    SELECT u.id, ai.id FROM users u JOIN amc_instances ai ON ai.instance_id <= 'amcbench01'
     WHERE u.email = 'bench-member-1@example.com'
    UNION ALL
    SELECT u.id, ai.id FROM users u JOIN amc_instances ai ON ai.instance_id <= 'amcbench10'
     WHERE u.email = 'bench-member-10@example.com';
    `,
  );

  // One row per report with everything derived from g, so later statements agree on it.
  // About 1 in 10 reports never ran; the rest ran 1–21 times (≈10 on average).
  await step(
    "plan",
    `
    CREATE TEMP TABLE gen AS
    WITH inst AS (SELECT array_agg(id ORDER BY instance_id) AS ids FROM amc_instances),
         tpl AS (SELECT array_agg(id ORDER BY template_id) AS ids FROM query_templates),
         usr AS (SELECT array_agg(id ORDER BY email) AS ids FROM users)
    SELECT g,
           gen_random_uuid() AS id,
           CASE WHEN g % 5 = 0 THEN gen_random_uuid() END AS schedule_uuid,
           CASE WHEN g % 20 = 0 THEN gen_random_uuid() END AS dashboard_uuid,
           CASE WHEN g % 10 = 3 THEN 0 ELSE 1 + (g * 7919) % 21 END AS runs,
           inst.ids[1 + (g * 13) % ${instances}] AS instance_id,
           tpl.ids[1 + g % 8] AS template_id,
           usr.ids[1 + g % 3] AS owner_id,
           -- Two reports per timestamp: ties that only the id tie-breaker orders.
           now() - ((${reports} - g) / 2) * interval '10 minutes' AS created_at,
           (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka',
                  'Tyrell', 'Cyberdyne', 'Soylent', 'Aperture'])[1 + (g / 10) % 12] AS brand
      FROM generate_series(1, ${reports}) g, inst, tpl, usr;
    ALTER TABLE gen ADD PRIMARY KEY (g);
    `,
  );

  await step(
    "report_definitions",
    `
    INSERT INTO dashboards (id, dashboard_id, name, instance_id, owner_id)
    SELECT dashboard_uuid, 'dash_bench' || lpad(g::text, 6, '0'), brand || ' dashboard ' || g, instance_id, owner_id
      FROM gen WHERE dashboard_uuid IS NOT NULL;

    INSERT INTO report_definitions (id, report_id, name, description, template_id, instance_id,
                                    owner_id, frequency, is_active, dashboard_id, created_at, updated_at)
    SELECT id,
           'rpt_bench' || lpad(g::text, 6, '0'),
           (ARRAY['Weekly ROAS Tracker', 'Daily Campaign Pulse', 'New-to-Brand Monthly',
                  'Path to Conversion', 'Brand Halo Check', 'Audience Overlap',
                  'Frequency Distribution', 'Conversion Lift', 'Cross-Channel Reach',
                  'Top ASIN Performance'])[1 + g % 10] || ' - ' || brand || ' ' || g,
           CASE WHEN g % 3 = 0 THEN NULL
                ELSE 'Tracks ' || brand || ' campaigns for the ' || (ARRAY['US', 'UK', 'DE', 'JP'])[1 + g % 4] || ' marketplace' END,
           template_id, instance_id, owner_id,
           CASE WHEN schedule_uuid IS NULL THEN 'once'
                ELSE (ARRAY['daily', 'weekly', 'monthly', 'quarterly'])[1 + (g / 5) % 4] END,
           g % 17 <> 0,
           dashboard_uuid, created_at, created_at
      FROM gen;
    `,
  );

  await step(
    "report_schedules",
    `
    INSERT INTO report_schedules (id, schedule_id, report_id, schedule_type, cron_expression, timezone,
                                  is_active, is_paused, next_run_at, created_at)
    SELECT schedule_uuid, 'sch_bench' || lpad(g::text, 6, '0'), id, s.type,
           (ARRAY['0 2 * * *', '0 3 * * 1', '0 4 1 * *', '0 5 1 1,4,7,10 *'])[1 + (g / 5) % 4],
           'UTC', TRUE, g % 25 = 0,
           date_trunc('minute', now()) + ((g * 37) % 10080) * interval '1 minute',
           created_at
      FROM gen, LATERAL (SELECT (ARRAY['daily', 'weekly', 'monthly', 'quarterly'])[1 + (g / 5) % 4] AS type) s
     WHERE schedule_uuid IS NOT NULL;
    `,
  );

  await step(
    "report_executions",
    `
    INSERT INTO report_executions (execution_id, report_id, template_id, instance_id, user_id,
                                   triggered_by, schedule_id, status, started_at, completed_at,
                                   row_count, time_window_start, time_window_end, created_at, updated_at)
    SELECT 'exec_bench' || lpad(r.g::text, 6, '0') || lpad(k::text, 2, '0'),
           r.id, r.template_id, r.instance_id, r.owner_id,
           CASE WHEN r.schedule_uuid IS NULL THEN 'manual' ELSE 'schedule' END,
           r.schedule_uuid,
           st.status,
           CASE WHEN st.status = 'pending' THEN NULL ELSE t.created + interval '1 minute' END,
           CASE WHEN st.status IN ('completed', 'failed', 'cancelled') THEN t.created + interval '13 minutes' END,
           CASE WHEN st.status = 'completed' THEN 100 + (r.g + k) % 5000 END,
           t.created - interval '21 days', t.created - interval '14 days',
           t.created, t.created
      FROM gen r
     CROSS JOIN LATERAL generate_series(1, r.runs) k
     CROSS JOIN LATERAL (
       SELECT now() - (r.runs - k) * interval '1 day'
                    - (r.g % 60) * interval '1 day'
                    - ((r.g * 97) % 1440) * interval '1 minute' AS created
     ) t
     CROSS JOIN LATERAL (
       SELECT CASE
                WHEN k = r.runs AND r.g % 50 = 1 THEN 'pending'
                WHEN k = r.runs AND r.g % 50 = 2 THEN 'running'
                WHEN (r.g * 31 + k * 17) % 100 < 80 THEN 'completed'
                WHEN (r.g * 31 + k * 17) % 100 < 93 THEN 'failed'
                ELSE 'cancelled'
              END AS status
     ) st;
    `,
  );

  await step(
    "favorites",
    `
    INSERT INTO dashboard_favorites (dashboard_id, user_id)
    SELECT gen.dashboard_uuid, u.id FROM gen JOIN users u ON u.email = 'bench-admin@example.com'
     WHERE gen.dashboard_uuid IS NOT NULL AND gen.g % 40 = 0
    UNION ALL
    SELECT gen.dashboard_uuid, u.id FROM gen JOIN users u ON u.email = 'bench-member-1@example.com'
     WHERE gen.dashboard_uuid IS NOT NULL AND gen.g % 60 = 0;
    `,
  );

  // The same values the triggers in drizzle/0001 maintain: count, latest by created_at (then
  // id), max(started_at); and the active schedule's next_run_at / is_paused.
  await step(
    "denormalized copies (UPDATE)",
    `
    UPDATE report_definitions rd
       SET execution_count = s.cnt,
           last_run_at = s.last_run,
           last_execution_id = l.id,
           last_status = l.status
      FROM (SELECT report_id, count(*) AS cnt, max(started_at) AS last_run
              FROM report_executions GROUP BY report_id) s
      JOIN (SELECT DISTINCT ON (report_id) report_id, id, status
              FROM report_executions
             ORDER BY report_id, created_at DESC NULLS LAST, id DESC) l USING (report_id)
     WHERE rd.id = s.report_id;

    UPDATE report_definitions rd
       SET next_run_at = rs.next_run_at,
           schedule_paused = rs.is_paused
      FROM report_schedules rs
     WHERE rs.report_id = rd.id AND rs.is_active;
    `,
  );

  await sql.unsafe(`SET session_replication_role = DEFAULT`);
  await sql.unsafe(`DROP TABLE gen`);
  // VACUUM as well as ANALYZE: the UPDATEs left a dead version of every report behind, and
  // the visibility map is what lets count(*) use an index-only scan.
  await step("VACUUM ANALYZE", `VACUUM (ANALYZE)`);
}

async function verify(sql: postgres.Sql): Promise<Record<string, number>> {
  const [row] = await sql<
    { reports: number; executions: number; schedules: number; paused: number; never_run: number; mismatched: number }[]
  >`
    SELECT (SELECT count(*)::int FROM report_definitions) AS reports,
           (SELECT count(*)::int FROM report_executions) AS executions,
           (SELECT count(*)::int FROM report_schedules) AS schedules,
           (SELECT count(*)::int FROM report_definitions WHERE schedule_paused) AS paused,
           (SELECT count(*)::int FROM report_definitions WHERE last_status IS NULL) AS never_run,
           (SELECT count(*)::int FROM report_definitions rd
             WHERE COALESCE(rd.execution_count, 0) <>
                   (SELECT count(*) FROM report_executions e WHERE e.report_id = rd.id)) AS mismatched`;
  if (!row) throw new Error("verification query returned nothing");
  if (row.mismatched > 0) throw new Error(`${row.mismatched} reports have a wrong execution_count`);
  return { ...row };
}

interface Case {
  label: string;
  viewer: "admin" | "member1" | "member10";
  params: SearchParamsInput;
}

const OWNER = "$owner";

function cases(): Case[] {
  const out: Case[] = [];
  for (const sort of OVERVIEW_SORTS) {
    for (const dir of ["desc", "asc"] as const) {
      out.push({ label: `admin ${sort} ${dir}`, viewer: "admin", params: { sort, dir } });
    }
  }
  for (const sort of OVERVIEW_SORTS) {
    out.push({ label: `member 1/20 inst. ${sort}`, viewer: "member1", params: { sort } });
  }
  out.push(
    { label: "member 10/20 inst. last_run", viewer: "member10", params: { sort: "last_run" } },
    { label: "admin status=failed last_run", viewer: "admin", params: { status: "failed", sort: "last_run" } },
    { label: "admin status=never name", viewer: "admin", params: { status: "never", sort: "name" } },
    { label: "admin state=paused next_run", viewer: "admin", params: { state: "paused", sort: "next_run" } },
    {
      label: "member 1/20 status=failed,running",
      viewer: "member1",
      params: { status: "failed,running", sort: "last_run" },
    },
    { label: "admin q=rpt_bench04242 (10 rows)", viewer: "admin", params: { q: "rpt_bench04242" } },
    { label: "admin q='Wonka 77' (narrow)", viewer: "admin", params: { q: "Wonka 77" } },
    { label: "admin q=Wonka (~8% of rows)", viewer: "admin", params: { q: "Wonka" } },
    { label: "admin q=Wonka last_run", viewer: "admin", params: { q: "Wonka", sort: "last_run" } },
    { label: "member 1/20 q=Globex (none theirs)", viewer: "member1", params: { q: "Globex" } },
    { label: "admin page 200 (offset 9,950)", viewer: "admin", params: { page: "200" } },
    // OWNER is replaced by a real owner's id once the data exists (about a third of the reports).
    { label: "admin owner=one of 3 (~1/3 of rows)", viewer: "admin", params: { owner: OWNER } },
    { label: "admin owner + status=failed last_run", viewer: "admin", params: { owner: OWNER, status: "failed", sort: "last_run" } },
  );
  return out;
}

function accessOf(summary: ExplainSummary): string {
  return (summary.scans.report_definitions ?? []).join(", ") || "-";
}

async function measureCase(
  db: Database,
  sql: postgres.Sql,
  viewer: SessionUser,
  c: Case,
): Promise<{ row: BenchRow; detail: Record<string, unknown>; warnings: string[] }> {
  const query = parseOverviewQuery(c.params);
  const timing = await timeMedian(() => listReportsOverview(db, viewer, query));
  const result = await listReportsOverview(db, viewer, query);
  const scope = await instanceScope(db, viewer);
  // Both ways of fetching the page, whichever listReportsOverview chose, to keep
  // SORT_MATCHES_UP_TO honest.
  const walk = overviewStatements(db, viewer.id, scope, query, "index-walk");
  const sorted = overviewStatements(db, viewer.id, scope, query, "sort-matches");
  const walkPlan = await explain(sql, walk.page.toSQL(), WATCHED);
  const sortPlan = await explain(sql, sorted.page.toSQL(), WATCHED);
  const countPlan = await explain(sql, walk.total.toSQL(), WATCHED);
  const chosen = result.strategy === "sort-matches" ? sortPlan : result.strategy === "index-walk" ? walkPlan : undefined;
  const warnings: string[] = [];
  const flags: string[] = [];
  if (chosen && chosen.seqScans.length > 0) {
    flags.push("SEQ SCAN (page)");
    warnings.push(`${c.label}: Seq Scan in the page query (${[...new Set(chosen.seqScans)].join(", ")})`);
  }
  if (countPlan.seqScans.length > 0) {
    flags.push("seq scan (count)");
    warnings.push(`${c.label}: Seq Scan in the count query (no index on the filtered column)`);
  }
  const mark = (s: "index-walk" | "sort-matches") => (result.strategy === s ? "*" : "");
  return {
    row: {
      case: c.label,
      "median ms": round(timing.medianMs),
      rows: result.rows.length,
      total: result.total,
      "count ms": round(countPlan.executionMs),
      "walk ms": `${round(walkPlan.executionMs)}${mark("index-walk")}`,
      "sort ms": `${round(sortPlan.executionMs)}${mark("sort-matches")}`,
      "page reads report_definitions by (* = used)": chosen ? accessOf(chosen) : "(no page query)",
      "count reads it by": accessOf(countPlan),
      warning: flags.join(", "),
    },
    detail: {
      case: c.label,
      params: c.params,
      strategy: result.strategy,
      samplesMs: timing.samplesMs,
      walk: walkPlan,
      sort: sortPlan,
      count: countPlan,
    },
    warnings,
  };
}

async function measureView(sql: postgres.Sql, label: string, text: string) {
  const timing = await timeMedian(() => sql.unsafe(text));
  const plan = await explain(sql, { sql: text, params: [] }, WATCHED);
  return {
    row: {
      case: label,
      "median ms": round(timing.medianMs),
      rows: 50,
      total: null,
      "count ms": null,
      "walk ms": String(round(plan.executionMs)),
      "sort ms": "",
      "page reads report_definitions by (* = used)": accessOf(plan),
      "count reads it by": "",
      warning: plan.seqScans.length > 0 ? "SEQ SCAN (page)" : "",
    } satisfies BenchRow,
    detail: { case: label, sql: text, samplesMs: timing.samplesMs, plan },
  };
}

async function loadViewer(sql: postgres.Sql, email: string): Promise<SessionUser> {
  const [u] = await sql<SessionUser[]>`SELECT id, email, name, role FROM users WHERE email = ${email}`;
  if (!u) throw new Error(`bench user ${email} missing`);
  return u;
}

export const overviewBenchmark: Benchmark = {
  name: "overview",
  description: "Reports overview page query at 100k reports / 1M executions",
  async run(ctx: BenchContext): Promise<BenchResult> {
    const size = sizes();
    ctx.log(`overview: creating ${DATABASE} (drop + create + migrate)`);
    const url = await freshBenchDatabase(ctx.adminUrl, DATABASE);

    const loader = postgres(url, { max: 1, onnotice: () => {} });
    const t0 = performance.now();
    ctx.log(`overview: generating ${size.reports.toLocaleString("en-US")} reports, ~${(size.reports * 10).toLocaleString("en-US")} executions`);
    try {
      await generate(loader, size, ctx.log);
    } finally {
      await loader.end();
    }
    const generationSeconds = round((performance.now() - t0) / 1000, 1);
    ctx.log(`overview: generation took ${generationSeconds} s`);

    const { db, close } = createDatabase(url, { max: 4 });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const counts = await verify(sql);
      const [settings] = await sql<{ version: string; shared_buffers: string; work_mem: string }[]>`
        SELECT current_setting('server_version') AS version,
               current_setting('shared_buffers') AS shared_buffers,
               current_setting('work_mem') AS work_mem`;
      const viewers = {
        admin: await loadViewer(sql, "bench-admin@example.com"),
        member1: await loadViewer(sql, "bench-member-1@example.com"),
        member10: await loadViewer(sql, "bench-member-10@example.com"),
      };

      const rows: BenchRow[] = [];
      const details: Record<string, unknown>[] = [];
      const warnings: string[] = [];

      ctx.log("overview: before - the seed's view");
      for (const [label, text] of [
        ["VIEW first page (created)", "SELECT * FROM report_runs_overview LIMIT 50"],
        [
          "VIEW ORDER BY last_run_at",
          "SELECT * FROM report_runs_overview ORDER BY last_run_at DESC NULLS LAST LIMIT 50",
        ],
      ] as const) {
        const m = await measureView(sql, label, text);
        rows.push(m.row);
        details.push(m.detail);
      }

      ctx.log("overview: after - listReportsOverview");
      const [someOwner] = await sql<{ id: string }[]>`SELECT owner_id AS id FROM report_definitions WHERE owner_id IS NOT NULL LIMIT 1`;
      for (const c of cases()) {
        const params = c.params.owner === OWNER ? { ...c.params, owner: someOwner?.id } : c.params;
        const m = await measureCase(db, sql, viewers[c.viewer], { ...c, params });
        rows.push(m.row);
        details.push(m.detail);
        warnings.push(...m.warnings);
      }

      return {
        name: "overview",
        meta: { ...counts, instances: size.instances, generationSeconds, postgres: settings, details },
        rows,
        warnings,
      };
    } finally {
      await sql.end();
      await close();
    }
  },
};
