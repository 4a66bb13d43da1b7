ALTER TABLE "report_executions" ADD COLUMN "followed_up_at" timestamp with time zone;--> statement-breakpoint
-- Runs completed before this migration are marked followed up, so the new follow-up phase does not
-- re-process every completed run in a storm on its first tick. Safe only because, until now, the
-- poller created the report's dashboard right after marking a run completed (a failure was
-- logged), and the report's dashboard page creates a missing one on first view: every such run's
-- follow-up already ran or was attempted. Done before the index exists, so the index starts small.
UPDATE "report_executions" SET "followed_up_at" = COALESCE("completed_at", now()) WHERE "status" = 'completed';--> statement-breakpoint
CREATE INDEX "idx_report_executions_follow_up_pending" ON "report_executions" USING btree ("completed_at") WHERE status = 'completed' AND followed_up_at IS NULL;
