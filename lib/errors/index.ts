import type { z } from "zod";

/** The one error shape: what users see, what API callers get, what actions return. */
export const ERROR_CODES = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** It existed and is gone for good (a stored result past retention). */
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** The database cannot be reached (restart, failover): nothing was done, try again shortly. */
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldErrors = Record<string, string[]>;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fieldErrors?: FieldErrors;
}

/** A rate limit's state, for the X-RateLimit-* and Retry-After headers (lib/limits). */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetAt: Date;
  /** Set when refused: how long to wait, in whole seconds. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  /** On RATE_LIMITED: the limit that refused, so a route can answer with its headers. */
  readonly rateLimit?: RateLimitInfo;
  constructor(code: ErrorCode, message: string, fieldErrors?: FieldErrors, options?: { rateLimit?: RateLimitInfo }) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.rateLimit = options?.rateLimit;
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

/** Parses `input` with `schema`, or throws the VALIDATION_ERROR listing each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** The constraint a PostgreSQL error of class `sqlstate` names, if `e` is one (drizzle wraps it). */
function pgViolation(e: unknown, sqlstate: string): string | undefined {
  const cause = e && typeof e === "object" && "cause" in e ? (e as { cause: unknown }).cause : e;
  if (cause && typeof cause === "object" && "code" in cause && cause.code === sqlstate) {
    const name = (cause as { constraint_name?: unknown }).constraint_name;
    return typeof name === "string" ? name : "";
  }
  return undefined;
}

/** Unique violation (23505): e.g. to turn a taken email into a field error. */
export const uniqueViolation = (e: unknown) => pgViolation(e, "23505");
/** Foreign-key violation (23503): e.g. a referenced row deleted concurrently. */
export const foreignKeyViolation = (e: unknown) => pgViolation(e, "23503");
