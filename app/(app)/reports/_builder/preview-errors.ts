import type { ParamDef } from "@/lib/params/definitions";
import type { ValidationResponse } from "@/lib/reports/validate";
import { errorsByField, type FormValues } from "./param-values";

/**
 * The server's preview answer split by where its messages show: the dates and zone (next to the
 * window picker) versus the parameters (next to each field) versus the form as a whole.
 */

const isWindowField = (field: string) => field.startsWith("window") || field === "timezone";

/** The server's messages about parameters, one per field name. */
export function paramServerErrors(preview: ValidationResponse | null, defs: ParamDef[], values: FormValues): Record<string, string> {
  return preview ? errorsByField(preview.errors.filter((e) => !isWindowField(e.field)), defs, values) : {};
}

/** The server's messages about the dates and the zone, provisional-window refusals included. */
export function windowMessages(preview: ValidationResponse | null): string[] {
  if (!preview) return [];
  return [
    ...preview.errors.filter((e) => isWindowField(e.field)).map((e) => e.message),
    ...preview.formErrors.filter((e) => e.code === "provisional_window").map((e) => e.message),
  ];
}

/** The form-level messages that are not about the window. */
export function otherFormErrors(preview: ValidationResponse | null): ValidationResponse["formErrors"] {
  return preview?.formErrors.filter((e) => e.code !== "provisional_window") ?? [];
}
