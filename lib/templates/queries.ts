import "server-only";
import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { amcInstances, queryTemplates, reportDefinitions } from "../../db/schema";
import { instanceScope, visibleInstancesWhere, type InstanceScope, type SessionUser } from "../../db/queries/access";
import type { ParamDef } from "../params/definitions";
import type { WindowSpec } from "../params/window";
import { readReportConfig, readUiSchema, type ReportConfig, type UiSchema } from "./config";
import { loadTemplateById, type TemplateRow } from "./load";
import { defaultWindowOf } from "../reports/validate";
import { likeContains } from "../reports/overview";

/**
 * Read models of the template library (/templates, builder step 1) and of the builder's
 * instance picker. Search and category filter run in SQL.
 */

export const templateSearchSchema = z.object({
  q: z.string().trim().max(100).refine((v) => !v.includes("\u0000")).catch("").optional(),
  category: z.string().trim().max(50).refine((v) => !v.includes("\u0000")).catch("").optional(),
});
export type TemplateSearch = { q: string; category: string };

/** URL search params → a search; never fails (a hand-edited URL shows the page unfiltered). */
export function parseTemplateSearch(params: Record<string, string | string[] | undefined>): TemplateSearch {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const parsed = templateSearchSchema.safeParse({ q: one(params.q), category: one(params.category) });
  return { q: parsed.success ? (parsed.data.q ?? "") : "", category: parsed.success ? (parsed.data.category ?? "") : "" };
}

/** What names and describes a template, on its card and in the builder alike. */
interface TemplateHeader {
  templateId: string;
  name: string;
  description: string | null;
  question: string | null;
  category: string;
  reportType: string | null;
  tags: string[];
  dataLagDays: number;
  version: number;
}

export interface TemplateCard extends TemplateHeader {
  isSystem: boolean;
  /** Reports made from it on instances the viewer may see. */
  usageCount: number;
}

/**
 * Which reports a usage count may count: those on instances the viewer may see. A count over all
 * instances would tell a member about reports (and so activity) on instances not granted to them.
 */
function visibleReports(scope: InstanceScope): SQL | undefined {
  if (scope.kind === "all") return undefined;
  return scope.instanceIds.length > 0 ? inArray(reportDefinitions.instanceId, scope.instanceIds) : sql`false`;
}

export async function listTemplates(db: Database, viewer: SessionUser, search: TemplateSearch): Promise<TemplateCard[]> {
  const where: SQL[] = [];
  if (search.category) where.push(eq(queryTemplates.category, search.category));
  if (search.q) {
    const term = likeContains(search.q);
    where.push(
      or(
        ilike(queryTemplates.name, term),
        ilike(queryTemplates.description, term),
        ilike(queryTemplates.templateId, term),
        ilike(queryTemplates.reportType, term),
        sql`${queryTemplates.uiSchema} ->> 'question' ILIKE ${term}`,
        sql`array_to_string(${queryTemplates.tags}, ' ') ILIKE ${term}`,
      )!,
    );
  }
  const scope = await instanceScope(db, viewer);
  const usage = db
    .select({ n: sql<number>`count(*)::int` })
    .from(reportDefinitions)
    .where(and(eq(reportDefinitions.templateId, queryTemplates.id), visibleReports(scope)));
  const rows = await db
    .select({
      templateId: queryTemplates.templateId,
      name: queryTemplates.name,
      description: queryTemplates.description,
      question: sql<string | null>`${queryTemplates.uiSchema} ->> 'question'`,
      category: queryTemplates.category,
      reportType: queryTemplates.reportType,
      tags: queryTemplates.tags,
      dataLagDays: queryTemplates.dataLagDays,
      version: queryTemplates.version,
      isSystem: queryTemplates.isSystem,
      usageCount: sql<number>`(${usage})`,
    })
    .from(queryTemplates)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(queryTemplates.category), asc(queryTemplates.name))
    .limit(500);
  return rows;
}

export async function listTemplateCategories(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ category: queryTemplates.category }).from(queryTemplates).orderBy(asc(queryTemplates.category));
  return rows.map((r) => r.category);
}

/** What the builder and the detail page need of one template (serializable for client components). */
export interface BuilderTemplate extends TemplateHeader {
  defs: ParamDef[];
  uiSchema: UiSchema;
  defaultWindow: WindowSpec;
}

export function toBuilderTemplate(template: TemplateRow, defs: ParamDef[]): BuilderTemplate {
  const uiSchema = readUiSchema(template.uiSchema);
  return {
    templateId: template.templateId,
    name: template.name,
    description: template.description,
    question: uiSchema.question ?? null,
    category: template.category,
    reportType: template.reportType,
    tags: template.tags,
    dataLagDays: template.dataLagDays,
    version: template.version,
    defs,
    uiSchema,
    defaultWindow: defaultWindowOf(template),
  };
}

export async function getBuilderTemplate(db: Database, templateId: string): Promise<BuilderTemplate | null> {
  const loaded = await loadTemplateById(db, templateId);
  return loaded ? toBuilderTemplate(loaded.template, loaded.defs) : null;
}

export interface TemplateDetail extends BuilderTemplate {
  sqlTemplate: string;
  isSystem: boolean;
  reportConfig: ReportConfig | null;
  rawReportConfig: unknown;
  rawUiSchema: unknown;
  updatedAt: Date | null;
  /** Reports made from it on instances the viewer may see. */
  usageCount: number;
}

export async function getTemplateDetail(db: Database, viewer: SessionUser, templateId: string): Promise<TemplateDetail | null> {
  const loaded = await loadTemplateById(db, templateId);
  if (!loaded) return null;
  const scope = await instanceScope(db, viewer);
  const [usage] = await db
    .select({ n: count() })
    .from(reportDefinitions)
    .where(and(eq(reportDefinitions.templateId, loaded.template.id), visibleReports(scope)));
  return {
    ...toBuilderTemplate(loaded.template, loaded.defs),
    sqlTemplate: loaded.template.sqlTemplate,
    isSystem: loaded.template.isSystem,
    reportConfig: readReportConfig(loaded.template.reportConfig),
    rawReportConfig: loaded.template.reportConfig,
    rawUiSchema: loaded.template.uiSchema,
    updatedAt: loaded.template.updatedAt,
    usageCount: usage?.n ?? 0,
  };
}

export interface BuilderInstance {
  instanceId: string;
  instanceName: string;
  instanceType: string;
  /** The zone of the advertiser's day columns: a new report's default zone (issue 16). */
  advertiserTimezone: string;
}

/** Instances a report can be created on: active, and (for members) granted. */
export async function listBuilderInstances(db: Database, user: SessionUser): Promise<BuilderInstance[]> {
  return db
    .select({
      instanceId: amcInstances.instanceId,
      instanceName: amcInstances.instanceName,
      instanceType: amcInstances.instanceType,
      advertiserTimezone: amcInstances.advertiserTimezone,
    })
    .from(amcInstances)
    .where(and(eq(amcInstances.isActive, true), visibleInstancesWhere(db, user)))
    .orderBy(asc(amcInstances.instanceName), asc(amcInstances.instanceId));
}
