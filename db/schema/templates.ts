import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { jsonObject, parentRef, textKey, timestamps, uuidPk } from "./common";
import { userRef } from "./users";

export const queryTemplates = pgTable(
  "query_templates",
  {
    id: uuidPk(),
    templateId: textKey("query_templates", "template_id"),
    name: text("name").notNull(),
    description: text("description"),
    category: text("category").notNull().default("general"),
    sqlTemplate: text("sql_template").notNull(),
    version: integer("version").notNull().default(1),
    dataLagDays: integer("data_lag_days").notNull().default(14),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** Library templates are seeded and updated by `db:seed`; user-made ones never are. */
    isSystem: boolean("is_system").notNull().default(false),
    createdBy: userRef("created_by"),
    ...timestamps(),
    // Seed: ALTER TABLE query_templates ADD COLUMN IF NOT EXISTS ...
    reportType: text("report_type"),
    reportConfig: jsonb("report_config").default(sql`'{}'::jsonb`),
    uiSchema: jsonb("ui_schema").default(sql`'{}'::jsonb`),
  },
  (t) => [
    index("idx_query_templates_report_type")
      .on(t.reportType)
      .where(sql`report_type IS NOT NULL`),
    check("query_templates_data_lag_days_check", sql`${t.dataLagDays} BETWEEN 0 AND 90`),
  ],
);

export const PARAMETER_TYPES = [
  "asin_list",
  "campaign_list",
  "date_range",
  "date_expression",
  "campaign_filter",
  "threshold_numeric",
  "percentage",
  "enum_select",
  "string",
  "number",
  "boolean",
  "string_list",
  "like_contains",
] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export const queryTemplateParameters = pgTable(
  "query_template_parameters",
  {
    id: uuidPk(),
    templateId: parentRef("template_id", () => queryTemplates.id),
    name: text("name").notNull(),
    label: text("label"),
    paramType: text("param_type").$type<ParameterType>().notNull(),
    required: boolean("required").notNull().default(true),
    defaultValue: jsonb("default_value"),
    validationRules: jsonObject("validation_rules"),
    uiConfig: jsonObject("ui_config"),
    displayOrder: integer("display_order").notNull().default(0),
    groupName: text("group_name"),
    ...timestamps(),
  },
  (t) => [
    unique("query_template_parameters_template_name_key").on(t.templateId, t.name),
    check(
      "query_template_parameters_name_check",
      sql`${t.name} ~ '^[a-z][a-z0-9_]*$'`,
    ),
    check(
      "query_template_parameters_param_type_check",
      sql.raw(
        `param_type IN (${PARAMETER_TYPES.map((p) => `'${p}'`).join(", ")})`,
      ),
    ),
  ],
);
