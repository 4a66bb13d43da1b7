import { randomUUID } from "node:crypto";
import { ERROR_CODES, type ErrorCode } from "../errors";

/** The JSON error every route handler answers with: `{ error: { code, message, details }, requestId }`. */
export function errorEnvelope(
  code: ErrorCode,
  message: string,
  opts: { details?: unknown; headers?: HeadersInit; requestId?: string; status?: number } = {},
): Response {
  const requestId = opts.requestId ?? randomUUID();
  const headers = new Headers(opts.headers);
  headers.set("X-Request-Id", requestId);
  headers.set("Cache-Control", "private, no-store");
  return Response.json(
    { error: { code, message, ...(opts.details === undefined ? {} : { details: opts.details }) }, requestId },
    { status: opts.status ?? ERROR_CODES[code], headers },
  );
}

/** Shorthand kept for callers outside the route wrapper (the cron tick's bearer check). */
export function apiError(code: ErrorCode, message: string, details?: unknown, headers?: HeadersInit): Response {
  return errorEnvelope(code, message, { details, headers });
}
