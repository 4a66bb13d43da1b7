import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { amcInstances } from "../../db/schema";
import { canAccessInstance, type SessionUser } from "../../db/queries/access";
import { AppError, forbidden, notFound } from "../errors";
import { checkParameters, type CheckResult } from "../params/check";
import type { ParamDef } from "../params/definitions";
import type { FieldIssue, FormIssue } from "../params/render";
import { DEFAULT_WINDOW, windowSpecSchema, type WindowSpec } from "../params/window";
import { canonicalTimeZone } from "../params/zoned";
import { readUiSchema } from "../templates/config";
import { loadTemplateById, type TemplateRow } from "../templates/load";

/**
 * THE validation of builder input, shared by the wizard's live preview, the create/update
 * actions and `POST /api/report-builder/validate-parameters`: load the template by its id, check
 * the user may use the instance, then checkParameters (lib/params/check.ts) at `now`.
 *
 * Ids are the human ones, one kind per field: `templateId` = query_templates.template_id
 * (`campaign_performance_roas`), `instanceId` = the AMC instance id (`amcsandbox01`).
 */

const valuesSchema = z.record(z.string().max(64), z.unknown());

/** The request body. A malformed body (wrong shapes, unknown keys) is a 400, not `valid: false`. */
export const validateParametersSchema = z.strictObject({
  templateId: z.string().trim().min(1, "Choose a template.").max(100),
  instanceId: z.string().trim().min(1, "Choose an AMC instance.").max(100),
  values: valuesSchema.default({}),
  /** A WindowSpec (lib/params/window.ts); checked field by field, so a bad one is `valid: false`. */
  window: z.record(z.string(), z.unknown()).optional(),
  /** IANA zone the window resolves in (the report's); default UTC. */
  timezone: z.string().max(100).optional(),
});
export type ValidateParametersInput = z.input<typeof validateParametersSchema>;
/** Builder input as parsed at the boundary (action, route): what the functions below take. */
export type BuilderInput = z.output<typeof validateParametersSchema>;

export type Instance = typeof amcInstances.$inferSelect;

export interface BuilderContext {
  template: TemplateRow;
  defs: ParamDef[];
  instance: Instance;
}

/**
 * The template and instance of a builder request, with access checked: 404 for an unknown
 * template; for the instance, admins get 404 when it does not exist, members 403 whether it does
 * not exist or is not theirs (its existence is not disclosed).
 */
export async function loadBuilderContext(db: Database, user: SessionUser, templateId: string, instanceId: string): Promise<BuilderContext> {
  const loaded = await loadTemplateById(db, templateId);
  if (!loaded) throw notFound("Template");
  const [instance] = await db.select().from(amcInstances).where(eq(amcInstances.instanceId, instanceId));
  if (!instance) {
    if (user.role === "admin") throw notFound("Instance");
    throw forbidden();
  }
  if (!(await canAccessInstance(db, user, instance.id))) throw forbidden();
  return { ...loaded, instance };
}

export interface ValidationResponse {
  valid: boolean;
  errors: FieldIssue[];
  formErrors: FormIssue[];
  warnings: CheckResult["warnings"];
  previewSql: string | null;
  timeWindow: CheckResult["timeWindow"];
  estimatedCost: CheckResult["estimatedCost"];
}

export interface CheckedBuilderInput {
  context: BuilderContext;
  result: CheckResult;
  window: WindowSpec;
  timezone: string;
}

/** The template's starting window (ui_schema.defaultWindow), or the last 7 complete days. */
export function defaultWindowOf(template: TemplateRow): WindowSpec {
  return readUiSchema(template.uiSchema).defaultWindow ?? DEFAULT_WINDOW;
}

/** Checks one already-parsed request against a loaded context (also used by updates). */
export function checkAgainst(
  context: BuilderContext,
  input: { values: Record<string, unknown>; window?: unknown; timezone?: string },
  now: Date,
): Omit<CheckedBuilderInput, "context"> {
  const extraErrors: FieldIssue[] = [];
  const extraForm: FormIssue[] = [];
  const zone = input.timezone === undefined ? "UTC" : canonicalTimeZone(input.timezone);
  if (!zone) {
    extraErrors.push({ field: "timezone", code: "invalid", message: `"${input.timezone}" is not a time zone name. Use an IANA name like America/New_York.` });
  }
  let window = defaultWindowOf(context.template);
  if (input.window !== undefined) {
    const parsed = windowSpecSchema.safeParse(input.window);
    if (parsed.success) window = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join(".");
        extraErrors.push({ field: path ? `window.${path}` : "window", code: "invalid", message: issue.message });
      }
    }
  }
  if (!context.instance.isActive) {
    extraForm.push({ code: "instance_inactive", message: `The instance ${context.instance.instanceName} is deactivated; activate it on the Instances page, or choose another.` });
  }
  const timezone = zone ?? "UTC";
  const result = checkParameters({
    sqlTemplate: context.template.sqlTemplate,
    defs: context.defs,
    dataLagDays: context.template.dataLagDays,
    values: input.values,
    window,
    timeZone: timezone,
    now,
  });
  if (extraErrors.length > 0 || extraForm.length > 0) {
    result.valid = false;
    result.previewSql = null;
    result.errors = [...extraErrors, ...result.errors];
    result.formErrors = [...extraForm, ...result.formErrors];
  }
  return { result, window, timezone };
}

/** Loads, checks. Throws 403/404 as AppError; everything else is in the result. */
export async function checkBuilderInput(db: Database, user: SessionUser, input: BuilderInput, now: Date): Promise<CheckedBuilderInput> {
  const context = await loadBuilderContext(db, user, input.templateId, input.instanceId);
  return { context, ...checkAgainst(context, input, now) };
}

export function toResponse(result: CheckResult): ValidationResponse {
  return {
    valid: result.valid,
    errors: result.errors,
    formErrors: result.formErrors,
    warnings: result.warnings,
    previewSql: result.previewSql,
    timeWindow: result.timeWindow,
    estimatedCost: result.estimatedCost,
  };
}

/** The one function behind the wizard's preview, the actions and the JSON endpoint. */
export async function validateParameters(db: Database, user: SessionUser, input: BuilderInput, now: Date): Promise<ValidationResponse> {
  return toResponse((await checkBuilderInput(db, user, input, now)).result);
}

/** The field errors of a result in the action error shape (`values.<name>`, `window.end`, …). */
export function resultFieldErrors(result: CheckResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of result.errors) {
    const key = e.field === "timezone" || e.field.startsWith("window") ? e.field : `values.${e.field}`;
    (out[key] ??= []).push(e.message);
  }
  for (const f of result.formErrors) (out[f.code === "provisional_window" ? "window" : ""] ??= []).push(f.message);
  return out;
}

/** A VALIDATION_ERROR for an invalid result, listing every problem. */
export function invalidInput(result: CheckResult): AppError {
  const first = result.formErrors[0]?.message ?? result.errors[0]?.message ?? "Some fields need attention.";
  return new AppError("VALIDATION_ERROR", first, resultFieldErrors(result));
}
