/**
 * What the live client needs from the outside world, injectable so tests never wait on the clock,
 * never depend on chance, and can see what would have been logged.
 */

export type Sleep = (ms: number) => Promise<void>;
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | undefined>;
/** Structured log line; callers pass ids and statuses, never tokens, secrets or pre-signed URLs. */
export type AmcLogger = (level: LogLevel, event: string, fields: LogFields) => void;

export interface Runtime {
  fetch: FetchLike;
  sleep: Sleep;
  /** In [0, 1), like Math.random. */
  random: () => number;
  /** Epoch milliseconds. */
  now: () => number;
  log: AmcLogger;
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const consoleLogger: AmcLogger = (level, event, fields) => {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.info(line);
};

export function defaultRuntime(overrides: Partial<Runtime> = {}): Runtime {
  return {
    // Bound late so a test that stubs globalThis.fetch after construction still takes effect.
    fetch: overrides.fetch ?? ((input, init) => fetch(input, init)),
    sleep: overrides.sleep ?? realSleep,
    random: overrides.random ?? Math.random,
    now: overrides.now ?? Date.now,
    log: overrides.log ?? consoleLogger,
  };
}

export interface BackoffPolicy {
  /** Requests in total, the first one included. */
  maxAttempts: number;
  /** Wait before the first retry; doubles for each further retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * none: exactly base·2ⁿ (the product's fixed schedules); equal: half fixed, half random (retries
   * stay spaced out); full: anywhere in [0, base·2ⁿ) (spreads a thundering herd the most).
   */
  jitter: "none" | "equal" | "full";
}

/** Wait before retry number `retry` (1 = the first retry). */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  switch (policy.jitter) {
    case "none":
      return ceiling;
    case "equal":
      return Math.round(ceiling / 2 + random() * (ceiling / 2));
    case "full":
      return Math.round(random() * ceiling);
  }
}

/** `Retry-After` as delta-seconds or an HTTP date → milliseconds from `now`; undefined if absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

function errorCode(e: unknown): string | undefined {
  if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string") return e.code;
  return undefined;
}

/**
 * fetch reports every transport failure as `TypeError("fetch failed")` with the socket error as
 * its cause; a timeout is a `TimeoutError`/`AbortError` DOMException. Anything else is a bug and
 * must not be retried as if the network were at fault.
 */
export function isNetworkError(e: unknown): boolean {
  if (e instanceof TypeError) return true;
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return true;
  const code = errorCode(e) ?? (e instanceof Error ? errorCode(e.cause) : undefined);
  return code !== undefined && NETWORK_CODES.has(code);
}

/** A short, secret-free description of a transport failure for messages and logs. */
export function describeNetworkError(e: unknown): string {
  const code = errorCode(e) ?? (e instanceof Error ? errorCode(e.cause) : undefined);
  if (code) return code;
  if (e instanceof Error) return e.name === "Error" ? "network error" : e.name;
  return "network error";
}

// LWA access tokens start "Atza|", refresh tokens "Atzr|", authorization codes "ANxx…"-style.
const TOKEN_PATTERNS = [/Atz[ar]\|[^\s"',&]+/g, /Bearer\s+[^\s"',]+/gi];

/**
 * Removes anything that looks like a token, and each given secret, from text that may end up in
 * an error message or log (e.g. an error description echoed back by a server).
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  for (const p of TOKEN_PATTERNS) out = out.replace(p, "[redacted]");
  return out;
}

/** Trims a server-provided text to something fit for a message. */
export function clip(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
