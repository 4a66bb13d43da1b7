import { validateTemplateEndpoint } from "@/lib/api/templates";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";
import { validateParameters } from "@/lib/reports/validate";

export const POST = route(v1(validateTemplateEndpoint), async ({ db, user, params, body, now }) =>
  validateParameters(db, user, { ...body, templateId: params.templateId }, now),
);
