// Test-only builders for the scheduler's tests (not a *.test.ts file, so it is not run itself).
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { queryTemplateParameters } from "../db/schema";
import { grant, makeInstance, makeReport, makeTemplate, makeUser } from "./factories";
import { silentLogger, type EngineDeps } from "../lib/executions/deps";
import type { AmcGateway } from "../lib/amc/gateway";
import type postgres from "postgres";

export const TEMPLATE_SQL =
  "SELECT campaign, SUM(impressions) AS impressions FROM sponsored_ads_traffic WHERE campaign_id_string IN ({{campaigns}}) AND event_dt >= {{window_start}} AND event_dt < {{window_end}} GROUP BY 1";

/** A member with access to an instance with one renderable report (last 7 days, lag 14, New York). */
export async function scheduledWorld(db: Database, opts: { instanceType?: "SANDBOX" | "STANDARD"; instanceId?: string } = {}) {
  const member = await makeUser(db, { name: "Mia Member" });
  const instance = await makeInstance(db, { instanceType: opts.instanceType ?? "STANDARD", ...(opts.instanceId ? { instanceId: opts.instanceId } : {}) });
  const template = await makeTemplate(db, { sqlTemplate: TEMPLATE_SQL, dataLagDays: 14 });
  await db.insert(queryTemplateParameters).values({ templateId: template.id, name: "campaigns", label: "Campaigns", paramType: "campaign_list" });
  const report = await makeReport(db, {
    instanceId: instance.id,
    templateId: template.id,
    timezone: "UTC",
    parameters: { campaigns: ["c1", "c2"] },
    windowSpec: { kind: "last_days", n: 7 },
  });
  await grant(db, member.id, instance.id);
  return { member, instance, template, report };
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
