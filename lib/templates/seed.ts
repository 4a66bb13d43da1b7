import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryTemplateParameters, queryTemplates } from "../../db/schema";
import { LIBRARY } from "./library";
import { toSeed } from "./library/types";

type TemplateRow = Omit<typeof queryTemplates.$inferInsert, "id" | "isSystem" | "createdBy">;
type ParameterRow = Omit<
  typeof queryTemplateParameters.$inferInsert,
  "id" | "templateId" | "displayOrder"
>;

export interface SeedTemplate {
  template: TemplateRow & { templateId: string };
  parameters: ParameterRow[];
}

/**
 * The template library as db:seed writes it (lib/templates/library/*.ts, one file per template).
 * Re-seeding updates these rows (is_system = TRUE) and never touches user-made templates.
 */
export const SEED_TEMPLATES: SeedTemplate[] = LIBRARY.map(toSeed);

/**
 * Writes the library: inserts missing templates, updates library rows (is_system = TRUE) in
 * place, and leaves user-made templates with the same template_id alone. A library template's
 * parameters are replaced by the library's (dropped ones deleted), and its version goes up when
 * its SQL or parameters changed, so executions made before keep pointing at the old version.
 * Returns template_id → uuid for every library template id.
 */
export async function seedLibraryTemplates(tx: Database, templates: SeedTemplate[] = SEED_TEMPLATES): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const t of templates) {
    const [existing] = await tx.select().from(queryTemplates).where(eq(queryTemplates.templateId, t.template.templateId)).for("update");
    if (existing && !existing.isSystem) {
      ids.set(t.template.templateId, existing.id);
      continue; // user-made (or edited by an admin): never touched
    }
    const body = {
      name: t.template.name,
      description: t.template.description,
      category: t.template.category,
      sqlTemplate: t.template.sqlTemplate,
      dataLagDays: t.template.dataLagDays,
      reportType: t.template.reportType,
      reportConfig: t.template.reportConfig,
      uiSchema: t.template.uiSchema,
      tags: t.template.tags,
    };
    let id: string;
    if (!existing) {
      const [row] = await tx.insert(queryTemplates).values({ ...body, templateId: t.template.templateId, isSystem: true }).returning({ id: queryTemplates.id });
      id = row!.id;
    } else {
      id = existing.id;
      const before = await tx.select().from(queryTemplateParameters).where(eq(queryTemplateParameters.templateId, id));
      const changed = existing.sqlTemplate !== t.template.sqlTemplate || paramFingerprint(before) !== paramFingerprint(t.parameters);
      await tx
        .update(queryTemplates)
        .set({ ...body, version: changed ? existing.version + 1 : existing.version, updatedAt: sql`now()` })
        .where(eq(queryTemplates.id, id));
    }
    ids.set(t.template.templateId, id);
    const names = t.parameters.map((p) => p.name);
    await tx
      .delete(queryTemplateParameters)
      .where(and(eq(queryTemplateParameters.templateId, id), notInArray(queryTemplateParameters.name, names)));
    for (const [i, p] of t.parameters.entries()) {
      const set = {
        label: p.label,
        paramType: p.paramType,
        required: p.required,
        defaultValue: p.defaultValue,
        validationRules: p.validationRules,
        uiConfig: p.uiConfig,
        displayOrder: i,
        groupName: p.groupName,
      };
      await tx
        .insert(queryTemplateParameters)
        .values({ ...p, templateId: id, displayOrder: i })
        .onConflictDoUpdate({ target: [queryTemplateParameters.templateId, queryTemplateParameters.name], set });
    }
  }
  return ids;
}

/** What of a parameter list changes rendering: compared to decide whether the version goes up. */
function paramFingerprint(rows: { name: string; paramType: string; required?: boolean | null; defaultValue?: unknown; validationRules?: unknown }[]): string {
  const norm = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(norm) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, norm(x)])) : v;
  return JSON.stringify(
    [...rows]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => norm({ name: r.name, type: r.paramType, required: r.required ?? true, defaultValue: r.defaultValue ?? null, rules: r.validationRules ?? {} })),
  );
}
