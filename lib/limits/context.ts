import { AsyncLocalStorage } from "node:async_hooks";
import type { RateLimitInfo } from "../errors";

/**
 * How a limit consumed deep in a domain function reaches the route's response headers without
 * every domain function returning it: the route wrapper runs its handler inside a scope, and
 * `consume` notes its result there. Outside a scope (server actions, the engine) noting is a
 * no-op. When one request consumes several limits, the tightest one is kept.
 */
interface Scope {
  info: RateLimitInfo | null;
}

const scopes = new AsyncLocalStorage<Scope>();

export async function withRateLimitScope<T>(fn: () => Promise<T>): Promise<{ value: T; rateLimit: RateLimitInfo | null }> {
  const scope: Scope = { info: null };
  const value = await scopes.run(scope, fn);
  return { value, rateLimit: scope.info };
}

export function noteRateLimit(info: RateLimitInfo): void {
  const scope = scopes.getStore();
  if (!scope) return;
  if (!scope.info || info.remaining < scope.info.remaining) scope.info = info;
}

/** `X-RateLimit-Limit/-Remaining/-Reset` (Unix seconds), plus `Retry-After` when refused. */
export function rateLimitHeaders(info: RateLimitInfo): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(info.limit),
    "X-RateLimit-Remaining": String(info.remaining),
    "X-RateLimit-Reset": String(Math.ceil(info.resetAt.getTime() / 1000)),
  };
  if (info.retryAfterSeconds !== undefined) headers["Retry-After"] = String(info.retryAfterSeconds);
  return headers;
}
