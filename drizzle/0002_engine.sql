CREATE TABLE "amc_oauth_states" (
	"state" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"region" text DEFAULT 'NA' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_schedule_skips" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "execution_result_rows" (
	"execution_id" uuid NOT NULL,
	"row_no" integer NOT NULL,
	"cells" jsonb NOT NULL,
	CONSTRAINT "execution_result_rows_pkey" PRIMARY KEY("execution_id","row_no")
);
--> statement-breakpoint
CREATE TABLE "execution_results" (
	"execution_id" uuid PRIMARY KEY NOT NULL,
	"report_id" uuid,
	"columns" jsonb NOT NULL,
	"row_count" integer NOT NULL,
	"size_bytes" bigint NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "amc_accounts" ADD COLUMN "advertiser_id" text;--> statement-breakpoint
ALTER TABLE "amc_accounts" ADD COLUMN "last_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_definitions" ADD COLUMN "window_spec" jsonb DEFAULT '{"kind": "last_days", "n": 7}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "poll_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "submitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "cancel_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "report_executions" ADD COLUMN "schedule_outcome_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_schedule_skips" ADD CONSTRAINT "report_schedule_skips_schedule_id_report_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_result_rows" ADD CONSTRAINT "execution_result_rows_execution_id_report_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."report_executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_results" ADD CONSTRAINT "execution_results_execution_id_report_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."report_executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_results" ADD CONSTRAINT "execution_results_report_id_report_definitions_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_report_schedule_skips_slot" ON "report_schedule_skips" USING btree ("schedule_id","scheduled_for");--> statement-breakpoint
CREATE INDEX "idx_execution_results_report_window" ON "execution_results" USING btree ("report_id","window_start","window_end");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_last_status" ON "report_definitions" USING btree ("last_status");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_state" ON "report_definitions" USING btree ("schedule_paused","is_active");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_frequency" ON "report_definitions" USING btree ("frequency");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_dashboard" ON "report_definitions" USING btree ("dashboard_id") WHERE dashboard_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_report_executions_pending_queue" ON "report_executions" USING btree ("instance_id","created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "idx_report_executions_running_poll" ON "report_executions" USING btree ("next_attempt_at") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "idx_report_executions_collection_window" ON "report_executions" USING btree ("collection_id","time_window_start","created_at" DESC NULLS LAST) WHERE collection_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_report_executions_schedule_outcome_pending" ON "report_executions" USING btree ("completed_at") WHERE schedule_id IS NOT NULL AND schedule_outcome_recorded_at IS NULL AND status IN ('completed', 'failed', 'cancelled');--> statement-breakpoint
CREATE INDEX "idx_report_executions_running_instance" ON "report_executions" USING btree ("instance_id") WHERE status = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "uq_report_executions_idempotency" ON "report_executions" USING btree ("report_id","idempotency_key") WHERE idempotency_key IS NOT NULL;