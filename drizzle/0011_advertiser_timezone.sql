ALTER TABLE "amc_instances" ADD COLUMN "advertiser_timezone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
-- The built-in sandbox's synthetic data (lib/amc/sandbox/entities.ts) writes its day columns in its first advertiser's zone.
UPDATE "amc_instances" SET "advertiser_timezone" = 'America/New_York' WHERE "is_builtin_sandbox";