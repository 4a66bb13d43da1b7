import { AppError } from "./index";

/**
 * Whether an error means "the database is not reachable right now" (a restart, a failover, a
 * terminated backend, a network cut) rather than "this request is wrong" or "this code is
 * wrong". Such a failure says nothing about the data: the request may be retried as it is, a
 * run must not be failed for it, and the caller gets 503 instead of 500.
 *
 * Decided by codes, never by message text: SQLSTATE class 08 (connection exception), 57P01/02/03
 * (terminated by an administrator, crash of another backend, cannot connect now), 53300 (too
 * many clients, the reconnect storm after a failover), postgres.js's own CONNECTION_* and
 * CONNECT_TIMEOUT, and Node's socket errors. drizzle wraps the driver's error in `cause`, and
 * Node's connect to a name with several addresses throws an AggregateError of the attempts, so
 * both are followed.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  return unavailableCode(e) !== undefined;
}

const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const DRIVER_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** The code that made `e` a database outage (for the log line), or undefined if it is not one. */
export function unavailableCode(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== "object" || depth > 5) return undefined;
  if ("code" in e && typeof e.code === "string") {
    const code = e.code;
    // Only PostgreSQL's errors carry five-character SQLSTATEs; class 08 is "connection exception".
    if (SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || DRIVER_CODES.has(code) || SOCKET_CODES.has(code)) return code;
  }
  if (e instanceof AggregateError) {
    for (const inner of e.errors) {
      const code = unavailableCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return "cause" in e ? unavailableCode(e.cause, depth + 1) : undefined;
}

/** What a user reads, in a form, a toast or an API answer. */
export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not reachable right now; try again in a moment.";

/** Seconds an API caller should wait before retrying (Retry-After): a restart takes a few. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export const databaseUnavailable = () => new AppError("UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE);
