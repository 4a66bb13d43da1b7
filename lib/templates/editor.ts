import { and, eq, notInArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { PARAMETER_TYPES, queryTemplateParameters, queryTemplates } from "../../db/schema";
import { type SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { assertAdmin } from "../auth/access";
import { AppError, notFound, uniqueViolation, type FieldErrors } from "../errors";
import { isBlank, PARAM_LIMITS, strictNumber, validationRulesSchema, valueSchema, type ParamDef } from "../params/definitions";
import { ENGINE_PARAMETERS } from "../params/render";
import { reportConfigSchema, uiSchemaSchema } from "./config";
import { checkPlaceholders, gluedMessage } from "./placeholders";

/**
 * Admins create and edit templates: SQL with `{{name}}` placeholders plus one definition per
 * placeholder. Saving checks that every placeholder has a definition and every definition is
 * used (with the same scanner the renderer uses, so a cast like ::DATE or a placeholder inside a
 * string literal or comment does not count), validates rules, defaults and the two JSON
 * documents, bumps `version` on every edit and runs nothing. Executions already made keep their
 * rendered SQL, parameter snapshot and template version; the next run renders the new version.
 */

export const templateIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{2,63}$/, "3–64 characters: lower-case letters, digits and _, starting with a letter.")
  .refine((v) => v !== "new", "\"new\" is reserved.");

export const parameterInputSchema = z.strictObject({
  name: z.string().trim().regex(/^[a-z][a-z0-9_]*$/, "lower_snake_case, starting with a letter.").max(64),
  label: z.string().trim().min(1, "Give the field a label.").max(100),
  type: z.enum(PARAMETER_TYPES),
  required: z.boolean().default(true),
  /** Validated against the type's own schema; undefined or null for none. */
  defaultValue: z.unknown().optional(),
  rules: validationRulesSchema.default({}),
  help: z.string().trim().max(500).optional(),
  placeholder: z.string().trim().max(200).optional(),
  group: z.string().trim().max(64).optional(),
});
export type ParameterInput = z.input<typeof parameterInputSchema>;

export const templateInputSchema = z.strictObject({
  templateId: templateIdSchema,
  name: z.string().trim().min(1, "Give the template a name.").max(200),
  description: z.string().trim().max(2000).optional(),
  category: z.string().trim().min(1, "Pick a category.").max(50),
  reportType: z.string().trim().max(50).optional(),
  // Strict, as parameter numbers are: a blank field or `true` is no number of days.
  dataLagDays: strictNumber(z.number({ message: "Whole days, 0 to 90." }).int("Whole days.").min(0, "0 to 90 days.").max(90, "0 to 90 days.")),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  sqlTemplate: z.string().min(1, "Write the query.").max(PARAM_LIMITS.queryLength, `At most ${PARAM_LIMITS.queryLength} characters.`),
  parameters: z.array(parameterInputSchema).max(50, "At most 50 parameters."),
  reportConfig: z.unknown().optional(),
  uiSchema: z.unknown().optional(),
  /** For edits: the version the editor started from; a newer one in the database is a conflict. */
  expectedVersion: z.number().int().optional(),
});
export type TemplateInput = z.input<typeof templateInputSchema>;
/** A template as parsed at the boundary (the save action): what the functions below take. */
export type TemplateRequest = z.output<typeof templateInputSchema>;

// Only spaces is no default, as the renderer treats it as no value.
const EMPTY = (v: unknown) => v === undefined || v === null || isBlank(v) || (Array.isArray(v) && v.length === 0);

export { checkPlaceholders, gluedMessage };

interface Checked {
  input: z.output<typeof templateInputSchema>;
  defaults: unknown[];
  reportConfig: unknown;
  uiSchema: unknown;
}

/** Every rule of a saved template; all problems at once, keyed by field path. */
export function checkTemplateInput(input: TemplateRequest): Checked {
  const errors: FieldErrors = {};
  const add = (k: string, m: string) => (errors[k] ??= []).push(m);

  const names = input.parameters.map((p) => p.name);
  const { undefinedPlaceholders, unusedDefinitions, glued } = checkPlaceholders(input.sqlTemplate, names);
  for (const n of undefinedPlaceholders) add("sqlTemplate", `{{${n}}} has no parameter definition: add one, or remove the placeholder.`);
  for (const g of glued) add("sqlTemplate", gluedMessage(g));

  const defaults: unknown[] = [];
  input.parameters.forEach((p, i) => {
    const at = `parameters.${i}`;
    if (names.indexOf(p.name) !== i) add(`${at}.name`, `"${p.name}" is defined twice.`);
    if ((ENGINE_PARAMETERS as readonly string[]).includes(p.name)) {
      add(`${at}.name`, `{{${p.name}}} is supplied by the engine from the report's window; do not define it.`);
    }
    if (unusedDefinitions.includes(p.name)) add(`${at}.name`, `{{${p.name}}} is not used in the SQL: use it, or remove the definition.`);
    if (p.type === "date_range") {
      add(`${at}.type`, "The time window is set per report, not as a parameter: use {{window_start}} / {{window_end}} where the SQL needs its dates.");
    }
    if (p.type === "enum_select") {
      const values = (p.rules.options ?? []).map((o) => o.value);
      if (values.length === 0) add(`${at}.rules.options`, "An enum needs at least one option.");
      if (new Set(values).size !== values.length) add(`${at}.rules.options`, "Option values must be unique.");
    }
    if (p.rules.min !== undefined && p.rules.max !== undefined && p.rules.min > p.rules.max) add(`${at}.rules.max`, "Max must not be below min.");
    if (p.rules.pattern !== undefined) {
      try {
        new RegExp(p.rules.pattern);
      } catch {
        add(`${at}.rules.pattern`, "Not a valid regular expression.");
      }
    }
    let value: unknown = null;
    if (!EMPTY(p.defaultValue) && p.type !== "date_range") {
      const def: ParamDef = { name: p.name, label: p.label, type: p.type, required: p.required, defaultValue: undefined, rules: p.rules };
      try {
        const parsed = valueSchema(def).safeParse(p.defaultValue);
        if (parsed.success) value = parsed.data;
        else add(`${at}.defaultValue`, parsed.error.issues[0]?.message ?? "Not a valid value for this type.");
      } catch {
        add(`${at}.defaultValue`, "Not a valid value for this type.");
      }
    }
    defaults.push(value);
  });

  const reportConfig = reportConfigSchema.safeParse(input.reportConfig ?? { widgets: [{ type: "table" }] });
  if (!reportConfig.success) add("reportConfig", `Dashboard layout: ${reportConfig.error.issues.map((i) => `${i.path.join(".") || "document"}: ${i.message}`).join("; ")}`);
  const uiSchema = uiSchemaSchema.safeParse(input.uiSchema ?? {});
  if (!uiSchema.success) add("uiSchema", `Form layout: ${uiSchema.error.issues.map((i) => `${i.path.join(".") || "document"}: ${i.message}`).join("; ")}`);
  else {
    const known = new Set(names);
    const referenced = [
      ...(uiSchema.data.order ?? []),
      ...(uiSchema.data.groups ?? []).flatMap((g) => g.fields),
      ...Object.keys(uiSchema.data.help ?? {}),
    ];
    const unknown = [...new Set(referenced.filter((n) => !known.has(n)))];
    if (unknown.length > 0) add("uiSchema", `Form layout names fields that are not parameters: ${unknown.join(", ")}.`);
  }

  if (Object.keys(errors).length > 0) {
    const first = Object.values(errors)[0]?.[0] ?? "Some fields need attention.";
    throw new AppError("VALIDATION_ERROR", first, errors);
  }
  return {
    input,
    defaults,
    reportConfig: reportConfig.success ? reportConfig.data : null,
    uiSchema: uiSchema.success ? uiSchema.data : {},
  };
}

export interface SavedTemplate {
  templateId: string;
  version: number;
  created: boolean;
}

/**
 * Create (new templateId) or edit (existing one). Editing a library template makes it the
 * admin's: it is no longer a library row (is_system = false), so re-seeding leaves it alone.
 */
export async function saveTemplate(db: Database, user: SessionUser, parsed: TemplateRequest, now: Date): Promise<SavedTemplate> {
  assertAdmin(user);
  const { input, defaults, reportConfig, uiSchema } = checkTemplateInput(parsed);
  const row = {
    name: input.name,
    description: input.description || null,
    category: input.category,
    reportType: input.reportType || null,
    dataLagDays: input.dataLagDays,
    tags: [...new Set(input.tags)],
    sqlTemplate: input.sqlTemplate,
    reportConfig,
    uiSchema,
  };
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(queryTemplates).where(eq(queryTemplates.templateId, input.templateId)).for("update");
      let uuid: string;
      let version: number;
      if (!existing) {
        if (input.expectedVersion !== undefined) throw notFound("Template");
        const [created] = await tx
          .insert(queryTemplates)
          .values({ ...row, templateId: input.templateId, version: 1, isSystem: false, createdBy: user.id, createdAt: now, updatedAt: now })
          .returning();
        uuid = created!.id;
        version = 1;
      } else {
        if (input.expectedVersion !== undefined && input.expectedVersion !== existing.version) {
          throw new AppError("CONFLICT", `Someone saved version ${existing.version} of this template while you were editing version ${input.expectedVersion}. Reload it and apply your changes again.`);
        }
        version = existing.version + 1;
        await tx.update(queryTemplates).set({ ...row, version, isSystem: false, updatedAt: now }).where(eq(queryTemplates.id, existing.id));
        uuid = existing.id;
      }
      const names = input.parameters.map((p) => p.name);
      await tx
        .delete(queryTemplateParameters)
        .where(names.length > 0 ? and(eq(queryTemplateParameters.templateId, uuid), notInArray(queryTemplateParameters.name, names)) : eq(queryTemplateParameters.templateId, uuid));
      for (const [i, p] of input.parameters.entries()) {
        const values = {
          label: p.label,
          paramType: p.type,
          required: p.required,
          defaultValue: defaults[i] ?? null,
          validationRules: p.rules,
          uiConfig: { ...(p.help ? { help: p.help } : {}), ...(p.placeholder ? { placeholder: p.placeholder } : {}) },
          displayOrder: i,
          groupName: p.group || null,
          updatedAt: now,
        };
        await tx
          .insert(queryTemplateParameters)
          .values({ ...values, templateId: uuid, name: p.name })
          .onConflictDoUpdate({ target: [queryTemplateParameters.templateId, queryTemplateParameters.name], set: values });
      }
      // The SQL is not copied into the log (long, and it names what a brand measures); the
      // version says which save this was.
      await recordAudit(tx, {
        actor: user,
        action: "template.save",
        targetType: "template",
        targetId: input.templateId,
        details: { name: input.name, version, created: !existing },
        now,
      });
      return { templateId: input.templateId, version, created: !existing };
    });
  } catch (e) {
    if (uniqueViolation(e) === "query_templates_template_id_key") {
      throw new AppError("VALIDATION_ERROR", "That template id is taken.", { templateId: ["That template id is taken."] });
    }
    throw e;
  }
}
