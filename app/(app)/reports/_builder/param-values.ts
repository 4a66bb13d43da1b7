import { valueSchema, type ParamDef } from "@/lib/params/definitions";

/**
 * The parameter form's values, as the builder and the edit page hold them: validated in the
 * browser with the same zod schema the server uses (lib/params/definitions.ts valueSchema), while
 * the server's answer (the preview) stays the authority.
 */

export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

export const LIST_TYPES = new Set(["asin_list", "campaign_list", "string_list", "campaign_filter"]);
export const NUMBER_TYPES = new Set(["number", "threshold_numeric", "percentage"]);

/** The form's starting value of a definition: a stored value if given, else its default. */
export function formValueOf(def: ParamDef, stored: unknown): FormValue {
  const v = stored === undefined || stored === null ? def.defaultValue : stored;
  if (def.type === "boolean") return v === true || v === "true" || v === "on";
  if (def.type === "enum_select" && def.rules.multiple) return Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? [v] : [];
  if (LIST_TYPES.has(def.type)) return Array.isArray(v) ? v.join("\n") : typeof v === "string" ? v : "";
  if (v === undefined || v === null) return "";
  return String(v);
}

export function initialFormValues(defs: ParamDef[], stored: Record<string, unknown> = {}): FormValues {
  return Object.fromEntries(defs.map((d) => [d.name, formValueOf(d, stored[d.name])]));
}

/** What is sent: every field as typed (lists as the pasted text; the server splits them). */
export function submitValues(defs: ParamDef[], values: FormValues): Record<string, unknown> {
  return Object.fromEntries(defs.map((d) => [d.name, values[d.name] ?? formValueOf(d, undefined)]));
}

/** Items of a pasted list as the server will count them (split, trimmed, de-duplicated). */
export function listItems(def: ParamDef, text: string): string[] {
  const norm = def.type === "asin_list" ? (s: string) => s.toUpperCase() : (s: string) => s;
  return [...new Set(text.split(/[,\n\r]+/).map((s) => norm(s.trim())).filter((s) => s !== ""))];
}

/** A message about one item of a pasted list names the item ("B0…": message), when it can. */
function itemMessage(def: ParamDef | undefined, value: FormValue | undefined, index: number, message: string): string {
  if (!def || !LIST_TYPES.has(def.type) || typeof value !== "string") return message;
  const item = listItems(def, value)[index];
  return item ? `"${item}": ${message}` : message;
}

/** The browser-side check of one field, with the server's schema; null when fine. */
export function clientError(def: ParamDef, value: FormValue | undefined): string | null {
  const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0) || (typeof value === "string" && LIST_TYPES.has(def.type) && listItems(def, value).length === 0);
  if (empty) return def.type === "boolean" ? null : `${def.label} is required.`;
  const r = valueSchema(def).safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  if (!issue) return "Not a valid value.";
  // List items: say which one.
  if (typeof issue.path[0] === "number") return itemMessage(def, value, issue.path[0], issue.message);
  return issue.message;
}

/** Server errors keyed by field ("asin_list" or "asin_list.3") → one message per field. */
export function errorsByField(errors: { field: string; message: string }[], defs: ParamDef[], values: FormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const [name, index] = e.field.split(".");
    if (!name || out[name]) continue;
    const def = defs.find((d) => d.name === name);
    out[name] = index !== undefined ? itemMessage(def, values[name], Number(index), e.message) : e.message;
  }
  return out;
}
