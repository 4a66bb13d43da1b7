import type { Database } from "@/db/client";
import type { SessionUser } from "@/db/queries/access";
import { AppError } from "@/lib/errors";
import { apiError } from "@/lib/http/api-error";
import { validateParameters } from "@/lib/reports/validate";

/**
 * POST /api/report-builder/validate-parameters, as a function of (db, user, request, clock) so
 * tests call it without a server. Body `{ templateId, instanceId, values, window?, timezone? }`.
 * 200 `{ valid, errors, formErrors, warnings, previewSql, timeWindow, estimatedCost }` for any
 * well-formed request; 400 malformed body, 401 no session, 403 no access to the instance,
 * 404 unknown template; errors in the one API error shape.
 */
export async function handleValidateParameters(db: Database, user: SessionUser | null, req: Request, now: Date): Promise<Response> {
  if (!user) return apiError("UNAUTHENTICATED", "Sign in to validate parameters.");
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return apiError("VALIDATION_ERROR", "The request body must be JSON.");
  }
  try {
    const result = await validateParameters(db, user, body, now);
    return Response.json(result, { headers: { "Cache-Control": "private, no-store" } });
  } catch (e) {
    if (e instanceof AppError) return apiError(e.code, e.message, e.fieldErrors ? { fieldErrors: e.fieldErrors } : undefined);
    console.error(JSON.stringify({ level: "error", msg: "validate-parameters failed", name: e instanceof Error ? e.name : typeof e }));
    return apiError("INTERNAL", "Something went wrong on our side.");
  }
}
