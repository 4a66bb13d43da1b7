import { apiGetTemplate, getTemplateEndpoint } from "@/lib/api/templates";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(getTemplateEndpoint), async ({ db, user, params }) => apiGetTemplate(db, user, params.templateId));
