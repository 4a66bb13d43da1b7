import { afterAll, vi } from "vitest";
import type { NextRouteArg } from "@/lib/http/handler";
import { freshDatabase } from "./db";

type Handler = (req: Request, arg?: NextRouteArg) => Promise<Response>;

/**
 * Calls a route handler the way Next does: a Request for `path` on localhost and the path
 * params as a promise. Mutations carry the app's own Origin unless a test says otherwise.
 */
export function callRoute(
  handler: Handler,
  path: string,
  opts: { method?: string; params?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<Response> {
  const method = opts.method ?? "GET";
  const headers = new Headers(opts.headers);
  if (method !== "GET" && !headers.has("origin")) headers.set("origin", "http://localhost");
  const req = new Request(`http://localhost${path}`, { method, headers, body: opts.body });
  return handler(req, { params: Promise.resolve(opts.params ?? {}) });
}

/** A JSON POST body with its content type. */
export const jsonBody = (value: unknown) => ({
  headers: { "content-type": "application/json" },
  body: typeof value === "string" ? value : JSON.stringify(value),
});

/**
 * A fresh database behind the route handlers: `app` is the caller's hoisted holder that its
 * `vi.mock("@/db/client")` answers getDb/getSql from (a mock must stay in the test file). The
 * wall clock is frozen at `now` for the file: the routes read it.
 */
export async function routeDatabase(app: { db: unknown; sql: unknown }, now: Date) {
  const t = await freshDatabase();
  app.db = t.db;
  app.sql = t.sql;
  vi.useFakeTimers({ toFake: ["Date"], now });
  afterAll(() => vi.useRealTimers());
  return t;
}
