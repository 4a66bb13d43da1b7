import { openApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/http/route";

/** GET /api/v1/openapi.json: the API's description, public (it holds no data). */
export const GET = route({ auth: "none" }, async ({ req }) => openApiDocument(new URL(req.url).origin));
