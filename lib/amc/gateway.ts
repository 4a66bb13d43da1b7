import type { ExecutionStatus, InstanceType } from "../../db/schema";
import { localDateTime } from "../params/zoned";

/**
 * The one way the engine talks to AMC. Two implementations: live (Amazon Ads API over fetch)
 * and sandbox (synthetic AMC-shaped tables in PostgreSQL). Everything the engine needs to know
 * about a failure is in AmcError.cause; nothing is inferred from message text.
 */

/** AMC's time window: local times in `timeZone`, formatted exactly `YYYY-MM-DDTHH:MM:SS`. */
export interface AmcTimeWindow {
  start: string;
  end: string;
  timeZone: string;
}

export interface SubmitRequest {
  /** The AMC instance id used in URLs (e.g. `amcabc123`), never our UUID. */
  instanceId: string;
  sql: string;
  timeWindow: AmcTimeWindow;
}

export interface ExecutionState {
  /** Our vocabulary (seed): AMC's status mapped through toExecutionStatus. */
  status: ExecutionStatus;
  /** AMC's own word, for logs and the run's detail page. */
  amcStatus: string;
  /** Why it failed, in AMC's words, when it did. */
  reason?: string;
}

/** One result file: `open()` streams its CSV bytes; an expired pre-signed URL is refreshed inside. */
export interface ResultFile {
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export interface DiscoveredInstance {
  instanceId: string;
  instanceName: string;
  region: string;
  instanceType: InstanceType;
  marketplaceId?: string;
}

export interface AmcGateway {
  submit(req: SubmitRequest): Promise<{ amcExecutionId: string }>;
  status(instanceId: string, amcExecutionId: string): Promise<ExecutionState>;
  cancel(instanceId: string, amcExecutionId: string): Promise<void>;
  /** The result files of a SUCCEEDED execution (usually one). */
  results(instanceId: string, amcExecutionId: string): Promise<ResultFile[]>;
  listInstances(): Promise<DiscoveredInstance[]>;
}

/**
 * Typed causes the UI can explain and the engine can act on:
 * - reauthorize: the refresh token is bad/revoked (invalid_grant): an admin must reconnect.
 * - auth: a 401 that survived one token refresh.
 * - permission: 403 for this instance/advertiser.
 * - invalid_query: AMC rejected the SQL (syntax, unknown column, aggregation threshold…).
 * - rate_limited: 429; retryAfterMs when AMC said (never fails a run; it is re-queued).
 * - not_found: unknown execution or instance.
 * - transient: 5xx or network trouble after the client's own bounded retries.
 */
export type AmcErrorCause =
  | "reauthorize"
  | "auth"
  | "permission"
  | "invalid_query"
  | "rate_limited"
  | "not_found"
  | "transient";

export class AmcError extends Error {
  readonly cause: AmcErrorCause;
  readonly httpStatus?: number;
  readonly amcCode?: string;
  readonly retryAfterMs?: number;
  constructor(
    cause: AmcErrorCause,
    message: string,
    extra: { httpStatus?: number; amcCode?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "AmcError";
    this.cause = cause;
    this.httpStatus = extra.httpStatus;
    this.amcCode = extra.amcCode;
    this.retryAfterMs = extra.retryAfterMs;
  }
  /** Worth trying again later without anyone changing anything. */
  get retryable(): boolean {
    return this.cause === "rate_limited" || this.cause === "transient";
  }
}

/** AMC status → ours. REJECTED is a failure; anything unknown is still running (and logged). */
export function toExecutionStatus(amcStatus: string): ExecutionStatus {
  switch (amcStatus.toUpperCase()) {
    case "PENDING":
      return "pending";
    case "RUNNING":
      return "running";
    case "SUCCEEDED":
      return "completed";
    case "FAILED":
    case "REJECTED":
      return "failed";
    case "CANCELLED":
      return "cancelled";
    default:
      return "running";
  }
}

/** `Date` → AMC's local `YYYY-MM-DDTHH:MM:SS` in `timeZone` (no Z, no offset, no millis). */
export function formatAmcLocalTime(instant: Date, timeZone: string): string {
  return localDateTime(instant, timeZone);
}
