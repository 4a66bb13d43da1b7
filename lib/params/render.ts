import type { z } from "zod";
import type { FieldErrors } from "../errors";
import { isBlank, PARAM_LIMITS, valueSchema, type ParamDef } from "./definitions";
import { scanTemplate } from "./scan";
import type { ResolvedWindow } from "./window";
import { localDateTime } from "./zoned";

/**
 * THE renderer: template SQL + typed values → the SQL that runs. The preview shows its output
 * byte for byte, and every execution stores it. Values become SQL literals by declared type,
 * never by guessing, so no value can change the query's structure: strings are quoted with
 * doubled quotes (backslashes are refused at validation), numbers are checked numbers, lists are
 * `'a', 'b'` inside the template's own brackets (pitfall 18), enums that pick SQL map to the
 * template author's whitelisted fragments.
 */

/** Supplied by the engine from the resolved window, never by the user (pitfalls 11, 29). */
export const ENGINE_PARAMETERS = ["window_start", "window_end"] as const;

/** A problem with one parameter (`field` is its name, or `name.3` for the 4th list item). */
export interface FieldIssue {
  field: string;
  code: FieldIssueCode;
  message: string;
}
export type FieldIssueCode = "required" | "invalid_type" | "invalid_format" | "too_many" | "too_few" | "out_of_range" | "too_long" | "not_allowed" | "invalid";

/** A problem with the request as a whole. */
export interface FormIssue {
  code: FormIssueCode;
  message: string;
}
export type FormIssueCode = "unknown_parameter" | "undefined_placeholder" | "query_too_long" | "provisional_window" | "instance_inactive";

export type RenderResult =
  | { ok: true; sql: string; values: Record<string, unknown> }
  | {
      ok: false;
      fieldErrors: FieldErrors;
      formErrors: string[];
      /** The same problems with machine-readable codes (the validate-parameters API). */
      issues: FieldIssue[];
      formIssues: FormIssue[];
    };

/** zod's issue → our code: what went wrong, not which library found it. */
function issueCode(issue: z.core.$ZodIssue): FieldIssueCode {
  switch (issue.code) {
    case "too_big":
      return issue.origin === "array" || issue.origin === "set" ? "too_many" : issue.origin === "string" ? "too_long" : "out_of_range";
    case "too_small":
      return issue.origin === "array" || issue.origin === "set" ? "too_few" : issue.origin === "string" ? "required" : "out_of_range";
    case "invalid_format":
      return "invalid_format";
    case "invalid_type":
    case "invalid_union":
      return "invalid_type";
    case "invalid_value":
      return "not_allowed";
    case "custom":
      return issue.params?.code === "not_allowed" ? "not_allowed" : "invalid";
    default:
      return "invalid";
  }
}

export const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * A negative number is parenthesised: written bare, its sign could join the template's own
 * neighbouring character into another token (`1 -{{p}}` with -5 would read `1 --5`, a comment
 * to the end of the line; `/{{p}}`, `!{{p}}` an operator). `(-5)` is one operand wherever a
 * number is, and no character outside the brackets can reach the sign.
 */
function numberLiteral(n: number): string {
  const text = Number.isInteger(n) ? String(n) : n.toFixed(10).replace(/0+$/, "").replace(/\.$/, "");
  return text.startsWith("-") ? `(${text})` : text;
}

/** `'YYYY-MM-DD HH:MM:SS'`: the window's local wall time in its zone. */
function localTimestamp(instant: Date, zone: string): string {
  return quote(localDateTime(instant, zone).replace("T", " "));
}

function literal(def: ParamDef, value: unknown): string {
  switch (def.type) {
    case "asin_list":
    case "campaign_list":
    case "string_list":
    case "campaign_filter": {
      const items = value as string[];
      return def.rules.context === "values_rows" ? items.map((i) => `(${quote(i)})`).join(", ") : items.map(quote).join(", ");
    }
    case "number":
    case "threshold_numeric":
    case "percentage":
      return numberLiteral(value as number);
    case "boolean":
      return value ? "TRUE" : "FALSE";
    case "enum_select": {
      const render = (v: string) => {
        const option = def.rules.options?.find((o) => o.value === v);
        return option?.sql ?? quote(v);
      };
      return Array.isArray(value) ? value.map((v) => render(String(v))).join(", ") : render(String(value));
    }
    case "like_contains":
      // An explicit type instead of guessing from names (pitfall 20); `!` escapes % and _.
      return `${quote(`%${String(value).replace(/[!%_]/g, "!$&")}%`)} ESCAPE '!'`;
    case "date_expression":
    case "string":
      return quote(String(value));
    case "date_range":
      throw new Error("date_range never renders");
  }
}

export function renderSql(input: {
  sqlTemplate: string;
  defs: ParamDef[];
  values: Record<string, unknown>;
  window: Pick<ResolvedWindow, "start" | "end" | "timeZone">;
}): RenderResult {
  const { sqlTemplate, defs, values, window } = input;
  const byName = new Map(defs.map((d) => [d.name, d]));
  const segments = scanTemplate(sqlTemplate);
  const used = new Set(segments.flatMap((s) => (s.kind === "param" ? [s.name] : [])));
  const issues: FieldIssue[] = [];
  const formIssues: FormIssue[] = [];

  for (const name of Object.keys(values)) {
    if (!byName.has(name)) formIssues.push({ code: "unknown_parameter", message: `Unknown parameter "${name}": this template has no such parameter.` });
  }
  for (const name of used) {
    if (!byName.has(name) && !(ENGINE_PARAMETERS as readonly string[]).includes(name)) {
      formIssues.push({ code: "undefined_placeholder", message: `The template uses {{${name}}} but defines no parameter of that name.` });
    }
  }

  const parsed: Record<string, unknown> = {};
  for (const def of defs) {
    if (def.type === "date_range") continue;
    const given = values[def.name];
    // Only an absent value takes the template's default; a value cleared on purpose ("" or [])
    // is missing, not "use the default" (a form shows the default, so clearing it is a choice).
    // Only spaces is as good as empty: "  " is no number (it was once read as 0) and no text.
    const absent = given === undefined || given === null;
    const value = absent ? def.defaultValue : given;
    if (value === undefined || value === null || isBlank(value) || (Array.isArray(value) && value.length === 0)) {
      if (def.required || used.has(def.name)) issues.push({ field: def.name, code: "required", message: `${def.label} is required.` });
      continue;
    }
    const result = valueSchema(def).safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.map(String).join(".");
        issues.push({ field: path ? `${def.name}.${path}` : def.name, code: issueCode(issue), message: issue.message });
      }
      continue;
    }
    parsed[def.name] = result.data;
  }
  if (formIssues.length > 0 || issues.length > 0) return failure(issues, formIssues);

  let sql = "";
  for (const s of segments) {
    if (s.kind === "text") sql += s.text;
    else if (s.name === "window_start") sql += localTimestamp(window.start, window.timeZone);
    else if (s.name === "window_end") sql += localTimestamp(window.end, window.timeZone);
    else sql += literal(byName.get(s.name)!, parsed[s.name]);
  }
  if (sql.length > PARAM_LIMITS.queryLength) {
    return failure(
      [],
      [
        {
          code: "query_too_long",
          message: `The rendered query is ${sql.length.toLocaleString("en-US")} characters; AMC accepts at most ${PARAM_LIMITS.queryLength.toLocaleString("en-US")}. Use fewer list items.`,
        },
      ],
    );
  }
  return { ok: true, sql, values: parsed };
}

function failure(issues: FieldIssue[], formIssues: FormIssue[]): Extract<RenderResult, { ok: false }> {
  const fieldErrors: FieldErrors = {};
  for (const i of issues) (fieldErrors[i.field] ??= []).push(i.message);
  return { ok: false, fieldErrors, formErrors: formIssues.map((f) => f.message), issues, formIssues };
}
