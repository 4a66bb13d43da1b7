import { boolean, integer, pgView, text, uuid } from "drizzle-orm/pg-core";
import { tsz } from "./common";
import type { ExecutionStatus, Frequency } from "./reports";

export type ReportState = "active" | "paused" | "inactive";

/**
 * The seed's `report_runs_overview`, created by the custom migration (drizzle/0001) and declared
 * here only so that queries against it are typed. Its `is_favorite` is the owner's, not the
 * viewer's, and its latest-execution LATERAL cannot be sorted on cheaply; the overview page
 * therefore reads report_definitions' indexed columns (db/queries/reports.ts) and keeps this
 * view for ad-hoc use.
 */
export const reportRunsOverview = pgView("report_runs_overview", {
  reportUuid: uuid("report_uuid").notNull(),
  reportId: text("report_id").notNull(),
  name: text("name").notNull(),
  description: text("description"),
  instanceId: uuid("instance_id"),
  amcInstanceId: text("amc_instance_id"),
  instanceName: text("instance_name"),
  ownerId: uuid("owner_id"),
  ownerEmail: text("owner_email"),
  templateName: text("template_name"),
  reportType: text("report_type"),
  isActive: boolean("is_active").notNull(),
  frequency: text("frequency").$type<Frequency>().notNull(),
  state: text("state").$type<ReportState>().notNull(),
  latestStatus: text("latest_status").$type<ExecutionStatus>(),
  lastRunAt: tsz("last_run_at"),
  lastCompletedAt: tsz("last_completed_at"),
  nextRunAt: tsz("next_run_at"),
  executionCount: integer("execution_count"),
  createdAt: tsz("created_at"),
  updatedAt: tsz("updated_at"),
  isFavorite: boolean("is_favorite").notNull(),
}).existing();
