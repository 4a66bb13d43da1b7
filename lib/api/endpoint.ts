import { z } from "zod";
import { AppError, ERROR_CODES } from "../errors";
import type { RouteConfig } from "../http/handler";
import { reportIdSchema } from "../ids";

/**
 * One API v1 endpoint as data: its path, inputs and the shapes of its answers. The route file
 * hands the inputs to the route wrapper (`route(v1(spec), handler)`), the OpenAPI document
 * (./openapi.ts) is generated from the same objects, and the tests check every answer against
 * the schema its spec declares: what is documented is what is parsed and what is answered.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** A success body: a zod schema (JSON), "file" (CSV/XLSX download) or null (no body, 204). */
export type SuccessBody = z.ZodType | "file" | null;

export interface EndpointSpec<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  method: HttpMethod;
  /** OpenAPI style: /api/v1/reports/{reportId} */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** An absent body counts as `{}`-less input for the body schema (it must accept undefined). */
  bodyOptional?: boolean;
  /** The endpoint honours `Idempotency-Key`. */
  idempotent?: boolean;
  responses: Partial<Record<200 | 201 | 202 | 204, SuccessBody>>;
  /** Error statuses besides 401 (every endpoint) and 400 (any with inputs). */
  errors: (403 | 404 | 409 | 410 | 413 | 415 | 422 | 429)[];
}

/**
 * The endpoint builder of one tag (one file of this folder), so the tag is said once:
 * `const reports = endpoints("Reports")`, then `reports("GET /api/v1/reports/{reportId}", {...})`.
 */
export function endpoints(tag: string) {
  return <P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    route: `${HttpMethod} /api/v1/${string}`,
    spec: Omit<EndpointSpec<P, Q, B>, "method" | "path" | "tag">,
  ): EndpointSpec<P, Q, B> => {
    const [method, path] = route.split(" ") as [HttpMethod, string];
    return { method, path, tag, ...spec };
  };
}

/** The route wrapper's config for a spec: token callers, the spec's own schemas. */
export function v1<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(
  spec: EndpointSpec<P, Q, B>,
): RouteConfig<"token", P, Q, B> {
  return { auth: "token", params: spec.params, query: spec.query, body: spec.body, bodyOptional: spec.bodyOptional };
}

/** The error envelope of architecture.md §10, as every failing request gets it. */
export const errorEnvelopeSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
      message: z.string(),
      details: z
        .strictObject({ fieldErrors: z.record(z.string(), z.array(z.string())).describe("Messages per field, by dotted path (\"\" = the whole form).") })
        .optional(),
    }),
    requestId: z.string(),
  })
  .meta({ id: "Error" });

/** An instant as ISO 8601 with its zone (always UTC, `Z`). */
export const isoTime = z.iso.datetime({ offset: true });
export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The fields of `row` named in `keys`, as they are: the part of a view a row gives unchanged. */
export function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
}

/** Page paging: `?page=1&limit=20`, answered with `total`. */
export const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe("1-based page number."),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("Items per page (1–100)."),
};
export const pageFields = { total: z.number().int(), page: z.number().int(), limit: z.number().int() };

/** A list answer: one page of `item`s under `key`, with the paging fields. */
export const pageOf = <K extends string, T extends z.ZodType>(key: K, item: T) =>
  z.strictObject({ [key]: z.array(item), ...pageFields } as Record<K, z.ZodArray<T>> & typeof pageFields);

/** An AMC instance id as a filter (the human one, `amc…`; unknown ones simply match nothing). */
export const instanceIdFilter = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an AMC instance id.");

/** The path params of the endpoints under /api/v1/reports/{reportId}. */
export const reportParams = z.strictObject({ reportId: reportIdSchema });

/** A value given once in the query (a repeated key is refused). */
export const commaList = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .describe(`Comma-separated: ${values.join(", ")}.`);

/** `Idempotency-Key` as accepted: printable ASCII, 1–200 characters. */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, "Use 1–200 printable ASCII characters.");

export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers.get("idempotency-key");
  if (raw === null) return undefined;
  const parsed = idempotencyKeySchema.safeParse(raw.trim());
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", "The Idempotency-Key header is not valid.", { "Idempotency-Key": [parsed.error.issues[0]!.message] });
  return parsed.data;
}
