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
  /** Sent byte for byte: what the product stores and shows as the executed SQL (amc-api.md). */
  sql: string;
  timeWindow: AmcTimeWindow;
  /**
   * Whether an AMC execution already belongs to another of our runs. A gateway that reconciles
   * a create whose answer was lost (see findSubmitted) never adopts such an execution.
   */
  isAdopted?: (amcExecutionId: string) => Promise<boolean>;
}

/** One entry of AMC's executions listing: enough to recognise a create of ours. */
export interface ListedExecution {
  amcExecutionId: string;
  amcStatus: string;
  /** The SQL AMC received; undefined when the listing did not say. */
  sql?: string;
  /** Local times as AMC echoes them; undefined when the listing did not say. */
  timeWindow?: Partial<AmcTimeWindow>;
  createdAt?: Date;
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
  /**
   * Executions of an instance created at or after `since`, oldest first (all pages). AMC has no
   * idempotency key: this is how a client learns whether a create whose answer it never got was
   * accepted after all.
   */
  listExecutions(instanceId: string, since: Date): Promise<ListedExecution[]>;
}

/**
 * How far before our own record of a first create attempt we ask AMC to list from: AMC stamps
 * createTime with its clock, not ours. Listing a little more costs nothing; matching is exact.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The first 19 characters (`YYYY-MM-DDTHH:MM:SS`), so an echo with `Z` or millis still matches. */
const localPart = (t: string | undefined) => t?.slice(0, 19);

/** The listed execution is the create `req` describes: same SQL, window and zone. */
export function isSameSubmit(listed: ListedExecution, req: SubmitRequest): boolean {
  const w = listed.timeWindow;
  return (
    listed.sql !== undefined &&
    listed.sql.trim() === req.sql.trim() &&
    localPart(w?.start) === req.timeWindow.start &&
    localPart(w?.end) === req.timeWindow.end &&
    w?.timeZone === req.timeWindow.timeZone
  );
}

/**
 * The oldest listed execution that is `req`'s create and belongs to no other run of ours, or
 * undefined: then AMC never accepted the create, and sending it again makes no second execution.
 */
export async function findSubmitted(listed: ListedExecution[], req: SubmitRequest): Promise<ListedExecution | undefined> {
  for (const e of listed) {
    if (!isSameSubmit(e, req)) continue;
    if (req.isAdopted && (await req.isAdopted(e.amcExecutionId))) continue;
    return e;
  }
  return undefined;
}

/**
 * Typed causes the UI can explain and the engine can act on:
 * - reauthorize: Login with Amazon refused the refresh token (invalid_grant): an admin must
 *   reconnect. The only cause that says the connection is broken.
 * - auth: a 401 that survived one token refresh. Not a broken connection (LWA still issues
 *   tokens): retried later with a fresh token, like a transient error.
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
    return this.cause === "rate_limited" || this.cause === "transient" || this.cause === "auth";
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
