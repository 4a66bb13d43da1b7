import { createHash, timingSafeEqual } from "node:crypto";
import { apiError } from "../http/api-error";
import { DATABASE_UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_SECONDS } from "../errors/unavailable";
import type { EngineDeps } from "./deps";
import { runTick, type TickOptions } from "./tick";

/**
 * `Authorization: Bearer <CRON_SECRET>`, compared in constant time: both sides are hashed to
 * SHA-256 first, so timingSafeEqual always compares 32 bytes and neither the secret's length
 * nor its prefix leaks through timing. No secret configured means nobody is authorized.
 */
export function isAuthorizedCronRequest(authorization: string | null, secret: string | undefined): boolean {
  if (!secret || !authorization) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(authorization), digest(`Bearer ${secret}`));
}

/**
 * The tick endpoint's whole behaviour (the route file only wires it): 401 with the standard
 * JSON error and no work done unless authorized; otherwise one tick and its JSON summary
 * (500 with the summary as details if a phase failed; 503 with Retry-After if the database could
 * not be reached, so a cron runner backs off instead of reporting a bug).
 */
export async function handleTickRequest(
  request: Request,
  ctx: { secret: string | undefined; deps: () => EngineDeps; options?: TickOptions },
): Promise<Response> {
  if (!isAuthorizedCronRequest(request.headers.get("authorization"), ctx.secret)) {
    return apiError("UNAUTHENTICATED", "Send Authorization: Bearer <CRON_SECRET> to run the scheduler tick.", undefined, {
      "WWW-Authenticate": 'Bearer realm="cron"',
      "Cache-Control": "no-store",
    });
  }
  const summary = await runTick(ctx.deps(), ctx.options);
  if (summary.databaseUnavailable) {
    return apiError("UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE, summary, {
      "Cache-Control": "no-store",
      "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
    });
  }
  if (!summary.ok) return apiError("INTERNAL", "The tick finished with errors.", summary, { "Cache-Control": "no-store" });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}
