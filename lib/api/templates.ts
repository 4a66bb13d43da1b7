import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { notFound } from "../errors";
import { validateParametersSchema } from "../reports/validate";
import { getTemplateDetail, listTemplates, type TemplateCard } from "../templates/queries";
import { endpoints, pageOf, pageQuery, pick } from "./endpoint";

/** API v1: the template library (read-only) and parameter validation against a template. */

const templatesEndpoint = endpoints("Templates");

const templateIdParam = z.strictObject({ templateId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "Not a template id.") });

export const templateSummarySchema = z
  .strictObject({
    templateId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    question: z.string().nullable(),
    category: z.string(),
    reportType: z.string().nullable(),
    tags: z.array(z.string()),
    dataLagDays: z.number().int(),
    version: z.number().int(),
    isSystem: z.boolean(),
    usageCount: z.number().int(),
  })
  .meta({ id: "TemplateSummary" });

export const parameterSchema = z
  .strictObject({
    name: z.string(),
    label: z.string(),
    type: z.string(),
    required: z.boolean(),
    defaultValue: z.unknown(),
    rules: z.record(z.string(), z.unknown()),
    help: z.string().nullable(),
    group: z.string().nullable(),
  })
  .meta({ id: "TemplateParameter" });

export const templateSchema = templateSummarySchema
  .extend({
    sqlTemplate: z.string(),
    parameters: z.array(parameterSchema),
    defaultWindow: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Template" });

export const listTemplatesEndpoint = templatesEndpoint("GET /api/v1/templates", {
  summary: "List templates",
  description: "Filter by category, report type or a search term (name, description, id, question, tags).",
  query: z.strictObject({
    category: z.string().trim().max(50).optional(),
    reportType: z.string().trim().max(50).optional(),
    search: z.string().trim().max(100).optional(),
    ...pageQuery,
  }),
  responses: { 200: pageOf("templates", templateSummarySchema) },
  errors: [],
});

export const getTemplateEndpoint = templatesEndpoint("GET /api/v1/templates/{templateId}", {
  summary: "Get a template with its SQL and parameter definitions",
  params: templateIdParam,
  responses: { 200: templateSchema },
  errors: [404],
});

export const validationSchema = z
  .strictObject({
    valid: z.boolean(),
    errors: z.array(z.strictObject({ field: z.string(), code: z.string(), message: z.string() })),
    formErrors: z.array(z.strictObject({ code: z.string(), message: z.string() })),
    warnings: z.array(z.strictObject({ code: z.string(), message: z.string() })),
    previewSql: z.string().nullable(),
    timeWindow: z.record(z.string(), z.unknown()),
    estimatedCost: z.enum(["low", "medium", "high"]),
  })
  .meta({ id: "ParameterValidation" });

export const validateTemplateEndpoint = templatesEndpoint("POST /api/v1/templates/{templateId}/validate-parameters", {
  summary: "Validate parameter values, window and zone against a template (nothing is saved)",
  description: "Answers 200 with `valid: false` and the problems for values that do not fit; 403 when the instance is not yours.",
  params: templateIdParam,
  body: validateParametersSchema.omit({ templateId: true }),
  responses: { 200: validationSchema },
  errors: [403, 404, 413, 415],
});

const summary = (t: TemplateCard): z.output<typeof templateSummarySchema> => ({ ...t, tags: t.tags ?? [] });

export async function apiListTemplates(db: Database, user: SessionUser, query: z.output<NonNullable<typeof listTemplatesEndpoint.query>>) {
  const all = await listTemplates(db, user, { q: query.search ?? "", category: query.category ?? "" });
  // At most a few hundred templates: the type filter and the page are cut here.
  const matching = query.reportType ? all.filter((t) => t.reportType === query.reportType) : all;
  const start = (query.page - 1) * query.limit;
  return { templates: matching.slice(start, start + query.limit).map(summary), total: matching.length, page: query.page, limit: query.limit };
}

export async function apiGetTemplate(db: Database, user: SessionUser, templateId: string): Promise<z.output<typeof templateSchema>> {
  const t = await getTemplateDetail(db, user, templateId);
  if (!t) throw notFound("Template");
  return {
    ...pick(t, ["templateId", "name", "description", "question", "category", "reportType"]),
    tags: t.tags ?? [],
    ...pick(t, ["dataLagDays", "version", "isSystem", "usageCount", "sqlTemplate"]),
    parameters: t.defs.map((d) => ({
      ...pick(d, ["name", "label", "type", "required"]),
      defaultValue: d.defaultValue ?? null,
      rules: { ...d.rules },
      help: d.help ?? null,
      group: d.group ?? null,
    })),
    defaultWindow: { ...t.defaultWindow },
  };
}
