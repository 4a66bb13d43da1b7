CREATE TABLE "instance_brand_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"instance_id" uuid NOT NULL,
	"brand" text NOT NULL,
	"asins" text[] DEFAULT '{}'::text[] NOT NULL,
	"campaign_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "instance_brand_mappings_brand_check" CHECK (length("instance_brand_mappings"."brand") BETWEEN 1 AND 100),
	CONSTRAINT "instance_brand_mappings_size_check" CHECK (cardinality("instance_brand_mappings"."asins") <= 1000 AND cardinality("instance_brand_mappings"."campaign_ids") <= 1000)
);
--> statement-breakpoint
ALTER TABLE "instance_brand_mappings" ADD CONSTRAINT "instance_brand_mappings_instance_id_amc_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."amc_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_brand_mappings" ADD CONSTRAINT "instance_brand_mappings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_instance_brand_mappings_brand" ON "instance_brand_mappings" USING btree ("instance_id",lower("brand"));