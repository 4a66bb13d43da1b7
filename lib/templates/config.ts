import { z } from "zod";
import { windowSpecSchema } from "../params/window";

/**
 * The two JSON documents a template carries besides its SQL and parameters, as zod schemas: the
 * editor validates them on save, the builder and dashboards parse them before use.
 *
 * `report_config` says which dashboard widgets show a result (chart type, x, y, series) and how
 * the sandbox applies AMC's privacy threshold; `ui_schema` says how the parameter form looks
 * (field order, groups, help text) and what the template answers.
 */

export const WIDGET_TYPES = ["line", "bar", "area", "pie", "scatter", "table", "metric_card", "funnel", "heatmap", "text"] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

export const widgetSchema = z
  .object({
    type: z.enum(WIDGET_TYPES),
    title: z.string().max(200).optional(),
    /** Result column on the x axis (or the slice label of a pie, the stage of a funnel). */
    x: z.string().optional(),
    /** Result columns plotted (bars, lines, slice sizes) or the value of a metric card. */
    y: z.array(z.string()).optional(),
    /** Result column that splits the data into one series per value. */
    series: z.string().optional(),
    /** A second axis for some of `y` (e.g. a rate over counts). */
    y2: z.array(z.string()).optional(),
    /** How a metric card aggregates its column over the rows: sum, average, max, or a ratio of two sums. */
    aggregate: z.enum(["sum", "avg", "max", "ratio"]).optional(),
    format: z.enum(["number", "currency", "percent"]).optional(),
  })
  .loose();
export type Widget = z.infer<typeof widgetSchema>;

export const reportConfigSchema = z
  .object({
    widgets: z.array(widgetSchema).min(1, "Add at least one widget."),
    /** What AMC's privacy threshold looks at (amc-data-model.md §2.6). */
    privacy: z
      .strictObject({
        userCountColumn: z.string().min(1),
        sensitivity: z.enum(["low", "high"]),
      })
      .optional(),
  })
  .loose();
export type ReportConfig = z.infer<typeof reportConfigSchema>;

export const uiGroupSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, "Group ids are lower_snake_case."),
  label: z.string().min(1).max(100),
  description: z.string().max(500).optional(),
  fields: z.array(z.string()),
  /** Shown folded ("Advanced"). */
  collapsed: z.boolean().optional(),
});

export type UiGroup = z.infer<typeof uiGroupSchema>;

export const uiSchemaSchema = z
  .object({
    /** What the template answers, in one sentence (library cards, builder step 1). */
    question: z.string().max(500).optional(),
    /** Field order; fields not listed follow in their definition order. */
    order: z.array(z.string()).optional(),
    groups: z.array(uiGroupSchema).optional(),
    /** Help text per field, shown under it. */
    help: z.record(z.string(), z.string()).optional(),
    /** The window the builder starts with. */
    defaultWindow: windowSpecSchema.optional(),
  })
  .loose();
export type UiSchema = z.infer<typeof uiSchemaSchema>;

/** Parses stored JSON leniently for display: a bad document shows as empty, never crashes a page. */
export function readUiSchema(value: unknown): UiSchema {
  const parsed = uiSchemaSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

export function readReportConfig(value: unknown): ReportConfig | null {
  const parsed = reportConfigSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : null;
}
