import { AppError, type ErrorCode } from "../../errors";
import type { AmcError } from "../gateway";
import { clip, redact } from "../live/runtime";

/**
 * What an admin (or the operator's log) is told when something about an Amazon Ads account goes
 * wrong: the fixed texts, the connect flow's failure reasons, and the explanation of an AMC error.
 */

export const KEY_CHANGED_MESSAGE =
  "The stored Amazon Ads credentials can no longer be decrypted: the app's encryption key (APP_ENCRYPTION_KEY) changed. " +
  "Put the previous key in APP_ENCRYPTION_KEYS_OLD, or reconnect the account.";
export const NO_CREDENTIALS_MESSAGE = "No Amazon Ads credentials are stored for this account; reconnect it.";
export const REAUTHORIZE_MESSAGE = "Amazon refused the stored authorization; reconnect the account.";
export const TRANSIENT_MESSAGE = "Amazon Ads did not answer; try again in a few minutes.";

/** An AMC failure as an admin can act on it, chosen by its typed cause (never by its text). */
export function explainAccountError(e: AmcError): string {
  switch (e.cause) {
    case "reauthorize":
      return e.amcCode ? `Amazon refused the stored authorization (${e.amcCode}); reconnect the account.` : REAUTHORIZE_MESSAGE;
    case "auth":
      return "Amazon Ads did not accept the access token even after a refresh; reconnect the account.";
    case "permission":
      return `Amazon Ads refused access (HTTP 403): check the Account id, and that this login has AMC access in Amazon Ads. ${e.message}`;
    case "not_found":
    case "invalid_query":
      return `Amazon Ads rejected the request: check the Account id and Marketplace id. ${e.message}`;
    case "rate_limited":
    case "transient":
      return TRANSIENT_MESSAGE;
  }
}

/** Why connecting through Amazon failed, as a short code the callback puts in the URL. */
export const CONNECT_FAILURES = [
  "not_configured",
  "invalid_state",
  "expired_state",
  "forbidden",
  "denied",
  "amazon_error",
  "exchange_failed",
  "amazon_unavailable",
  "no_accounts",
  "internal",
] as const;
export type ConnectFailure = (typeof CONNECT_FAILURES)[number];

const CONNECT_FAILURE_MESSAGES: Record<ConnectFailure, string> = {
  not_configured:
    "Connecting through Amazon is not set up on this server: set LWA_CLIENT_ID and LWA_CLIENT_SECRET (the app's Login with Amazon client), or enter the account's credentials manually.",
  invalid_state:
    "That connection attempt is not valid (it was used already, belongs to another session, or was altered). Start again with “Connect with Amazon”.",
  expired_state: "The connection attempt expired (it has to be finished within 10 minutes). Start again with “Connect with Amazon”.",
  forbidden: "Only admins can connect Amazon Ads accounts.",
  denied: "Amazon reported that access was not granted, so nothing was connected.",
  amazon_error: "Amazon reported an error while connecting, so nothing was connected. Try again.",
  exchange_failed:
    "Amazon did not accept the sign-in code (it may have expired or been used already), so nothing was connected. Start again.",
  amazon_unavailable: TRANSIENT_MESSAGE,
  no_accounts:
    "The Amazon login worked, but it cannot reach any AMC account. Ask for AMC access in Amazon Ads, then connect again.",
  internal: "Something went wrong on our side while connecting. Try again; if it keeps happening, check the server logs.",
};

export function connectFailureMessage(reason: ConnectFailure): string {
  return CONNECT_FAILURE_MESSAGES[reason];
}

export function isConnectFailure(value: unknown): value is ConnectFailure {
  return typeof value === "string" && (CONNECT_FAILURES as readonly string[]).includes(value);
}

/** An AppError that also says which ConnectFailure it is, for the callback's redirect. */
export class AccountConnectError extends AppError {
  readonly reason: ConnectFailure;
  constructor(reason: ConnectFailure, code: ErrorCode, message: string = CONNECT_FAILURE_MESSAGES[reason]) {
    super(code, message);
    this.name = "AccountConnectError";
    this.reason = reason;
  }
}

/** For logs: text that may echo a request (Amazon's error_description, an error message), clipped and scrubbed of anything token-like. */
export function loggableText(text: string | null | undefined): string {
  return clip(redact(text ?? ""), 200);
}
