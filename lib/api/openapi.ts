import { z } from "zod";
import { cancelBackfillEndpoint, getBackfillEndpoint, retryBackfillEndpoint, startBackfillEndpoint } from "./backfills";
import { addFavoriteEndpoint, listDashboardsEndpoint, removeFavoriteEndpoint } from "./dashboards";
import { errorEnvelopeSchema, type EndpointSpec } from "./endpoint";
import { cancelExecutionEndpoint, exportEndpoint, getExecutionEndpoint, listExecutionsEndpoint, resultsEndpoint } from "./executions";
import { createReportEndpoint, deleteReportEndpoint, getReportEndpoint, listReportsEndpoint, runReportEndpoint, updateReportEndpoint } from "./reports";
import { createScheduleEndpoint, deleteScheduleEndpoint, updateScheduleEndpoint } from "./schedules";
import { getTemplateEndpoint, listTemplatesEndpoint, validateTemplateEndpoint } from "./templates";

/** Every API v1 endpoint, in the order the document lists them. */
export const ENDPOINTS: EndpointSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>[] = [
  listTemplatesEndpoint,
  getTemplateEndpoint,
  validateTemplateEndpoint,
  listReportsEndpoint,
  createReportEndpoint,
  getReportEndpoint,
  updateReportEndpoint,
  deleteReportEndpoint,
  runReportEndpoint,
  createScheduleEndpoint,
  updateScheduleEndpoint,
  deleteScheduleEndpoint,
  startBackfillEndpoint,
  getBackfillEndpoint,
  retryBackfillEndpoint,
  cancelBackfillEndpoint,
  listExecutionsEndpoint,
  getExecutionEndpoint,
  cancelExecutionEndpoint,
  resultsEndpoint,
  exportEndpoint,
  listDashboardsEndpoint,
  addFavoriteEndpoint,
  removeFavoriteEndpoint,
];

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No content",
  400: "Malformed request (field errors in details)",
  401: "Missing, unknown, revoked or expired token",
  403: "Not allowed (a read-only token on a change, or an instance that is not yours)",
  404: "Not found (or not visible to you)",
  409: "Conflict with the current state",
  410: "Gone: the stored result was removed by retention (run the window again)",
  413: "Body too large",
  415: "Body is not JSON",
  422: "Cannot be done as asked",
  429: "Rate limited",
};

/**
 * JSON Schema of a zod schema: the request side as a caller writes it ("input": defaults
 * optional, coercions as strings), the response side as we send it ("output"). Named schemas
 * (`.meta({ id })`) go to components and are referenced.
 */
function schemaOf(schema: z.ZodType, io: "input" | "output", components: Record<string, JsonSchema>): JsonSchema {
  const generated = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0", reused: "inline" });
  // Named schemas land in $defs; in an OpenAPI document they live under components.
  const json = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const { $defs, ...rest } = json;
  for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= def;
  return rest;
}

/** Query or path parameters of an object schema, one entry per key. */
function parametersOf(schema: z.ZodType | undefined, where: "path" | "query", components: Record<string, JsonSchema>) {
  if (!schema) return [];
  const json = schemaOf(schema, "input", components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    ...(typeof s.description === "string" ? { description: s.description } : {}),
    schema: s,
  }));
}

export function openApiDocument(serverUrl = "/") {
  const components: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries(e.responses)) {
      responses[status] =
        body === null
          ? { description: STATUS_TEXT[Number(status)] }
          : body === "file"
            ? {
                description: "The file, streamed",
                content: {
                  "text/csv": { schema: { type: "string" } },
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } },
                },
              }
            : { description: STATUS_TEXT[Number(status)], content: { "application/json": { schema: schemaOf(body, "output", components) } } };
    }
    const errors = new Set<number>([401, ...(e.params || e.query || e.body ? [400] : []), ...(e.method === "GET" ? [] : [403]), ...e.errors]);
    for (const status of [...errors].sort()) {
      responses[String(status)] = { description: STATUS_TEXT[status], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    const idempotency = e.idempotent
      ? [{ name: "Idempotency-Key", in: "header", required: false, description: "A retried request with the same key answers the first one's result.", schema: { type: "string", maxLength: 200 } }]
      : [];
    (paths[e.path] ??= {})[e.method.toLowerCase()] = {
      tags: [e.tag],
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      operationId: `${e.method.toLowerCase()} ${e.path}`,
      security: [{ token: [e.method === "GET" ? "read" : "write"] }],
      parameters: [...parametersOf(e.params, "path", components), ...parametersOf(e.query, "query", components), ...idempotency],
      ...(e.body
        ? { requestBody: { required: !e.bodyOptional, content: { "application/json": { schema: schemaOf(e.body, "input", components) } } } }
        : {}),
      responses,
    };
  }
  components.Error = schemaOf(errorEnvelopeSchema, "output", components);
  return {
    openapi: "3.0.3",
    info: {
      title: "AMC Report Builder API",
      version: "1",
      description:
        "Send `Authorization: Bearer <token>` (Settings → API tokens). A read token may GET; changes need a write token. Ids are the human ones (`rpt_…`, `exec_…`, `sch_…`, `col_…`, `dash_…`); times are ISO 8601 in UTC; lists page with `page`/`limit` and answer `total`. Errors: `{ error: { code, message, details }, requestId }`.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { token: { type: "http", scheme: "bearer" } }, schemas: components },
    paths,
  };
}
export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** The success schema an endpoint declares for `status` (tests check answers against it). */
export function declaredResponse(e: EndpointSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>, status: number): z.ZodType | "file" | null | undefined {
  if (status >= 400) return errorEnvelopeSchema;
  return (e.responses as Record<number, z.ZodType | "file" | null>)[status];
}
