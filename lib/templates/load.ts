import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryTemplateParameters, queryTemplates } from "../../db/schema";
import { validationRulesSchema, type ParamDef } from "../params/definitions";

export type TemplateRow = typeof queryTemplates.$inferSelect;
type ParameterRow = typeof queryTemplateParameters.$inferSelect;

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/** A stored parameter row as the renderer and the forms see it. */
export function toParamDef(p: ParameterRow): ParamDef {
  const ui = (p.uiConfig ?? {}) as Record<string, unknown>;
  return {
    name: p.name,
    label: p.label ?? p.name,
    type: p.paramType,
    required: p.required,
    defaultValue: p.defaultValue ?? undefined,
    // Stored rules are ours, but parse them anyway: a bad row must fail loudly, not render.
    rules: validationRulesSchema.parse(p.validationRules ?? {}),
    help: text(ui.help),
    placeholder: text(ui.placeholder),
    group: p.groupName,
  };
}

async function defsOf(db: Database, templateUuid: string): Promise<ParamDef[]> {
  const rows = await db
    .select()
    .from(queryTemplateParameters)
    .where(eq(queryTemplateParameters.templateId, templateUuid))
    .orderBy(asc(queryTemplateParameters.displayOrder), asc(queryTemplateParameters.name));
  return rows.map(toParamDef);
}

/** A template with its parameter definitions, read fresh (never cached: pitfall 34). */
export async function loadTemplate(db: Database, templateUuid: string): Promise<{ template: TemplateRow; defs: ParamDef[] } | null> {
  const [template] = await db.select().from(queryTemplates).where(eq(queryTemplates.id, templateUuid));
  if (!template) return null;
  return { template, defs: await defsOf(db, templateUuid) };
}

/** The same, by the human template id (`campaign_performance_roas`). */
export async function loadTemplateById(db: Database, templateId: string): Promise<{ template: TemplateRow; defs: ParamDef[] } | null> {
  const [template] = await db.select().from(queryTemplates).where(eq(queryTemplates.templateId, templateId));
  if (!template) return null;
  return { template, defs: await defsOf(db, template.id) };
}
