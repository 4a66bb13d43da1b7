// Test-only builders for the scheduler's tests (not a *.test.ts file, so it is not run itself).
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeEach } from "vitest";
import type { PgTable } from "drizzle-orm/pg-core";
import { createDatabase, type Database } from "../db/client";
import { amcInstances, queryTemplateParameters, queryTemplates, reportDefinitions } from "../db/schema";
import { grant, makeInstance, makeReport, makeTemplate, makeUser } from "./factories";
import { silentLogger, type EngineDeps } from "../lib/engine/deps";
import type { AmcGateway } from "../lib/amc/gateway";

/**
 * A daily 02:00 New York schedule while no server ticked for a week: due since Mon 2025-03-03
 * 02:00 EST, back on 2025-03-10 at 12:00 UTC. Only the latest slot runs; the others are skipped
 * (the one on the spring-forward day at 03:00 EDT). The cron math and materializing both test it.
 */
export const WEEK_DOWN = {
  cron: "0 2 * * *",
  due: new Date("2025-03-03T07:00:00Z"),
  back: new Date("2025-03-10T12:00:00Z"),
  latest: new Date("2025-03-10T06:00:00Z"),
  skipped: [
    "2025-03-03T07:00:00.000Z",
    "2025-03-04T07:00:00.000Z",
    "2025-03-05T07:00:00.000Z",
    "2025-03-06T07:00:00.000Z",
    "2025-03-07T07:00:00.000Z",
    "2025-03-08T07:00:00.000Z",
    "2025-03-09T07:00:00.000Z",
  ],
};

export const TEMPLATE_SQL =
  "SELECT campaign, SUM(impressions) AS impressions FROM sponsored_ads_traffic WHERE campaign_id_string IN ({{campaigns}}) AND event_dt >= {{window_start}} AND event_dt < {{window_end}} GROUP BY 1";

/**
 * A member granted an instance with one renderable report: its template has one `campaigns`
 * list parameter (filled in by the report) and the given SQL, lag, window and zone.
 */
export async function renderableWorld(
  db: Database,
  opts: {
    member?: { name?: string };
    instance?: Partial<typeof amcInstances.$inferInsert>;
    template: Partial<typeof queryTemplates.$inferInsert>;
    report: Partial<typeof reportDefinitions.$inferInsert>;
  },
) {
  const member = await makeUser(db, opts.member);
  const instance = await makeInstance(db, opts.instance);
  const template = await makeTemplate(db, opts.template);
  await db.insert(queryTemplateParameters).values({ templateId: template.id, name: "campaigns", label: "Campaigns", paramType: "campaign_list" });
  const report = await makeReport(db, { instanceId: instance.id, templateId: template.id, ...opts.report });
  await grant(db, member.id, instance.id);
  return { member, instance, template, report };
}

/** A member with access to an instance with one renderable report (last 7 days, lag 14, UTC). */
export function scheduledWorld(db: Database, opts: { instanceType?: "SANDBOX" | "STANDARD"; instanceId?: string } = {}) {
  return renderableWorld(db, {
    member: { name: "Mia Member" },
    instance: { instanceType: opts.instanceType ?? "STANDARD", ...(opts.instanceId ? { instanceId: opts.instanceId } : {}) },
    template: { sqlTemplate: TEMPLATE_SQL, dataLagDays: 14 },
    report: { timezone: "UTC", parameters: { campaigns: ["c1", "c2"] }, windowSpec: { kind: "last_days", n: 7 } },
  });
}

/**
 * A renderable report in New York over the last 30 complete days (lag 14) of `campaigns`, on a
 * template with `sqlTemplate` (and any other template fields): the run-now and re-run tests' world.
 */
export function newYorkCampaignsWorld(db: Database, campaigns: string[], template: Partial<typeof queryTemplates.$inferInsert> & { sqlTemplate: string }) {
  return renderableWorld(db, {
    template: { dataLagDays: 14, ...template },
    report: { timezone: "America/New_York", parameters: { campaigns }, windowSpec: { kind: "last_days", n: 30 } },
  });
}

/**
 * `count` reports, each with one active, due schedule (next_run_at = `due`), in one statement
 * each (INSERT ... SELECT generate_series), as the concurrency tests and the benchmark need.
 */
export async function bulkDueSchedules(
  db: Database,
  opts: { templateId: string; instanceId: string; count: number; due: Date; cron?: string; timezone?: string; tag: string },
) {
  const cron = opts.cron ?? "0 3 * * 1";
  const tz = opts.timezone ?? "America/New_York";
  await db.execute(sql`
    INSERT INTO report_definitions (report_id, name, template_id, instance_id, timezone, parameters, window_spec)
    SELECT 'rpt_' || ${opts.tag} || g, 'Bulk ' || g, ${opts.templateId}::uuid, ${opts.instanceId}::uuid, ${tz},
           '{"campaigns": ["c1"]}'::jsonb, '{"kind": "last_days", "n": 7}'::jsonb
      FROM generate_series(1, ${opts.count}) AS g`);
  await db.execute(sql`
    INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression, timezone, next_run_at)
    SELECT 'sch_' || substr(rd.report_id, 5), rd.id, 'weekly', ${cron}, ${tz}, ${opts.due.toISOString()}::timestamptz
      FROM report_definitions rd
     WHERE rd.report_id LIKE ${`rpt_${opts.tag}%`}`);
}

export function engineDeps(db: Database, raw: postgres.Sql, gateway: AmcGateway, now: Date, over: Partial<EngineDeps> = {}): EngineDeps {
  return { db, sql: raw, gateways: async () => gateway, now, log: silentLogger, ...over };
}

/**
 * `count` servers on one database, each with its own pools (drizzle's and the raw client), for
 * tests that run phases or ticks concurrently; closed after the file's tests. Call at describe
 * level.
 */
export function manyServers(url: string, count: number, max: { db: number; raw: number } = { db: 1, raw: 1 }) {
  const pools = Array.from({ length: count }, () => createDatabase(url, { max: max.db }));
  const raws = pools.map(() => postgres(url, { max: max.raw, onnotice: () => {} }));
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await Promise.all(raws.map((r) => r.end()));
  });
  return {
    pools,
    /** Server i's engine deps. */
    deps: (i: number, gateway: AmcGateway, now: Date, over: Partial<EngineDeps> = {}) => engineDeps(pools[i]!.db, raws[i]!, gateway, now, over),
  };
}

/** `at(s)`: `s` seconds after `t0`, the engine tests' hand-stepped clock. */
export const secondsAfter = (t0: Date) => (s: number) => new Date(t0.getTime() + s * 1000);

/** Engine phases work on the whole queue, so each test of such a file starts with these tables empty. */
export function emptyBeforeEach(db: Database, ...tables: PgTable[]) {
  beforeEach(async () => {
    for (const table of tables) await db.delete(table);
  });
}
