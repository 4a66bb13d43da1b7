import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { jsonObject, parentRef, seedFk, textKey, timestamps, tsDefaultNow, tsz, uuidPk } from "./common";
import { users } from "./users";
import { amcInstances } from "./amc";
import { queryTemplates } from "./templates";
import { dashboards } from "./dashboards";
import { reportDataCollections } from "./collections";

// Seed vocabularies. AMC's own statuses are mapped onto EXECUTION_STATUSES in one place (lib/amc).
export const FREQUENCIES = ["once", "daily", "weekly", "monthly", "quarterly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const EXECUTION_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TRIGGERS = ["manual", "schedule", "backfill", "api"] as const;
export type TriggeredBy = (typeof TRIGGERS)[number];
export const SCHEDULE_TYPES = ["daily", "weekly", "monthly", "quarterly", "custom"] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];
export const WAITING_REASONS = ["reauthorization"] as const;
export type WaitingReason = (typeof WAITING_REASONS)[number];

// Constraint names below are the ones PostgreSQL gives the seed's inline constraints, so the
// migrated database matches a database built from the seed's SQL name for name.

export const reportDefinitions = pgTable(
  "report_definitions",
  {
    id: uuidPk(),
    reportId: textKey("report_definitions", "report_id"),
    name: text("name").notNull(),
    description: text("description"),
    templateId: uuid("template_id"),
    instanceId: uuid("instance_id"),
    ownerId: uuid("owner_id"),
    parameters: jsonObject("parameters"),
    frequency: text("frequency").$type<Frequency>().notNull().default("once"),
    timezone: text("timezone").notNull().default("UTC"),
    isActive: boolean("is_active").notNull().default(true),
    dashboardId: uuid("dashboard_id"),
    lastExecutionId: uuid("last_execution_id"),
    executionCount: integer("execution_count").default(0),
    ...timestamps(),
    // Not in the seed: indexed copies of what the overview sorts and filters on, kept true by
    // triggers on report_executions / report_schedules (see drizzle/0001). Sorting the view by
    // its LATERAL latest execution costs seconds at 100k reports; these make it milliseconds.
    lastStatus: text("last_status").$type<ExecutionStatus>(),
    lastRunAt: tsz("last_run_at"),
    nextRunAt: tsz("next_run_at"),
    schedulePaused: boolean("schedule_paused").notNull().default(false),
    /** What period each run covers (lib/params/window.ts WindowSpec), resolved at run time. */
    windowSpec: jsonb("window_spec")
      .notNull()
      .default(sql`'{"kind": "last_days", "n": 7}'::jsonb`),
  },
  (t) => [
    seedFk("report_definitions_template_id_fkey", t.templateId, queryTemplates.id, "restrict"),
    seedFk("report_definitions_instance_id_fkey", t.instanceId, amcInstances.id, "cascade"),
    seedFk("report_definitions_owner_id_fkey", t.ownerId, users.id, "cascade"),
    seedFk("report_definitions_dashboard_id_fkey", t.dashboardId, dashboards.id, "set null"),
    check(
      "report_definitions_frequency_check",
      sql`frequency IN ('once', 'daily', 'weekly', 'monthly', 'quarterly')`,
    ),
    // Seed indexes.
    index("idx_report_definitions_owner").on(t.ownerId),
    index("idx_report_definitions_instance").on(t.instanceId),
    index("idx_report_definitions_template").on(t.templateId),
    index("idx_report_definitions_active").on(t.isActive).where(sql`is_active = TRUE`),
    index("idx_active_reports").on(t.instanceId, t.isActive).where(sql`is_active = TRUE`),
    // Overview sorts (measured in scripts/bench.ts): every offered order has an index whose
    // order matches the ORDER BY exactly, with id as the tie-breaker for stable pages.
    index("idx_report_definitions_created_at").on(
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index("idx_report_definitions_name").on(t.name, t.id),
    index("idx_report_definitions_last_run").on(t.lastRunAt.desc().nullsLast(), t.id.desc()),
    index("idx_report_definitions_next_run").on(t.nextRunAt.asc().nullsLast(), t.id),
    // Overview filters: counting a status or state filter at 100k rows otherwise scans the
    // table (bench: status=failed count 27.9 ms → 0.9 ms; state=paused 20 ms → 0.3 ms).
    index("idx_report_definitions_last_status").on(t.lastStatus),
    index("idx_report_definitions_state").on(t.schedulePaused, t.isActive),
    index("idx_report_definitions_frequency").on(t.frequency),
    // Dashboards find their report by this (list and pages join on it).
    index("idx_report_definitions_dashboard").on(t.dashboardId).where(sql`dashboard_id IS NOT NULL`),
    index("idx_report_definitions_execution_count").on(
      t.executionCount.desc().nullsLast(),
      t.id.desc(),
    ),
  ],
);

export const reportSchedules = pgTable(
  "report_schedules",
  {
    id: uuidPk(),
    scheduleId: textKey("report_schedules", "schedule_id"),
    reportId: uuid("report_id"),
    scheduleType: text("schedule_type").$type<ScheduleType>().notNull(),
    cronExpression: text("cron_expression").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    defaultParameters: jsonObject("default_parameters"),
    isActive: boolean("is_active").notNull().default(true),
    isPaused: boolean("is_paused").notNull().default(false),
    lastRunAt: tsz("last_run_at"),
    lastRunStatus: text("last_run_status"),
    nextRunAt: tsz("next_run_at"),
    runCount: integer("run_count").default(0),
    failureCount: integer("failure_count").default(0),
    ...timestamps(),
    // Not in the seed: why the schedule paused itself (shown on the report page).
    pauseReason: text("pause_reason"),
  },
  (t) => [
    seedFk("report_schedules_report_id_fkey", t.reportId, reportDefinitions.id, "cascade"),
    check(
      "report_schedules_schedule_type_check",
      sql`schedule_type IN ('daily', 'weekly', 'monthly', 'quarterly', 'custom')`,
    ),
    // Seed defect 2: `UNIQUE(report_id, is_active) WHERE is_active = TRUE` is not valid inside
    // CREATE TABLE; as its rationale says, it is one active schedule per report.
    uniqueIndex("uq_report_schedules_one_active_per_report")
      .on(t.reportId)
      .where(sql`is_active = TRUE`),
    index("idx_report_schedules_next_run")
      .on(t.nextRunAt)
      .where(sql`is_active = TRUE AND is_paused = FALSE`),
    index("idx_report_schedules_report").on(t.reportId),
    index("idx_report_schedule_composite")
      .on(t.isActive, t.isPaused, t.nextRunAt)
      .where(sql`is_active = TRUE`),
  ],
);

export const reportExecutions = pgTable(
  "report_executions",
  {
    id: uuidPk(),
    executionId: textKey("report_executions", "execution_id"),
    reportId: uuid("report_id"),
    templateId: uuid("template_id"),
    instanceId: uuid("instance_id"),
    userId: uuid("user_id"),
    triggeredBy: text("triggered_by").$type<TriggeredBy>().notNull(),
    scheduleId: uuid("schedule_id"),
    collectionId: uuid("collection_id"),
    status: text("status").$type<ExecutionStatus>().notNull().default("pending"),
    amcExecutionId: text("amc_execution_id"),
    outputLocation: text("output_location"),
    rowCount: integer("row_count"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    errorMessage: text("error_message"),
    parametersSnapshot: jsonObject("parameters_snapshot"),
    timeWindowStart: tsz("time_window_start"),
    timeWindowEnd: tsz("time_window_end"),
    startedAt: tsz("started_at"),
    completedAt: tsz("completed_at"),
    ...timestamps(),
    // Not in the seed: what the engine needs to make a run reproducible and unique.
    /** The schedule slot this run is for; with schedule_id it is unique (no double runs). */
    scheduledFor: tsz("scheduled_for"),
    renderedSql: text("rendered_sql"),
    templateVersion: integer("template_version"),
    timeWindowTimezone: text("time_window_timezone"),
    errorDetails: jsonb("error_details"),
    // Engine bookkeeping (lib/executions). attempts counts submit attempts that failed for a
    // transient cause (a 429 does not count); next_attempt_at is when a pending run may be
    // submitted or a running one polled next; lease_expires_at marks a row one server is
    // working on outside a transaction (submit or download in flight).
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tsz("next_attempt_at"),
    leaseExpiresAt: tsz("lease_expires_at"),
    pollCount: integer("poll_count").notNull().default(0),
    submittedAt: tsz("submitted_at"),
    cancelRequestedAt: tsz("cancel_requested_at"),
    /** Set by "Run now" forms: a double click or a retried request creates one execution. */
    idempotencyKey: text("idempotency_key"),
    /** When a finished scheduled run was counted into its schedule's run/failure counts. */
    scheduleOutcomeRecordedAt: tsz("schedule_outcome_recorded_at"),
    /**
     * When the engine's follow-up (the report's dashboard) ran for this completed run; NULL on a
     * completed run means it is still owed. Retried until set (lib/executions/follow-up.ts).
     */
    followedUpAt: tsz("followed_up_at"),
    /**
     * When the first create for this run was sent to AMC. AMC has no idempotency key, so a create
     * whose answer was lost may have been accepted: before any resubmit the engine lists AMC's
     * executions created since then and adopts a match (lib/executions/reconcile.ts).
     */
    submitAttemptedAt: tsz("submit_attempted_at"),
    /**
     * Why a submitted (running) run is not being polled: 'reauthorization' while its Amazon Ads
     * account needs reconnecting. Polling resumes once access is back; shown on the run pages.
     */
    waitingReason: text("waiting_reason").$type<WaitingReason>(),
  },
  (t) => [
    seedFk("report_executions_report_id_fkey", t.reportId, reportDefinitions.id, "cascade"),
    seedFk("report_executions_template_id_fkey", t.templateId, queryTemplates.id, "set null"),
    seedFk("report_executions_instance_id_fkey", t.instanceId, amcInstances.id, "cascade"),
    seedFk("report_executions_user_id_fkey", t.userId, users.id, "set null"),
    // Seed defect 1: the seed references report_schedules before creating it; drizzle-kit adds
    // every foreign key after all tables exist, which fixes the order.
    seedFk("report_executions_schedule_id_fkey", t.scheduleId, reportSchedules.id, "set null"),
    seedFk("report_executions_collection_id_fkey", t.collectionId, reportDataCollections.id, "set null"),
    check(
      "report_executions_triggered_by_check",
      sql`triggered_by IN ('manual', 'schedule', 'backfill', 'api')`,
    ),
    check("report_executions_waiting_reason_check", sql`waiting_reason IN ('reauthorization')`),
    check(
      "report_executions_status_check",
      sql`status IN ('pending', 'running', 'completed', 'failed', 'cancelled')`,
    ),
    // Seed indexes.
    index("idx_report_executions_report").on(t.reportId),
    index("idx_report_executions_status").on(t.status),
    index("idx_report_executions_started").on(t.startedAt.desc().nullsFirst()),
    index("idx_report_executions_amc_id")
      .on(t.amcExecutionId)
      .where(sql`amc_execution_id IS NOT NULL`),
    index("idx_report_exec_composite").on(
      t.reportId,
      t.status,
      t.startedAt.desc().nullsFirst(),
    ),
    // Ours: a report's run history, newest first; and one execution per schedule slot.
    index("idx_report_executions_report_created").on(t.reportId, t.createdAt.desc().nullsFirst()),
    // The global Runs page (db/queries/runs.ts): newest first, for admins and per instance for
    // members, each an index walk that stops after one page instead of a scan of every run.
    index("idx_report_executions_created").on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("idx_report_executions_instance_created").on(t.instanceId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The engine's queues: pending runs per instance in submit order; running runs by poll time.
    index("idx_report_executions_pending_queue")
      .on(t.instanceId, t.createdAt)
      .where(sql`status = 'pending'`),
    index("idx_report_executions_running_poll")
      .on(t.nextAttemptAt)
      .where(sql`status = 'running'`),
    // A backfill's segments by window, newest execution first (progress, retry, dashboards).
    index("idx_report_executions_collection_window")
      .on(t.collectionId, t.timeWindowStart, t.createdAt.desc())
      .where(sql`collection_id IS NOT NULL`),
    // Finished scheduled runs whose outcome the scheduler has not counted yet.
    index("idx_report_executions_schedule_outcome_pending")
      .on(t.completedAt)
      .where(sql`schedule_id IS NOT NULL AND schedule_outcome_recorded_at IS NULL AND status IN ('completed', 'failed', 'cancelled')`),
    // Completed runs whose follow-up is still owed (the follow-up phase's queue; small).
    index("idx_report_executions_follow_up_pending")
      .on(t.completedAt)
      .where(sql`status = 'completed' AND followed_up_at IS NULL`),
    index("idx_report_executions_running_instance")
      .on(t.instanceId)
      .where(sql`status = 'running'`),
    uniqueIndex("uq_report_executions_idempotency")
      .on(t.reportId, t.idempotencyKey)
      .where(sql`idempotency_key IS NOT NULL`),
    uniqueIndex("uq_report_executions_schedule_slot")
      .on(t.scheduleId, t.scheduledFor)
      .where(sql`schedule_id IS NOT NULL AND scheduled_for IS NOT NULL`),
  ],
);

/**
 * Occurrences a schedule did not run, and why (e.g. missed while no server was ticking: only the
 * latest missed slot runs, the others are recorded here instead of storming AMC).
 */
export const reportScheduleSkips = pgTable(
  "report_schedule_skips",
  {
    id: uuidPk(),
    scheduleId: parentRef("schedule_id", () => reportSchedules.id),
    scheduledFor: tsz("scheduled_for").notNull(),
    reason: text("reason").notNull(),
    createdAt: tsDefaultNow("created_at").notNull(),
  },
  (t) => [uniqueIndex("uq_report_schedule_skips_slot").on(t.scheduleId, t.scheduledFor)],
);
