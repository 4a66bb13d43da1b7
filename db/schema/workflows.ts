import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { jsonObject, tsDefaultNow, tsz, uuidPk } from "./common";
import { users } from "./users";
import { amcInstances } from "./amc";

/**
 * DEPRECATED (seed): replaced by report_definitions / report_executions. Kept only because the
 * seed archives and comments them; nothing in the app writes here.
 */
export const workflows = pgTable("workflows", {
  id: uuidPk(),
  workflowId: text("workflow_id").notNull().unique("workflows_workflow_id_key"),
  name: text("name").notNull(),
  description: text("description"),
  sqlQuery: text("sql_query").notNull(),
  parameters: jsonObject("parameters"),
  instanceId: uuid("instance_id").references(() => amcInstances.id, { onDelete: "cascade" }),
  userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: tsDefaultNow("created_at"),
  updatedAt: tsDefaultNow("updated_at"),
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
