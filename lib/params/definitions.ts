import { z } from "zod";
import type { ParameterType } from "../../db/schema";
import { isCalendarDate } from "./zoned";

/**
 * A template parameter as the renderer and the forms see it. `validationRules` and `uiConfig`
 * are stored as jsonb; they are parsed here, strictly, before use.
 */
export const enumOptionSchema = z.strictObject({
  value: z.string().min(1),
  label: z.string().optional(),
  /** A whitelisted SQL fragment (e.g. a column name) rendered instead of a quoted literal. */
  sql: z.string().optional(),
});

export const validationRulesSchema = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
    minItems: z.number().int().min(0).optional(),
    maxItems: z.number().int().min(1).optional(),
    maxLength: z.number().int().min(1).optional(),
    pattern: z.string().optional(),
    options: z.array(enumOptionSchema).optional(),
    multiple: z.boolean().optional(),
    /** How a list renders: `'a', 'b'` inside the template's own IN (...), or VALUES rows. */
    context: z.enum(["in_list", "values_rows"]).optional(),
  })
  .loose();
export type ValidationRules = z.infer<typeof validationRulesSchema>;

export interface ParamDef {
  name: string;
  label: string;
  type: ParameterType;
  required: boolean;
  defaultValue: unknown;
  rules: ValidationRules;
  /** Form only (ui_config / group_name); the renderer ignores them. */
  help?: string;
  placeholder?: string;
  group?: string | null;
}

/** Limits from AMC notes (amc-data-model.md §2.4), kept as settings, not hard-coded rules. */
export const PARAM_LIMITS = {
  campaignIds: 100,
  asins: 1000,
  stringList: 1000,
  stringLength: 1000,
  queryLength: 65_536,
} as const;

export const ASIN = /^[A-Z0-9]{10}$/;

const noBackslash = (v: string) => !v.includes("\\");
const noControl = (v: string) => !/[\u0000-\u001f\u007f]/.test(v);
const BACKSLASH_MESSAGE = "Backslashes are not allowed in values sent to AMC.";

function textValue(rules: ValidationRules) {
  let s = z
    .string()
    .trim()
    .max(rules.maxLength ?? PARAM_LIMITS.stringLength)
    .refine(noBackslash, BACKSLASH_MESSAGE)
    .refine(noControl, "Line breaks and control characters are not allowed here.");
  if (rules.pattern) s = s.regex(new RegExp(rules.pattern), "This value is not in the expected format.");
  return s;
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A decimal as people type it: optional sign, digits, optional fraction and exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A string that is empty or only spaces: a value not given (so "required" catches it). */
export const isBlank = (v: unknown): boolean => typeof v === "string" && v.trim() === "";

/**
 * A number, strictly: a JSON number, or a string that is a decimal and nothing else. Coercing
 * with Number() would let `true` (1), `[5]` (5), `"0x10"` (16), `"0b1"` (1) and `"  "` (0) in;
 * anything that is not a decimal stays as it is so that z.number refuses it ("invalid_type"),
 * and z.number also refuses NaN and ±Infinity ("1e400").
 */
export function strictNumber(number: z.ZodNumber): z.ZodType<number, unknown> {
  return z.preprocess((v) => (typeof v === "string" && DECIMAL.test(v.trim()) ? Number(v.trim()) : v), number);
}

/**
 * Accepts an array or a comma/newline separated string (pasted lists), trimmed, normalized
 * (e.g. ASINs upper-cased) and then de-duplicated, so `b08n5wrwnw` and `B08N5WRWNW` are one item.
 */
function listOf(item: z.ZodType<string, string>, maxItems: number, minItems: number, noun: string, normalize: (s: string) => string = (s) => s) {
  return z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(/[,\n\r]+/)))
    .transform((items) => [...new Set(items.map((s) => normalize(s.trim())).filter((s) => s !== ""))])
    .pipe(
      z
        .array(item)
        .min(Math.max(1, minItems), `Add at least ${Math.max(1, minItems)} ${noun}.`)
        .max(maxItems, `At most ${maxItems} ${noun} per query (AMC limit).`),
    );
}

// Building a parameter's schema costs ~20× parsing with it (measured: ~600 µs vs ~30 µs), and
// the scheduler renders thousands of runs per tick from a handful of definitions: one schema per
// distinct definition, kept. Keyed by content, since each batch loads its definitions afresh;
// bounded, so a stream of edited templates cannot grow it without end.
const schemaCache = new Map<string, z.ZodType>();
const SCHEMA_CACHE_MAX = 2_000;

/** The zod schema of one parameter's value; the same one runs in the browser and on the server. */
export function valueSchema(def: ParamDef): z.ZodType {
  const key = JSON.stringify(def);
  let schema = schemaCache.get(key);
  if (!schema) {
    if (schemaCache.size >= SCHEMA_CACHE_MAX) schemaCache.clear();
    schema = buildValueSchema(def);
    schemaCache.set(key, schema);
  }
  return schema;
}

function buildValueSchema(def: ParamDef): z.ZodType {
  const r = def.rules;
  switch (def.type) {
    case "asin_list":
      return listOf(
        z.string().regex(ASIN, "An ASIN is 10 letters or digits, like B08N5WRWNW."),
        r.maxItems ?? PARAM_LIMITS.asins,
        r.minItems ?? 1,
        "ASINs",
        (s) => s.toUpperCase(),
      );
    case "campaign_list":
      return listOf(
        textValue(r).pipe(z.string().min(1).regex(/^[A-Za-z0-9_.:-]+$/, "Campaign ids contain letters, digits and - _ . : only.")),
        r.maxItems ?? PARAM_LIMITS.campaignIds,
        r.minItems ?? 1,
        "campaign ids",
      );
    case "string_list":
    case "campaign_filter":
      return listOf(textValue(r).pipe(z.string().min(1)), r.maxItems ?? PARAM_LIMITS.stringList, r.minItems ?? 1, "values");
    case "number":
    case "threshold_numeric":
    case "percentage": {
      // min/max/int give too_small/too_big/invalid_type codes; a fraction or exponent is allowed
      // in the text and the integer rule judges the value ("1e3" is a whole number, "1.5" not).
      const min = r.min ?? (def.type === "percentage" ? 0 : -1e12);
      const max = r.max ?? (def.type === "percentage" ? 100 : 1e12);
      const n = z.number({ message: "Enter a number." }).min(min, `Must be at least ${min}.`).max(max, `Must be at most ${max}.`);
      return strictNumber(r.integer ? n.int("Enter a whole number.") : n);
    }
    case "boolean":
      return z.union([z.boolean(), z.enum(["true", "false", "on", "off"]).transform((v) => v === "true" || v === "on")]);
    case "enum_select": {
      const allowed = (r.options ?? []).map((o) => o.value);
      const one = z.string().refine((v) => allowed.includes(v), { message: `Choose one of: ${allowed.join(", ")}.`, params: { code: "not_allowed" } });
      return r.multiple ? listOf(one, allowed.length || 1, r.minItems ?? 1, "options") : one;
    }
    case "date_expression":
      // The format, then the calendar: 2026-13-45 and 9999-99-99 have the shape of a date. zod
      // runs both checks, so the calendar one passes what the format check already refused.
      return z
        .string({ message: "Use a date like 2026-03-01." })
        .regex(DATE_SHAPE, "Use a date like 2026-03-01.")
        .refine((v) => !DATE_SHAPE.test(v) || isCalendarDate(v), { error: (issue) => `${String(issue.input)} is not a date on the calendar.` });
    case "like_contains":
      return textValue(r).pipe(z.string().min(1, "Enter some text to search for."));
    case "string":
      return textValue(r);
    case "date_range":
      // The window is the engine's (window_start / window_end), never a template value.
      return z.never({ message: "Date ranges are set with the report's time window, not as a parameter." });
  }
}
