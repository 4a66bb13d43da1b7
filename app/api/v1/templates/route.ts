import { apiListTemplates, listTemplatesEndpoint } from "@/lib/api/templates";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const GET = route(v1(listTemplatesEndpoint), async ({ db, user, query }) => apiListTemplates(db, user, query));
