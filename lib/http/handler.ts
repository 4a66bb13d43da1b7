import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import type { ApiTokenScope } from "../../db/schema";
import { authenticateToken } from "../api/tokens";
import { AppError, fieldErrorsFrom, type ErrorCode } from "../errors";
import { databaseUnavailable, unavailableCode, UNAVAILABLE_RETRY_AFTER_SECONDS } from "../errors/unavailable";
import { rateLimitHeaders, withRateLimitScope } from "../limits/context";
import { errorEnvelope } from "./api-error";
import { logError } from "./log";

/**
 * The one wrapper for route handlers, the twin of lib/actions/action.ts. Every way into the app
 * over HTTP goes through it, in this order:
 *
 *   request id → caller (401; a token's scope 403) → Origin of a cookie mutation (403) → path params, query, body
 *   (NUL bytes 400, size 413, content type 415, zod 400) → handler → data as JSON, or the
 *   handler's own Response (files, streams, redirects)
 *
 * Every failure answers the JSON envelope `{ error: { code, message, details? }, requestId }`
 * (architecture.md §10). An unexpected error is logged once, as one line with the request id and
 * the error's name and SQLSTATE: never its message, which for a database error holds the SQL and
 * every bound parameter (hashes, ciphertexts, users' input).
 *
 * Built by `createRouteWrapper(deps)` so tests can hand it a caller and a database; the app's
 * instance is `route` in ./route.ts.
 */

/** Server actions' limit too (next.config's serverActions.bodySizeLimit default). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type CallerKind = "session" | "token" | "none";
type CallerOf<A extends CallerKind> = A extends "session" | "token" ? SessionUser : null;

export interface RouteDeps {
  /** Who is asking, from the request's cookie (or, later, its API token); null = nobody. */
  caller: (req: Request) => Promise<SessionUser | null>;
  db: () => Database;
  now: () => Date;
  /** Origins besides the request's own that count as this app (APP_URL behind a proxy). */
  extraOrigins?: () => string[];
}

export interface RouteConfig<
  A extends CallerKind,
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> {
  /**
   * "session" (default): a signed-in user is required; "token": an API token
   * (`Authorization: Bearer amc_…`, API v1) acting as its user; "none": the handler
   * authenticates itself.
   */
  auth?: A;
  /** For "token": the scope required; default `read` for GET/HEAD, `write` for anything else. */
  scope?: ApiTokenScope;
  params?: P;
  query?: Q;
  body?: B;
  maxBodyBytes?: number;
  /** A request without a body (no Content-Type, nothing sent) hands `undefined` to the body schema. */
  bodyOptional?: boolean;
  /** What the 401 says, e.g. "Sign in to download results." */
  unauthenticated?: string;
  /** For routes a browser navigates to (OAuth): answer a missing session with this instead of 401. */
  onUnauthenticated?: (req: Request) => Response;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<A extends CallerKind, P, Q, B> {
  req: Request;
  user: CallerOf<A>;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  db: Database;
  now: Date;
  requestId: string;
}

/** What Next passes as the second argument of a route handler. */
export interface NextRouteArg {
  params: Promise<Record<string, string | string[] | undefined>>;
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function createRouteWrapper(deps: RouteDeps) {
  return function route<
    A extends CallerKind = "session",
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(config: RouteConfig<A, P, Q, B>, handler: (ctx: RouteContext<A, P, Q, B>) => Promise<unknown>) {
    return async (req: Request, arg?: NextRouteArg): Promise<Response> => {
      const requestId = randomUUID();
      try {
        const auth: CallerKind = config.auth ?? "session";
        const user = auth === "session" ? await deps.caller(req) : auth === "token" ? await tokenCaller(req, config.scope, deps) : null;
        if (auth === "session" && !user) {
          if (config.onUnauthenticated) return withRequestId(config.onUnauthenticated(req), requestId);
          throw new AppError("UNAUTHENTICATED", config.unauthenticated ?? "Sign in first: your session has ended.");
        }
        // A cookie rides along on any cross-site request, so a cookie-authenticated change must
        // come from one of our own pages (CSRF). Token callers (API v1) carry no ambient cookie.
        if (auth === "session" && MUTATIONS.has(req.method)) assertSameOrigin(req, deps.extraOrigins?.() ?? []);

        const rawParams = arg ? await arg.params : {};
        const rawQuery = queryObject(new URL(req.url).searchParams);
        const params = parsePart("params", config.params, rawParams);
        const query = parsePart("query", config.query, rawQuery);
        const body = config.body
          ? parsePart("body", config.body, await readJsonBody(req, config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, { optional: config.bodyOptional }))
          : undefined;

        // In a rate-limit scope: a limit the domain consumed comes back as X-RateLimit-* headers.
        const { value: out, rateLimit } = await withRateLimitScope(() => handler({
          req,
          user: user as CallerOf<A>,
          params: params as Out<P>,
          query: query as Out<Q>,
          body: body as Out<B>,
          // Lazy: a route that never touches the database (the cron tick builds its own deps)
          // does not open the pool.
          get db() {
            return deps.db();
          },
          now: deps.now(),
          requestId,
        }));
        const res = out instanceof Response ? out : Response.json(out ?? null, { headers: { "Cache-Control": "private, no-store" } });
        return withRequestId(rateLimit ? withHeaders(res, rateLimitHeaders(rateLimit)) : res, requestId);
      } catch (e) {
        return errorResponse(e, requestId, req);
      }
    };
  };
}

const UNAUTHENTICATED_TOKEN = "Send a valid API token: Authorization: Bearer amc_… (create one in Settings → API tokens).";

/**
 * The user behind the request's API token, with the scope checked: a missing, unknown, revoked
 * or expired token is one 401 (checked against the database on every request, so revocation
 * takes effect at once); a read token on a change is 403.
 */
async function tokenCaller(req: Request, scope: ApiTokenScope | undefined, deps: RouteDeps): Promise<SessionUser> {
  const caller = await authenticateToken(deps.db(), req.headers.get("authorization"), deps.now());
  if (!caller) throw new AppError("UNAUTHENTICATED", UNAUTHENTICATED_TOKEN);
  const needed = scope ?? (req.method === "GET" || req.method === "HEAD" ? "read" : "write");
  if (needed === "write" && caller.scope !== "write") {
    throw new AppError("FORBIDDEN", "This token is read-only; create a token with the write scope to make changes.");
  }
  return caller.user;
}

/** The answer for any failure: AppError as itself, anything else a logged 500. */
export function errorResponse(e: unknown, requestId: string, req: Request): Response {
  // Next's redirect()/notFound() are control flow, not failures.
  if (e && typeof e === "object" && "digest" in e && typeof e.digest === "string" && e.digest.startsWith("NEXT_")) throw e;
  // The database restarting or failing over is no bug of ours and nothing the caller did wrong:
  // 503 with Retry-After, and the driver's code in the warn line instead of an error with a stack.
  const outage = e instanceof AppError ? undefined : unavailableCode(e);
  if (outage) e = databaseUnavailable();
  if (e instanceof AppError) {
    // One line per refused request, for whoever reads the log with the caller's request id: the
    // route and the code only, never the query, body or field values that were refused.
    console.warn(JSON.stringify({ level: "warn", msg: "request refused", requestId, method: req.method, path: new URL(req.url).pathname, status: e.status, code: e.code, ...(outage ? { cause: outage } : {}) }));
    return errorEnvelope(e.code, e.message, {
      details: e.fieldErrors ? { fieldErrors: e.fieldErrors } : undefined,
      requestId,
      headers: e.rateLimit ? rateLimitHeaders(e.rateLimit) : e.code === "UNAVAILABLE" ? { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } : undefined,
    });
  }
  logError("route failed", e, { requestId, method: req.method, path: new URL(req.url).pathname });
  return errorEnvelope("INTERNAL", "Something went wrong on our side. Try again; if it keeps happening, tell your admin.", { requestId });
}

function withRequestId(res: Response, requestId: string): Response {
  try {
    res.headers.set("X-Request-Id", requestId);
    return res;
  } catch {
    // Response.redirect() and fetched responses have immutable headers: copy.
    const copy = new Response(res.body, res);
    copy.headers.set("X-Request-Id", requestId);
    return copy;
  }
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

function fail(code: ErrorCode, message: string, fieldErrors?: Record<string, string[]>): never {
  throw new AppError(code, message, fieldErrors);
}

function assertSameOrigin(req: Request, extra: string[]): void {
  const origin = req.headers.get("origin");
  if (origin === null) {
    // No Origin: not a browser's cross-site request unless Fetch Metadata says so.
    if (req.headers.get("sec-fetch-site") === "cross-site") fail("FORBIDDEN", "Cross-site requests are refused.");
    return;
  }
  const own = new Set([new URL(req.url).origin, ...extra]);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (host) {
    const proto = req.headers.get("x-forwarded-proto") ?? new URL(req.url).protocol.replace(":", "");
    own.add(`${proto}://${host}`);
  }
  if (!own.has(origin)) fail("FORBIDDEN", "Requests from another site are refused.");
}

/** URLSearchParams → object; a repeated key becomes an array (schemas decide what they accept). */
function queryObject(sp: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of sp) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Path of the first string holding a NUL byte, if any. PostgreSQL's text cannot store U+0000, so
 * such a value would fail deep in a query as a 500; at the boundary it is the caller's 400.
 */
export function nulPath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nulPath(value[i], [...path, String(i)]);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return [...path, k.replaceAll("\u0000", "\\0")];
      const p = nulPath(v, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

function parsePart(part: "params" | "query" | "body", schema: z.ZodType | undefined, raw: unknown): unknown {
  const nul = nulPath(raw);
  if (nul) {
    const field = nul.join(".");
    fail("VALIDATION_ERROR", `The ${part === "params" ? "address" : part} holds a NUL byte, which no field accepts.`, { [field || part]: ["Remove the NUL (\\0) character."] });
  }
  if (!schema) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (part === "params") fail("NOT_FOUND", "Nothing is at this address.");
  const message = part === "query" ? "Some query parameters need attention." : "Some fields need attention.";
  return fail("VALIDATION_ERROR", message, fieldErrorsFrom(parsed.error));
}

/**
 * The body as JSON, refusing (415) anything that does not say it is JSON and (413) anything
 * over `limit` bytes: by Content-Length up front, and by counting while reading, since a chunked
 * body has no length and a header can lie.
 */
export async function readJsonBody(req: Request, limit: number, opts: { optional?: boolean } = {}): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const tooLarge = () => fail("PAYLOAD_TOO_LARGE", `The body is larger than ${Math.round(limit / 1024)} KB.`);
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) tooLarge();
  if (type !== "application/json" && !(opts.optional && type === "")) {
    fail("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON (Content-Type: application/json).");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Next hands a body-less POST an empty stream rather than null, so emptiness is read, not assumed.
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        tooLarge();
      }
      chunks.push(value);
    }
  }
  if (size === 0) {
    if (opts.optional) return undefined;
    fail("VALIDATION_ERROR", "The request has no body.");
  }
  // A body-optional route sent bytes without saying they are JSON: refuse rather than guess.
  if (type !== "application/json") fail("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON (Content-Type: application/json).");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text);
  } catch {
    return fail("VALIDATION_ERROR", "The body is not valid JSON.");
  }
}
