import { sql } from "drizzle-orm";
import { check, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { instanceRef } from "./amc";
import { timestamps, uuidPk } from "./common";
import { userRef } from "./users";

/**
 * A brand on an AMC instance and the ASINs and campaigns that are its (product.md story 8): the
 * new-report wizard pre-fills asin_list / campaign_list from these, and the parameter pickers
 * suggest them. Goes with its instance. One row per brand name per instance, case-insensitively.
 * The lists are what the admin typed, normalised by lib/instances/mappings.ts (ASINs upper-cased,
 * de-duplicated); their limits are zod's, the checks here only bound the size of a row.
 */
export const instanceBrandMappings = pgTable(
  "instance_brand_mappings",
  {
    id: uuidPk(),
    instanceId: instanceRef().notNull(),
    brand: text("brand").notNull(),
    asins: text("asins").array().notNull().default(sql`'{}'::text[]`),
    campaignIds: text("campaign_ids").array().notNull().default(sql`'{}'::text[]`),
    createdBy: userRef("created_by"),
    ...timestamps(),
  },
  (t) => [
    // Also the instance's lookup index (instance_id leads).
    uniqueIndex("uq_instance_brand_mappings_brand").on(t.instanceId, sql`lower(${t.brand})`),
    check("instance_brand_mappings_brand_check", sql`length(${t.brand}) BETWEEN 1 AND 100`),
    check("instance_brand_mappings_size_check", sql`cardinality(${t.asins}) <= 1000 AND cardinality(${t.campaignIds}) <= 1000`),
  ],
);
