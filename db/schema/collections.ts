import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { seedFk, textKey, timestamps, uuidPk } from "./common";
import { userRef } from "./users";
import { instanceRef } from "./amc";
import { reportDefinitions } from "./reports";

export const SEGMENT_TYPES = ["daily", "weekly", "monthly", "quarterly"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export const COLLECTION_STATUSES = [
  "pending",
  "running",
  "paused",
  "completed",
  "completed_with_failures",
  "cancelled",
] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];

/** Historical collections (backfills). The last three columns are the seed's ALTER TABLE. */
export const reportDataCollections = pgTable(
  "report_data_collections",
  {
    id: uuidPk(),
    collectionId: textKey("report_data_collections", "collection_id"),
    instanceId: instanceRef(),
    userId: userRef("user_id"),
    status: text("status").$type<CollectionStatus>().notNull().default("pending"),
    startDate: date("start_date"),
    endDate: date("end_date"),
    ...timestamps(),
    reportId: uuid("report_id"),
    segmentType: text("segment_type").$type<SegmentType>().default("weekly"),
    maxLookbackDays: integer("max_lookback_days").default(365),
  },
  (t) => [
    check(
      "report_data_collections_status_check",
      sql.raw(`status IN (${COLLECTION_STATUSES.map((s) => `'${s}'`).join(", ")})`),
    ),
    seedFk("report_data_collections_report_id_fkey", t.reportId, reportDefinitions.id, "cascade"),
    check(
      "report_data_collections_segment_type_check",
      sql`segment_type IN ('daily', 'weekly', 'monthly', 'quarterly')`,
    ),
    check("report_data_collections_max_lookback_days_check", sql`max_lookback_days <= 365`),
    index("idx_collections_report").on(t.reportId).where(sql`report_id IS NOT NULL`),
  ],
);
