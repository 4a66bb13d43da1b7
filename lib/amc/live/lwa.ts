import { z } from "zod";
import { AmcError } from "../gateway";
import {
  backoffDelay,
  clip,
  defaultRuntime,
  describeNetworkError,
  isNetworkError,
  parseRetryAfter,
  redact,
  type BackoffPolicy,
  type Runtime,
} from "./runtime";

/** Login with Amazon: token exchanges, the consent URL, and a per-connection access-token cache. */

export const AMC_OAUTH_SCOPE = "advertising::campaign_management";

export interface LwaRetryPolicy {
  /** 5xx and network failures. */
  serverError: BackoffPolicy;
  /** 429 without a usable Retry-After. */
  throttled: BackoffPolicy;
  /** A Retry-After longer than this is not slept on here: the caller gets rate_limited and re-queues. */
  maxRetryAfterMs: number;
}

/** product.md §3.6: 5xx → 5 s, 10 s, 20 s; 429 → 10 s, 20 s, 40 s; at most 3 attempts. */
export const DEFAULT_LWA_RETRY: LwaRetryPolicy = {
  serverError: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 20_000, jitter: "none" },
  throttled: { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 40_000, jitter: "none" },
  maxRetryAfterMs: 60_000,
};

const REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_EXPIRES_IN_S = 3600;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});

const lwaErrorBody = z
  .object({
    error: z.string().optional(),
    error_description: z.string().optional(),
  })
  .catch({});

export interface LwaTokenSet {
  accessToken: string;
  tokenType: string;
  expiresInSeconds: number;
  /** LWA echoes the refresh token; a different one means it rotated and must be stored. */
  refreshToken?: string;
}

export interface LwaCallOptions {
  runtime?: Partial<Runtime>;
  retry?: LwaRetryPolicy;
}

async function readLwaError(res: Response, secrets: readonly string[]) {
  let text = "";
  try {
    text = await res.text();
  } catch {
    // The status alone decides what happens; a lost body only costs detail in the message.
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  const body = lwaErrorBody.parse(json);
  return {
    error: body.error,
    description: body.error_description ? clip(redact(body.error_description, secrets), 200) : undefined,
  };
}

/**
 * One form-encoded POST to the token endpoint with the §3.6 retry policy. 400/401/403 (invalid_grant,
 * invalid_client…) are answers, not accidents: they are never retried.
 */
async function requestToken(
  tokenUrl: string,
  form: Record<string, string>,
  secrets: readonly string[],
  options: LwaCallOptions,
): Promise<LwaTokenSet> {
  const rt = defaultRuntime(options.runtime);
  const policy = options.retry ?? DEFAULT_LWA_RETRY;
  let serverFailures = 0;
  let throttles = 0;
  for (;;) {
    let res: Response;
    try {
      res = await rt.fetch(tokenUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
          Accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      serverFailures++;
      if (serverFailures >= policy.serverError.maxAttempts) {
        throw new AmcError(
          "transient",
          `Login with Amazon could not be reached (${describeNetworkError(e)}) after ${serverFailures} attempts.`,
        );
      }
      const delay = backoffDelay(policy.serverError, serverFailures, rt.random);
      rt.log("warn", "lwa.token.retry", { reason: describeNetworkError(e), attempt: serverFailures, delayMs: delay });
      await rt.sleep(delay);
      continue;
    }

    if (res.ok) {
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        json = undefined;
      }
      const parsed = tokenResponse.safeParse(json);
      if (!parsed.success) {
        throw new AmcError("transient", "Login with Amazon answered without a usable access token.", {
          httpStatus: res.status,
        });
      }
      return {
        accessToken: parsed.data.access_token,
        tokenType: parsed.data.token_type ?? "bearer",
        expiresInSeconds: parsed.data.expires_in ?? DEFAULT_EXPIRES_IN_S,
        refreshToken: parsed.data.refresh_token,
      };
    }

    const { error, description } = await readLwaError(res, secrets);
    const detail = [error, description].filter(Boolean).join(": ");
    const status = res.status;

    if (status === 400 || status === 401 || status === 403) {
      throw new AmcError(
        "reauthorize",
        `Login with Amazon refused the stored authorization${detail ? ` (${detail})` : ""}; an admin must reconnect the Amazon Ads account.`,
        { httpStatus: status, amcCode: error },
      );
    }

    if (status === 429) {
      throttles++;
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), rt.now());
      const fallback = backoffDelay(policy.throttled, throttles, rt.random);
      const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs;
      if (throttles >= policy.throttled.maxAttempts || tooLong) {
        throw new AmcError("rate_limited", `Login with Amazon is throttling token requests (HTTP 429).`, {
          httpStatus: status,
          amcCode: error,
          retryAfterMs: retryAfterMs ?? fallback,
        });
      }
      const delay = retryAfterMs ?? fallback;
      rt.log("warn", "lwa.token.retry", { status, attempt: throttles, delayMs: delay });
      await rt.sleep(delay);
      continue;
    }

    if (status >= 500) {
      serverFailures++;
      if (serverFailures >= policy.serverError.maxAttempts) {
        throw new AmcError(
          "transient",
          `Login with Amazon is unavailable (HTTP ${status}) after ${serverFailures} attempts.`,
          { httpStatus: status, amcCode: error },
        );
      }
      const delay = backoffDelay(policy.serverError, serverFailures, rt.random);
      rt.log("warn", "lwa.token.retry", { status, attempt: serverFailures, delayMs: delay });
      await rt.sleep(delay);
      continue;
    }

    // 404, 405…: the token URL is misconfigured; the stored authorization is not to blame.
    throw new AmcError(
      "transient",
      `Login with Amazon answered HTTP ${status}${detail ? ` (${detail})` : ""}; check the token endpoint configuration.`,
      { httpStatus: status, amcCode: error },
    );
  }
}

export interface LwaClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export function exchangeRefreshToken(
  client: LwaClient & { refreshToken: string },
  options: LwaCallOptions = {},
): Promise<LwaTokenSet> {
  return requestToken(
    client.tokenUrl,
    {
      grant_type: "refresh_token",
      refresh_token: client.refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    },
    [client.refreshToken, client.clientSecret],
    options,
  );
}

/** The last step of connecting an account: the code from the consent redirect → tokens to store (encrypted). */
export async function exchangeAuthorizationCode(
  client: LwaClient & { code: string; redirectUri: string },
  options: LwaCallOptions = {},
): Promise<LwaTokenSet & { refreshToken: string }> {
  const tokens = await requestToken(
    client.tokenUrl,
    {
      grant_type: "authorization_code",
      code: client.code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    },
    [client.code, client.clientSecret],
    options,
  );
  if (!tokens.refreshToken) {
    throw new AmcError("reauthorize", "Login with Amazon returned no refresh token; please connect the account again.");
  }
  return { ...tokens, refreshToken: tokens.refreshToken };
}

/**
 * The consent page URL. `state` must be an unguessable value the callback checks (CSRF);
 * `authorizeUrl` comes from resolveAmcEndpoints so a test server can stand in.
 */
export function buildAuthorizeUrl(params: {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope?: string;
}): string {
  if (params.state.length < 8) throw new Error("OAuth state must be an unguessable value of at least 8 characters.");
  const url = new URL(params.authorizeUrl);
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("scope", params.scope ?? AMC_OAUTH_SCOPE);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", params.redirectUri);
  url.searchParams.set("state", params.state);
  return url.toString();
}

export interface TokenProviderOptions extends LwaClient {
  refreshToken: string;
  runtime?: Partial<Runtime>;
  retry?: LwaRetryPolicy;
  /** Refresh this long before expiry so a token never dies mid-request. */
  refreshSkewMs?: number;
  /**
   * The refresh token is bad or revoked: mark the account "needs re-authorization". Called once;
   * afterwards the provider fails fast without calling Amazon again.
   */
  onReauthorizationNeeded?: (error: AmcError) => void | Promise<void>;
  /** LWA handed back a different refresh token: store it (encrypted) in place of the old one. */
  onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
}

/**
 * Access tokens for one connection: cached until `refreshSkewMs` before expiry, one refresh in
 * flight at a time however many requests need a token, and a dead end once the refresh token is
 * refused (so a revoked account costs one call to Amazon, not one per request).
 */
export class TokenProvider {
  readonly #opts: TokenProviderOptions;
  readonly #rt: Runtime;
  #refreshToken: string;
  #cached: { token: string; expiresAt: number; skewMs: number } | undefined;
  #inflight: Promise<string> | undefined;
  #dead: AmcError | undefined;
  #refreshes = 0;

  constructor(options: TokenProviderOptions) {
    this.#opts = options;
    this.#rt = defaultRuntime(options.runtime);
    this.#refreshToken = options.refreshToken;
  }

  /** Successful token refreshes so far (observability and tests). */
  get refreshes(): number {
    return this.#refreshes;
  }

  get needsReauthorization(): boolean {
    return this.#dead !== undefined;
  }

  async getAccessToken(): Promise<string> {
    if (this.#dead) throw this.#dead;
    const c = this.#cached;
    if (c && this.#rt.now() < c.expiresAt - c.skewMs) return c.token;
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /**
   * The API said 401 to `token`. Only that token is dropped: if a concurrent request already
   * replaced it, the fresh one stays and no second refresh happens.
   */
  invalidate(token?: string): void {
    if (token === undefined || this.#cached?.token === token) this.#cached = undefined;
  }

  async #refresh(): Promise<string> {
    const startedAt = this.#rt.now();
    let tokens: LwaTokenSet;
    try {
      tokens = await exchangeRefreshToken(
        {
          tokenUrl: this.#opts.tokenUrl,
          clientId: this.#opts.clientId,
          clientSecret: this.#opts.clientSecret,
          refreshToken: this.#refreshToken,
        },
        { runtime: this.#rt, retry: this.#opts.retry },
      );
    } catch (e) {
      if (e instanceof AmcError && e.cause === "reauthorize") {
        this.#dead = e;
        this.#cached = undefined;
        this.#rt.log("warn", "lwa.reauthorization_needed", { httpStatus: e.httpStatus, code: e.amcCode });
        await this.#callHook("onReauthorizationNeeded", () => this.#opts.onReauthorizationNeeded?.(e));
      }
      throw e;
    }
    this.#refreshes++;
    const lifetimeMs = tokens.expiresInSeconds * 1000;
    // Measured from when the request left, so a slow answer cannot stretch the token's life.
    this.#cached = {
      token: tokens.accessToken,
      expiresAt: startedAt + lifetimeMs,
      skewMs: Math.min(this.#opts.refreshSkewMs ?? 60_000, lifetimeMs / 2),
    };
    if (tokens.refreshToken && tokens.refreshToken !== this.#refreshToken) {
      this.#refreshToken = tokens.refreshToken;
      const rotated = tokens.refreshToken;
      await this.#callHook("onRefreshTokenRotated", () => this.#opts.onRefreshTokenRotated?.(rotated));
    }
    return tokens.accessToken;
  }

  async #callHook(name: string, call: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await call();
    } catch (e) {
      // The hook's own failure must not hide the authorization error (or a good token) from the caller.
      this.#rt.log("error", "lwa.hook_failed", { hook: name, error: e instanceof Error ? e.name : "unknown" });
    }
  }
}
