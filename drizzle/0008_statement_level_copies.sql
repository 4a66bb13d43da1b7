-- Custom migration (issue 12 §1): report_definitions' indexed copies (last_execution_id,
-- execution_count, last_status, last_run_at from executions; next_run_at, schedule_paused from
-- the active schedule) kept by STATEMENT-level triggers with transition tables for inserted
-- executions and for every write to report_schedules, instead of the row-level ones of 0001.
--
-- Why: the scheduler writes a batch of 1,000 runs in one INSERT and advances 1,000 schedules in
-- one UPDATE; a row trigger then ran one UPDATE of report_definitions per row (plpgsql call,
-- executor start, index lookup) — 80 % of what the set-based statement cost in the bench. A
-- statement trigger updates every touched report in one set-based UPDATE instead.
--
-- Same results as the row triggers (proved by lib/scheduler/definition-copies.test.ts):
-- * insert: count + the statement's rows for the report; last_execution_id / last_status of the
--   statement's LAST row for the report (row triggers fired in insertion order, so the last
--   inserted row won; a transition table is read in insertion order, numbered by
--   row_number() OVER () before anything can reorder it); last_run_at = GREATEST with the
--   rows' max(started_at) (GREATEST ignores NULLs, as it did row by row).
-- * schedules: for every report a statement touched (old and new report_id), the copy is the
--   active schedule's next_run_at / is_paused after the statement, as the row trigger read it
--   (AFTER row triggers also ran at the end of the statement, seeing its final state). An UPDATE
--   trigger cannot name columns when it has transition tables, so it compares OLD and NEW rows
--   and looks only at those whose next_run_at, is_paused, is_active or report_id changed; others
--   cannot change the copies.
--
-- Not changed: the seed's update_*_updated_at triggers (compared by seed-conformance.test.ts);
-- the row-level UPDATE OF status, started_at trigger on report_executions (the engine changes
-- one execution per statement, and a column-list row trigger fires only for those columns, which
-- a statement trigger with transition tables could not); the statement-level delete trigger.
-- Re-runnable, like 0001 (DROP … IF EXISTS, OR REPLACE).

DROP TRIGGER IF EXISTS report_executions_track_insert ON report_executions;
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_schedules_track ON report_schedules;
--> statement-breakpoint
DROP FUNCTION IF EXISTS report_definitions_track_execution_insert();
--> statement-breakpoint
DROP FUNCTION IF EXISTS report_definitions_track_schedule();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_definitions_track_execution_inserts()
RETURNS TRIGGER AS $$
BEGIN
  UPDATE report_definitions rd
     SET last_execution_id = s.last_id,
         execution_count = COALESCE(rd.execution_count, 0) + s.n,
         last_status = s.last_status,
         last_run_at = GREATEST(rd.last_run_at, s.last_run)
    FROM (
      SELECT r.report_id,
             count(*) AS n,
             max(r.started_at) AS last_run,
             (array_agg(r.id ORDER BY r.ord DESC))[1] AS last_id,
             (array_agg(r.status ORDER BY r.ord DESC))[1] AS last_status
        FROM (SELECT n.report_id, n.id, n.status, n.started_at, row_number() OVER () AS ord FROM new_rows n) r
       WHERE r.report_id IS NOT NULL
       GROUP BY r.report_id
    ) s
   WHERE rd.id = s.report_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- The copies of the given reports from their active schedule (none: no next run, not paused);
-- rows already true are left alone (no dead tuple, no updated_at bump).
CREATE OR REPLACE FUNCTION report_definitions_sync_schedules(report_ids UUID[])
RETURNS VOID AS $$
  UPDATE report_definitions rd
     SET next_run_at = a.next_run_at,
         schedule_paused = COALESCE(a.is_paused, FALSE)
    FROM (
      SELECT d.rid, rs.next_run_at, rs.is_paused
        FROM (SELECT DISTINCT x AS rid FROM unnest(report_ids) AS x WHERE x IS NOT NULL) d
        -- At most one: uq_report_schedules_one_active_per_report.
        LEFT JOIN report_schedules rs ON rs.report_id = d.rid AND rs.is_active = TRUE
    ) a
   WHERE rd.id = a.rid
     AND (rd.next_run_at IS DISTINCT FROM a.next_run_at
          OR rd.schedule_paused IS DISTINCT FROM COALESCE(a.is_paused, FALSE));
$$ LANGUAGE sql;
--> statement-breakpoint
-- One function for the three events: TG_OP says which transition tables this firing has (a
-- branch naming the other one is never planned).
CREATE OR REPLACE FUNCTION report_definitions_track_schedules()
RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_definitions_sync_schedules(ARRAY(SELECT report_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_definitions_sync_schedules(ARRAY(SELECT report_id FROM old_rows));
  ELSE
    PERFORM report_definitions_sync_schedules(ARRAY(
      SELECT x
        FROM old_rows o
        JOIN new_rows n ON n.id = o.id
       CROSS JOIN LATERAL (VALUES (o.report_id), (n.report_id)) AS v(x)
       WHERE o.next_run_at IS DISTINCT FROM n.next_run_at
          OR o.is_paused IS DISTINCT FROM n.is_paused
          OR o.is_active IS DISTINCT FROM n.is_active
          OR o.report_id IS DISTINCT FROM n.report_id));
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_executions_track_inserts ON report_executions;
--> statement-breakpoint
CREATE TRIGGER report_executions_track_inserts AFTER INSERT ON report_executions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_definitions_track_execution_inserts();
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_schedules_track_inserts ON report_schedules;
--> statement-breakpoint
CREATE TRIGGER report_schedules_track_inserts AFTER INSERT ON report_schedules
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_definitions_track_schedules();
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_schedules_track_updates ON report_schedules;
--> statement-breakpoint
CREATE TRIGGER report_schedules_track_updates AFTER UPDATE ON report_schedules
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_definitions_track_schedules();
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_schedules_track_deletes ON report_schedules;
--> statement-breakpoint
CREATE TRIGGER report_schedules_track_deletes AFTER DELETE ON report_schedules
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_definitions_track_schedules();
