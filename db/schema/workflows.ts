import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { jsonObject, textKey, timestamps, tsDefaultNow, tsz, uuidPk } from "./common";
import { userRef } from "./users";
import { instanceRef } from "./amc";

/**
 * DEPRECATED (seed): replaced by report_definitions / report_executions. Kept only because the
 * seed archives and comments them; nothing in the app writes here.
 */
export const workflows = pgTable("workflows", {
  id: uuidPk(),
  workflowId: textKey("workflows", "workflow_id"),
  name: text("name").notNull(),
  description: text("description"),
  sqlQuery: text("sql_query").notNull(),
  parameters: jsonObject("parameters"),
  instanceId: instanceRef(),
  userId: userRef("user_id"),
  ...timestamps(),
});

export const workflowExecutions = pgTable("workflow_executions", {
  id: uuidPk(),
  workflowId: uuid("workflow_id").references(() => workflows.id, { onDelete: "cascade" }),
  status: text("status").notNull().default("pending"),
  amcExecutionId: text("amc_execution_id"),
  errorMessage: text("error_message"),
  startedAt: tsz("started_at"),
  completedAt: tsz("completed_at"),
  createdAt: tsDefaultNow("created_at"),
});
