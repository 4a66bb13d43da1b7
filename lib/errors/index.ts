import type { z } from "zod";

/** The one error shape: what users see, what API callers get, what actions return. */
export const ERROR_CODES = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldErrors = Record<string, string[]>;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fieldErrors?: FieldErrors;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  constructor(code: ErrorCode, message: string, fieldErrors?: FieldErrors) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
  get status(): number {
    return ERROR_CODES[this.code];
  }
  toBody(): ErrorBody {
    return this.fieldErrors
      ? { code: this.code, message: this.message, fieldErrors: this.fieldErrors }
      : { code: this.code, message: this.message };
  }
}

export const forbidden = (message = "You do not have access to this AMC instance.") =>
  new AppError("FORBIDDEN", message);
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);

/** Turns a zod error into per-field messages keyed by dotted path ("" for form-level). */
export function fieldErrorsFrom(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function validationError(error: z.ZodError, message = "Some fields need attention."): AppError {
  return new AppError("VALIDATION_ERROR", message, fieldErrorsFrom(error));
}

/** PostgreSQL unique violation (23505) with its constraint name, e.g. to map to a field error. */
export function uniqueViolation(e: unknown): string | undefined {
  const cause = e && typeof e === "object" && "cause" in e ? (e as { cause: unknown }).cause : e;
  if (cause && typeof cause === "object" && "code" in cause && cause.code === "23505") {
    const name = (cause as { constraint_name?: unknown }).constraint_name;
    return typeof name === "string" ? name : "";
  }
  return undefined;
}
