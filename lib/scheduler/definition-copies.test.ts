import { inArray, sql } from "drizzle-orm";
import { reportDefinitions } from "../../db/schema";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { makeExecution, makeReport, makeSchedule } from "../../test/factories";
import { bulkDueSchedules, engineDeps, scheduledWorld } from "../../test/scheduler-world";
import { FakeGateway } from "../../test/fake-gateway";
import { materializeDue } from "./materialize";
import { newExecutionId } from "../ids";

// report_definitions' indexed copies, kept by the statement-level triggers of
// drizzle/0008_statement_level_copies.sql, must equal what they copy after set-based writes:
// - from the view report_runs_overview: last_run_at (its latest started run), next_run_at and
//   paused (its active schedule), execution_count;
// - execution_count = count(*) of the report's executions;
// - last_execution_id / last_status: the report's most recently created execution (the rule of
//   the copies since 0001, which the view does not show: its latest_status is the latest
//   *started* run's).

const { db, sql: raw } = await freshDatabase();

const copiesOf = (ids: string[]) => db.select().from(reportDefinitions).where(inArray(reportDefinitions.id, ids));

/** Reports whose copies differ from what they copy, with both sides. */
async function mismatches() {
  return db.execute(sql`
    SELECT rd.report_id,
           rd.execution_count, (SELECT count(*)::int FROM report_executions e WHERE e.report_id = rd.id) AS actual_count,
           rd.last_run_at, v.last_run_at AS view_last_run_at,
           rd.next_run_at, v.next_run_at AS view_next_run_at,
           rd.schedule_paused, v.state AS view_state,
           rd.last_execution_id, l.id AS latest_id, rd.last_status, l.status AS latest_status
      FROM report_definitions rd
      JOIN report_runs_overview v ON v.report_uuid = rd.id
      LEFT JOIN LATERAL (
        SELECT e.id, e.status FROM report_executions e
         WHERE e.report_id = rd.id ORDER BY e.created_at DESC NULLS LAST, e.id DESC LIMIT 1) l ON TRUE
     WHERE COALESCE(rd.execution_count, 0) <> (SELECT count(*) FROM report_executions e WHERE e.report_id = rd.id)
        OR rd.execution_count IS DISTINCT FROM v.execution_count
        OR rd.last_run_at IS DISTINCT FROM v.last_run_at
        OR rd.next_run_at IS DISTINCT FROM v.next_run_at
        OR rd.schedule_paused IS DISTINCT FROM (v.state = 'paused')
        OR rd.last_execution_id IS DISTINCT FROM l.id
        OR rd.last_status IS DISTINCT FROM l.status`);
}

describe("report_definitions' copies after set-based writes (statement-level triggers)", () => {
  it("equal the view and the executions after a materialize batch", async () => {
    const { template, instance, report: ran } = await scheduledWorld(db);
    const due = new Date("2026-06-01T07:00:00Z");
    // 300 due reports written in one statement each (reports, schedules)...
    await bulkDueSchedules(db, { templateId: template.id, instanceId: instance.id, count: 300, due, tag: "cp" });
    // ...one with an earlier started run (last_run_at must survive the new pending one), one
    // whose schedule is paused (not claimed), one with no schedule at all.
    await makeExecution(db, ran.id, { status: "completed", startedAt: new Date("2026-05-25T07:00:05Z"), createdAt: new Date("2026-05-25T07:00:00Z") });
    await makeSchedule(db, ran.id, { cronExpression: "0 3 * * 1", timezone: "America/New_York", nextRunAt: due });
    const paused = await makeReport(db, { instanceId: instance.id, templateId: template.id });
    await makeSchedule(db, paused.id, { nextRunAt: due, isPaused: true });
    await makeReport(db, { instanceId: instance.id, templateId: template.id });
    expect(await mismatches()).toEqual([]);

    // Two batches of 200 and 101: each one INSERT of runs and one UPDATE of schedules.
    const s = await materializeDue(engineDeps(db, raw, new FakeGateway(), new Date(due.getTime() + 30_000)), { settings: { materializeBatch: 200 } });
    expect(s).toMatchObject({ claimed: 301, created: 301, batches: 2 });
    expect(await mismatches()).toEqual([]);
    const [r] = await copiesOf([ran.id]);
    expect(r).toMatchObject({ lastStatus: "pending", executionCount: 2, lastRunAt: new Date("2026-05-25T07:00:05Z"), nextRunAt: new Date("2026-06-08T07:00:00Z") });
  });

  it("take the last inserted row of a multi-row INSERT as latest, and count every row", async () => {
    const report = await makeReport(db);
    const other = await makeReport(db);
    const ids = Array.from({ length: 4 }, () => newExecutionId());
    const rows = await db.execute<{ id: string; report_id: string }>(sql`
      INSERT INTO report_executions (execution_id, report_id, triggered_by, status, started_at, created_at)
      VALUES (${ids[0]}, ${report.id}, 'manual', 'completed', '2026-01-03T00:00:00Z', '2026-01-01T00:00:00Z'),
             (${ids[1]}, ${other.id}, 'manual', 'failed', NULL, '2026-01-01T00:00:00Z'),
             (${ids[2]}, ${report.id}, 'manual', 'running', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z'),
             (${ids[3]}, ${report.id}, 'manual', 'pending', NULL, '2026-01-04T00:00:00Z')
      RETURNING id, report_id`);
    const [d] = await copiesOf([report.id]);
    expect(d).toMatchObject({ lastExecutionId: rows[3]!.id, lastStatus: "pending", executionCount: 3, lastRunAt: new Date("2026-01-03T00:00:00Z") });
    expect(await mismatches()).toEqual([]);
  });

  it("follow multi-row schedule changes: pause, move to another report, deactivate, delete, insert", async () => {
    const reports = await Promise.all(Array.from({ length: 6 }, () => makeReport(db)));
    const [a, b, c, d, e, f] = reports.map((r) => r.id) as [string, string, string, string, string, string];
    await db.execute(sql`
      INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression, timezone, next_run_at)
      SELECT 'sch_mv' || ord, rid, 'weekly', '0 3 * * 1', 'UTC', '2031-01-01T00:00:00Z'::timestamptz + ord * interval '1 day'
        FROM unnest(${`{${[a, b, c, d].join(",")}}`}::uuid[]) WITH ORDINALITY AS u(rid, ord)`);
    expect(await mismatches()).toEqual([]);
    // One statement: pause a, move b's schedule to e (b has none left), deactivate c.
    await db.execute(sql`
      UPDATE report_schedules
         SET is_paused = CASE WHEN report_id = ${a} THEN TRUE ELSE is_paused END,
             report_id = CASE WHEN report_id = ${b} THEN ${e}::uuid ELSE report_id END,
             is_active = CASE WHEN report_id = ${c} THEN FALSE ELSE is_active END
       WHERE report_id IN (${a}, ${b}, ${c})`);
    expect(await mismatches()).toEqual([]);
    // An update that touches none of the copied columns changes nothing.
    await db.execute(sql`UPDATE report_schedules SET run_count = run_count + 1 WHERE report_id IN (${a}, ${d})`);
    await db.execute(sql`DELETE FROM report_schedules WHERE report_id IN (${a}, ${d})`);
    await db.execute(sql`
      INSERT INTO report_schedules (schedule_id, report_id, schedule_type, cron_expression, timezone, next_run_at, is_paused)
      VALUES ('sch_mvf1', ${f}, 'weekly', '0 3 * * 1', 'UTC', '2032-01-01T00:00:00Z', TRUE),
             ('sch_mvc2', ${c}, 'weekly', '0 3 * * 1', 'UTC', '2032-02-01T00:00:00Z', FALSE)`);
    expect(await mismatches()).toEqual([]);
    const byId = new Map((await copiesOf([a, b, c, e, f])).map((x) => [x.id, x]));
    expect(byId.get(a)).toMatchObject({ nextRunAt: null, schedulePaused: false });
    expect(byId.get(b)).toMatchObject({ nextRunAt: null, schedulePaused: false });
    expect(byId.get(e)).toMatchObject({ nextRunAt: new Date("2031-01-03T00:00:00Z"), schedulePaused: false });
    expect(byId.get(c)).toMatchObject({ nextRunAt: new Date("2032-02-01T00:00:00Z"), schedulePaused: false });
    expect(byId.get(f)).toMatchObject({ nextRunAt: new Date("2032-01-01T00:00:00Z"), schedulePaused: true });
  });
});
