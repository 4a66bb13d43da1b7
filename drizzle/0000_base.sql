CREATE TABLE "auth_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"ip" text,
	"succeeded" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_instance_access" (
	"user_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"granted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "user_instance_access_pkey" PRIMARY KEY("user_id","instance_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "users_email_key" UNIQUE("email"),
	CONSTRAINT "users_role_check" CHECK ("users"."role" IN ('admin', 'member')),
	CONSTRAINT "users_email_lowercase_check" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
CREATE TABLE "amc_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"account_name" text NOT NULL,
	"region" text DEFAULT 'NA' NOT NULL,
	"marketplace_id" text,
	"client_id" text,
	"client_secret_encrypted" text,
	"refresh_token_encrypted" text,
	"status" text DEFAULT 'active' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "amc_accounts_account_id_key" UNIQUE("account_id"),
	CONSTRAINT "amc_accounts_region_check" CHECK ("amc_accounts"."region" IN ('NA', 'EU', 'FE')),
	CONSTRAINT "amc_accounts_status_check" CHECK ("amc_accounts"."status" IN ('active', 'needs_reauthorization', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "amc_instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"instance_id" text NOT NULL,
	"instance_name" text NOT NULL,
	"region" text DEFAULT 'NA' NOT NULL,
	"marketplace_id" text,
	"instance_type" text DEFAULT 'STANDARD' NOT NULL,
	"account_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "amc_instances_instance_id_key" UNIQUE("instance_id"),
	CONSTRAINT "amc_instances_instance_type_check" CHECK ("amc_instances"."instance_type" IN ('STANDARD', 'SANDBOX')),
	CONSTRAINT "amc_instances_region_check" CHECK ("amc_instances"."region" IN ('NA', 'EU', 'FE'))
);
--> statement-breakpoint
CREATE TABLE "query_template_parameters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"template_id" uuid NOT NULL,
	"name" text NOT NULL,
	"label" text,
	"param_type" text NOT NULL,
	"required" boolean DEFAULT true NOT NULL,
	"default_value" jsonb,
	"validation_rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ui_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"display_order" integer DEFAULT 0 NOT NULL,
	"group_name" text,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "query_template_parameters_template_name_key" UNIQUE("template_id","name"),
	CONSTRAINT "query_template_parameters_name_check" CHECK ("query_template_parameters"."name" ~ '^[a-z][a-z0-9_]*$'),
	CONSTRAINT "query_template_parameters_param_type_check" CHECK (param_type IN ('asin_list', 'campaign_list', 'date_range', 'date_expression', 'campaign_filter', 'threshold_numeric', 'percentage', 'enum_select', 'string', 'number', 'boolean', 'string_list', 'like_contains'))
);
--> statement-breakpoint
CREATE TABLE "query_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"template_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"category" text DEFAULT 'general' NOT NULL,
	"sql_template" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"data_lag_days" integer DEFAULT 14 NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"is_system" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	"report_type" text,
	"report_config" jsonb DEFAULT '{}'::jsonb,
	"ui_schema" jsonb DEFAULT '{}'::jsonb,
	CONSTRAINT "query_templates_template_id_key" UNIQUE("template_id"),
	CONSTRAINT "query_templates_data_lag_days_check" CHECK ("query_templates"."data_lag_days" BETWEEN 0 AND 90)
);
--> statement-breakpoint
CREATE TABLE "dashboard_favorites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dashboard_id" uuid,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "dashboard_favorites_dashboard_id_user_id_key" UNIQUE("dashboard_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "dashboard_widgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dashboard_id" uuid NOT NULL,
	"widget_type" text NOT NULL,
	"title" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "dashboard_widgets_widget_type_check" CHECK (widget_type IN ('line', 'bar', 'area', 'pie', 'scatter', 'table', 'metric_card', 'text', 'heatmap', 'funnel'))
);
--> statement-breakpoint
CREATE TABLE "dashboards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dashboard_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"owner_id" uuid,
	"instance_id" uuid,
	"layout" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "dashboards_dashboard_id_key" UNIQUE("dashboard_id")
);
--> statement-breakpoint
CREATE TABLE "report_data_collections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collection_id" text NOT NULL,
	"instance_id" uuid,
	"user_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"start_date" date,
	"end_date" date,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	"report_id" uuid,
	"segment_type" text DEFAULT 'weekly',
	"max_lookback_days" integer DEFAULT 365,
	CONSTRAINT "report_data_collections_collection_id_key" UNIQUE("collection_id"),
	CONSTRAINT "report_data_collections_status_check" CHECK (status IN ('pending', 'running', 'paused', 'completed', 'completed_with_failures', 'cancelled')),
	CONSTRAINT "report_data_collections_segment_type_check" CHECK (segment_type IN ('daily', 'weekly', 'monthly', 'quarterly')),
	CONSTRAINT "report_data_collections_max_lookback_days_check" CHECK (max_lookback_days <= 365)
);
--> statement-breakpoint
CREATE TABLE "workflow_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"amc_execution_id" text,
	"error_message" text,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"sql_query" text NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"instance_id" uuid,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "workflows_workflow_id_key" UNIQUE("workflow_id")
);
--> statement-breakpoint
CREATE TABLE "report_definitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"template_id" uuid,
	"instance_id" uuid,
	"owner_id" uuid,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"frequency" text DEFAULT 'once' NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"dashboard_id" uuid,
	"last_execution_id" uuid,
	"execution_count" integer DEFAULT 0,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	"last_status" text,
	"last_run_at" timestamp with time zone,
	"next_run_at" timestamp with time zone,
	"schedule_paused" boolean DEFAULT false NOT NULL,
	CONSTRAINT "report_definitions_report_id_key" UNIQUE("report_id"),
	CONSTRAINT "report_definitions_frequency_check" CHECK (frequency IN ('once', 'daily', 'weekly', 'monthly', 'quarterly'))
);
--> statement-breakpoint
CREATE TABLE "report_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"execution_id" text NOT NULL,
	"report_id" uuid,
	"template_id" uuid,
	"instance_id" uuid,
	"user_id" uuid,
	"triggered_by" text NOT NULL,
	"schedule_id" uuid,
	"collection_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"amc_execution_id" text,
	"output_location" text,
	"row_count" integer,
	"size_bytes" bigint,
	"error_message" text,
	"parameters_snapshot" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"time_window_start" timestamp with time zone,
	"time_window_end" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	"scheduled_for" timestamp with time zone,
	"rendered_sql" text,
	"template_version" integer,
	"time_window_timezone" text,
	"error_details" jsonb,
	CONSTRAINT "report_executions_execution_id_key" UNIQUE("execution_id"),
	CONSTRAINT "report_executions_triggered_by_check" CHECK (triggered_by IN ('manual', 'schedule', 'backfill', 'api')),
	CONSTRAINT "report_executions_status_check" CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "report_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" text NOT NULL,
	"report_id" uuid,
	"schedule_type" text NOT NULL,
	"cron_expression" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"default_parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"is_paused" boolean DEFAULT false NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_run_status" text,
	"next_run_at" timestamp with time zone,
	"run_count" integer DEFAULT 0,
	"failure_count" integer DEFAULT 0,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	"pause_reason" text,
	CONSTRAINT "report_schedules_schedule_id_key" UNIQUE("schedule_id"),
	CONSTRAINT "report_schedules_schedule_type_check" CHECK (schedule_type IN ('daily', 'weekly', 'monthly', 'quarterly', 'custom'))
);
--> statement-breakpoint
ALTER TABLE "user_instance_access" ADD CONSTRAINT "user_instance_access_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_instance_access" ADD CONSTRAINT "user_instance_access_instance_id_amc_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_instance_access" ADD CONSTRAINT "user_instance_access_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amc_instances" ADD CONSTRAINT "amc_instances_account_id_amc_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."amc_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_template_parameters" ADD CONSTRAINT "query_template_parameters_template_id_query_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."query_templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_templates" ADD CONSTRAINT "query_templates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboard_favorites" ADD CONSTRAINT "dashboard_favorites_dashboard_id_fkey" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboard_favorites" ADD CONSTRAINT "dashboard_favorites_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboard_widgets" ADD CONSTRAINT "dashboard_widgets_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboards" ADD CONSTRAINT "dashboards_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboards" ADD CONSTRAINT "dashboards_instance_id_amc_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_data_collections" ADD CONSTRAINT "report_data_collections_instance_id_amc_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_data_collections" ADD CONSTRAINT "report_data_collections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_data_collections" ADD CONSTRAINT "report_data_collections_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "public"."report_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_instance_id_amc_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_definitions" ADD CONSTRAINT "report_definitions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "public"."query_templates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_definitions" ADD CONSTRAINT "report_definitions_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_definitions" ADD CONSTRAINT "report_definitions_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_definitions" ADD CONSTRAINT "report_definitions_dashboard_id_fkey" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "public"."report_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "public"."query_templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_schedules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_collection_id_fkey" FOREIGN KEY ("collection_id") REFERENCES "public"."report_data_collections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "public"."report_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_auth_attempts_email_created" ON "auth_attempts" USING btree ("email","created_at");--> statement-breakpoint
CREATE INDEX "idx_user_instance_access_instance" ON "user_instance_access" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "idx_amc_instances_account" ON "amc_instances" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "idx_query_templates_report_type" ON "query_templates" USING btree ("report_type") WHERE report_type IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_dashboard_favorites_user" ON "dashboard_favorites" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_dashboard_widgets_dashboard" ON "dashboard_widgets" USING btree ("dashboard_id","position");--> statement-breakpoint
CREATE INDEX "idx_dashboards_instance" ON "dashboards" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "idx_collections_report" ON "report_data_collections" USING btree ("report_id") WHERE report_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_report_definitions_owner" ON "report_definitions" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_instance" ON "report_definitions" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_template" ON "report_definitions" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_active" ON "report_definitions" USING btree ("is_active") WHERE is_active = TRUE;--> statement-breakpoint
CREATE INDEX "idx_active_reports" ON "report_definitions" USING btree ("instance_id","is_active") WHERE is_active = TRUE;--> statement-breakpoint
CREATE INDEX "idx_report_definitions_created_at" ON "report_definitions" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_report_definitions_name" ON "report_definitions" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_last_run" ON "report_definitions" USING btree ("last_run_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_report_definitions_next_run" ON "report_definitions" USING btree ("next_run_at","id");--> statement-breakpoint
CREATE INDEX "idx_report_definitions_execution_count" ON "report_definitions" USING btree ("execution_count" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_report_executions_report" ON "report_executions" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "idx_report_executions_status" ON "report_executions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_report_executions_started" ON "report_executions" USING btree ("started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_report_executions_amc_id" ON "report_executions" USING btree ("amc_execution_id") WHERE amc_execution_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_report_exec_composite" ON "report_executions" USING btree ("report_id","status","started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_report_executions_report_created" ON "report_executions" USING btree ("report_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_report_executions_schedule_slot" ON "report_executions" USING btree ("schedule_id","scheduled_for") WHERE schedule_id IS NOT NULL AND scheduled_for IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_report_schedules_one_active_per_report" ON "report_schedules" USING btree ("report_id") WHERE is_active = TRUE;--> statement-breakpoint
CREATE INDEX "idx_report_schedules_next_run" ON "report_schedules" USING btree ("next_run_at") WHERE is_active = TRUE AND is_paused = FALSE;--> statement-breakpoint
CREATE INDEX "idx_report_schedules_report" ON "report_schedules" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "idx_report_schedule_composite" ON "report_schedules" USING btree ("is_active","is_paused","next_run_at") WHERE is_active = TRUE;