import { randomUUID } from "node:crypto";
import { ERROR_CODES, type ErrorCode } from "../errors";

/** The JSON error every route handler answers with: `{ error: { code, message, details }, requestId }`. */
export function apiError(code: ErrorCode, message: string, details?: unknown, headers?: HeadersInit): Response {
  return Response.json(
    { error: { code, message, ...(details === undefined ? {} : { details }) }, requestId: randomUUID() },
    { status: ERROR_CODES[code], headers },
  );
}
