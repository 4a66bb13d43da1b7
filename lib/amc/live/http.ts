import type { z } from "zod";
import { AmcError } from "../gateway";
import type { TokenProvider } from "./lwa";
import {
  backoffDelay,
  clip,
  describeNetworkError,
  isNetworkError,
  parseRetryAfter,
  redact,
  type BackoffPolicy,
  type LogFields,
  type Runtime,
} from "./runtime";

export interface AmcRetryPolicy {
  /** 500/502/503/504 and network failures. */
  transient: BackoffPolicy;
  /** 429 (counted apart: a throttle does not use up a transient attempt). */
  rateLimited: BackoffPolicy;
  /** A Retry-After longer than this is handed to the caller (rate_limited) to re-queue, not slept on. */
  maxRetryAfterMs: number;
  requestTimeoutMs: number;
}

/** product.md §3.6: 3 attempts, 10 s, 20 s (40 s), capped at 60 s; 429 honours Retry-After. */
export const DEFAULT_AMC_RETRY: AmcRetryPolicy = {
  transient: { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000, jitter: "equal" },
  rateLimited: { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000, jitter: "full" },
  maxRetryAfterMs: 60_000,
  requestTimeoutMs: 60_000,
};

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

export interface AmcErrorBody {
  code?: string;
  /** AMC's explanation, secret-free and clipped, fit to show a user. */
  reason?: string;
}

/** The human explanation inside an AMC error or status field, whatever its nesting. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (Array.isArray(value)) {
    const parts = value.map(textOf).filter((s): s is string => s !== undefined);
    return parts.length ? parts.join("; ") : undefined;
  }
  if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    return textOf(o.message ?? o.errorMessage ?? o.details ?? o.detail ?? o.reason);
  }
  return undefined;
}

/**
 * AMC error bodies vary (`{code, details}`, `{message}`, `{errors: [...]}`, plain text, HTML from
 * a gateway): take whatever explanation there is, never fail on the shape.
 */
export function parseAmcErrorBody(text: string): AmcErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const plain = text.trim();
    const looksLikeMarkup = plain.startsWith("<");
    return plain && !looksLikeMarkup ? { reason: clip(redact(plain)) } : {};
  }
  if (typeof json !== "object" || json === null) return {};
  const o = json as Record<string, unknown>;
  const rawCode = o.code ?? o.errorCode ?? o.error;
  const code = typeof rawCode === "string" || typeof rawCode === "number" ? String(rawCode) : undefined;
  const reason = textOf(o.details) ?? textOf(o.message) ?? textOf(o.Message) ?? textOf(o.errors) ?? textOf(o.error_description);
  return { code, reason: reason ? clip(redact(reason)) : undefined };
}

export async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return "";
  }
}

export async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // Only frees the connection; nothing depends on it.
  }
}

export interface RetryContext {
  rt: Runtime;
  policy: AmcRetryPolicy;
  /** Names the far end in messages ("AMC", "the result file host"). */
  peer: string;
  logFields: LogFields;
}

/**
 * Sends `send()` until it answers something other than a network failure, 5xx or 429, within the
 * policy's bounds. Other answers (2xx and the remaining 4xx) are returned for the caller to read.
 */
export async function sendWithRetries(send: () => Promise<Response>, ctx: RetryContext): Promise<Response> {
  const { rt, policy } = ctx;
  let transientFailures = 0;
  let throttles = 0;
  for (;;) {
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      if (e instanceof AmcError || !isNetworkError(e)) throw e;
      transientFailures++;
      const what = describeNetworkError(e);
      if (transientFailures >= policy.transient.maxAttempts) {
        throw new AmcError("transient", `${ctx.peer} could not be reached (${what}) after ${transientFailures} attempts.`);
      }
      const delay = backoffDelay(policy.transient, transientFailures, rt.random);
      rt.log("warn", "amc.http.retry", { ...ctx.logFields, reason: what, attempt: transientFailures, delayMs: delay });
      await rt.sleep(delay);
      continue;
    }

    if (res.status === 429) {
      throttles++;
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), rt.now());
      const fallback = backoffDelay(policy.rateLimited, throttles, rt.random);
      const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs;
      if (throttles >= policy.rateLimited.maxAttempts || tooLong) {
        const body = parseAmcErrorBody(await readText(res));
        // Without a Retry-After the caller still needs a hint: the un-jittered next backoff step.
        const hint = retryAfterMs ?? backoffDelay({ ...policy.rateLimited, jitter: "none" }, throttles, rt.random);
        throw new AmcError(
          "rate_limited",
          `${ctx.peer} is throttling requests (HTTP 429)${body.reason ? `: ${body.reason}` : ""}.`,
          { httpStatus: 429, amcCode: body.code, retryAfterMs: hint },
        );
      }
      await discard(res);
      const delay = retryAfterMs ?? fallback;
      rt.log("warn", "amc.http.retry", { ...ctx.logFields, status: 429, attempt: throttles, delayMs: delay });
      await rt.sleep(delay);
      continue;
    }

    if (RETRYABLE_STATUSES.has(res.status)) {
      transientFailures++;
      if (transientFailures >= policy.transient.maxAttempts) {
        const body = parseAmcErrorBody(await readText(res));
        throw new AmcError(
          "transient",
          `${ctx.peer} is unavailable (HTTP ${res.status}) after ${transientFailures} attempts${body.reason ? `: ${body.reason}` : ""}.`,
          { httpStatus: res.status, amcCode: body.code },
        );
      }
      await discard(res);
      const delay = backoffDelay(policy.transient, transientFailures, rt.random);
      rt.log("warn", "amc.http.retry", { ...ctx.logFields, status: res.status, attempt: transientFailures, delayMs: delay });
      await rt.sleep(delay);
      continue;
    }

    return res;
  }
}

export interface AmcRequest<T> {
  method: "GET" | "POST" | "PUT";
  /** Starts with `/`; ids in it must already be encoded. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Lenient schema for the success body. */
  schema: z.ZodType<T>;
  /** What the call is about, for messages a user can act on. */
  instanceId?: string;
  executionId?: string;
  /**
   * false: a 5xx or network failure is not re-sent here but thrown at once (transient). For a
   * create, whose failure may come after AMC accepted it: the caller checks AMC's listing before
   * sending it again. 429 and a 401 refresh are still retried (AMC refused those requests).
   */
  retryTransient?: boolean;
}

export interface AmcHttpOptions {
  baseUrl: string;
  clientId: string;
  advertiserId?: string;
  marketplaceId?: string;
  tokens: TokenProvider;
  runtime: Runtime;
  retry?: AmcRetryPolicy;
}

const NOT_FOUND_TEXT = /does not exist|not found|no such|unknown (workflow ?)?execution/i;

/** The request core for AMC: auth headers, one refresh on 401, bounded retries, typed errors. */
export class AmcHttpClient {
  readonly #o: AmcHttpOptions;
  readonly #policy: AmcRetryPolicy;

  constructor(options: AmcHttpOptions) {
    this.#o = options;
    this.#policy = options.retry ?? DEFAULT_AMC_RETRY;
  }

  get runtime(): Runtime {
    return this.#o.runtime;
  }

  get retryPolicy(): AmcRetryPolicy {
    return this.#policy;
  }

  async request<T>(req: AmcRequest<T>): Promise<T> {
    const url = new URL(this.#o.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const logFields: LogFields = { method: req.method, path: req.path };

    let refreshedAfter401 = false;
    const policy: AmcRetryPolicy =
      req.retryTransient === false ? { ...this.#policy, transient: { ...this.#policy.transient, maxAttempts: 1 } } : this.#policy;
    for (;;) {
      const token = await this.#o.tokens.getAccessToken();
      const res = await sendWithRetries(
        () =>
          this.#o.runtime.fetch(url.toString(), {
            method: req.method,
            headers: this.#headers(token, body !== undefined),
            body,
            signal: AbortSignal.timeout(this.#policy.requestTimeoutMs),
          }),
        { rt: this.#o.runtime, policy, peer: "AMC", logFields },
      );

      if (res.ok) return this.#parseSuccess(res, req);

      if (res.status === 401 && !refreshedAfter401) {
        refreshedAfter401 = true;
        await discard(res);
        this.#o.tokens.invalidate(token);
        this.#o.runtime.log("info", "amc.http.token_refused", logFields);
        continue;
      }
      // A 401 after the refresh: the caller retries later (auth is retryable), and then with a
      // fresh token rather than the one just refused.
      if (res.status === 401) this.#o.tokens.invalidate(token);
      throw this.#toError(res.status, parseAmcErrorBody(await readText(res)), req);
    }
  }

  #headers(token: string, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      "Amazon-Advertising-API-ClientId": this.#o.clientId,
      Accept: "application/json",
    };
    if (this.#o.advertiserId) h["Amazon-Advertising-API-AdvertiserId"] = this.#o.advertiserId;
    if (this.#o.marketplaceId) h["Amazon-Advertising-API-MarketplaceId"] = this.#o.marketplaceId;
    if (hasBody) h["Content-Type"] = "application/json";
    return h;
  }

  async #parseSuccess<T>(res: Response, req: AmcRequest<T>): Promise<T> {
    const text = await readText(res);
    let json: unknown;
    try {
      json = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    const parsed = req.schema.safeParse(json);
    if (!parsed.success) {
      this.#o.runtime.log("error", "amc.http.unexpected_response", {
        method: req.method,
        path: req.path,
        status: res.status,
        issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
      throw new AmcError("transient", `AMC answered ${req.method} ${req.path} in an unexpected shape.`, {
        httpStatus: res.status,
      });
    }
    return parsed.data;
  }

  #toError(status: number, body: AmcErrorBody, req: AmcRequest<unknown>): AmcError {
    const extra = { httpStatus: status, amcCode: body.code };
    const because = body.reason ? `: ${body.reason}` : ".";
    const subject = req.executionId
      ? `Execution ${req.executionId} on AMC instance ${req.instanceId ?? "?"}`
      : req.instanceId
        ? `AMC instance ${req.instanceId}`
        : `AMC resource ${req.path}`;

    if (status === 401) {
      return new AmcError(
        "auth",
        `AMC refused a freshly refreshed access token (HTTP 401)${because.replace(/\.?$/, ".")} Login with Amazon still issues tokens, so this is retried later.`,
        extra,
      );
    }
    if (status === 403) {
      const target = req.instanceId
        ? `AMC instance ${req.instanceId}`
        : `this AMC resource${this.#o.advertiserId ? ` (advertiser ${this.#o.advertiserId})` : ""}`;
      return new AmcError("permission", `The connected Amazon Ads account has no access to ${target}${because}`, extra);
    }
    if (status === 404 || (status === 400 && body.reason !== undefined && NOT_FOUND_TEXT.test(body.reason))) {
      return new AmcError("not_found", `${subject} was not found at AMC${because}`, extra);
    }
    if (status >= 400 && status < 500) {
      return new AmcError("invalid_query", `AMC rejected the request${because}`, extra);
    }
    return new AmcError("transient", `AMC answered HTTP ${status}${because}`, extra);
  }
}
