import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryTemplateParameters, queryTemplates } from "../../db/schema";
import { validationRulesSchema, type ParamDef } from "../params/definitions";

export type TemplateRow = typeof queryTemplates.$inferSelect;

/** A template with its parameter definitions, read fresh (never cached: pitfall 34). */
export async function loadTemplate(db: Database, templateUuid: string): Promise<{ template: TemplateRow; defs: ParamDef[] } | null> {
  const [template] = await db.select().from(queryTemplates).where(eq(queryTemplates.id, templateUuid));
  if (!template) return null;
  const rows = await db
    .select()
    .from(queryTemplateParameters)
    .where(eq(queryTemplateParameters.templateId, templateUuid))
    .orderBy(asc(queryTemplateParameters.displayOrder), asc(queryTemplateParameters.name));
  const defs = rows.map(
    (p): ParamDef => ({
      name: p.name,
      label: p.label ?? p.name,
      type: p.paramType,
      required: p.required,
      defaultValue: p.defaultValue ?? undefined,
      // Stored rules are ours, but parse them anyway: a bad row must fail loudly, not render.
      rules: validationRulesSchema.parse(p.validationRules ?? {}),
    }),
  );
  return { template, defs };
}
