import { route } from "@/lib/http/route";
import { validateParameters, validateParametersSchema } from "@/lib/reports/validate";

/**
 * POST /api/report-builder/validate-parameters, body `{ templateId, instanceId, values, window?,
 * timezone? }` as JSON (≤ 1 MB). 200 `{ valid, errors, formErrors, warnings, previewSql,
 * timeWindow, estimatedCost }` for any well-formed request; 400 malformed body, 401 no session,
 * 403 no access to the instance or a foreign Origin, 404 unknown template, 413 too large, 415
 * not JSON; errors in the one API error shape.
 */
export const POST = route(
  { unauthenticated: "Sign in to validate parameters.", body: validateParametersSchema },
  async ({ db, user, body, now }) => validateParameters(db, user, body, now),
);
