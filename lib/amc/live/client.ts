import { z } from "zod";
import {
  AmcError,
  CLOCK_SKEW_MS,
  findSubmitted,
  toExecutionStatus,
  type AmcGateway,
  type DiscoveredInstance,
  type ExecutionState,
  type ListedExecution,
  type ResultFile,
  type SubmitRequest,
} from "../gateway";
import { resolveAmcEndpoints, type AmcEndpoints, type AmcRegion } from "./config";
import {
  AmcHttpClient,
  DEFAULT_AMC_RETRY,
  discard,
  parseAmcErrorBody,
  readText,
  sendWithRetries,
  textOf,
  type AmcRetryPolicy,
} from "./http";
import { TokenProvider, type LwaRetryPolicy } from "./lwa";
import { backoffDelay, defaultRuntime, describeNetworkError, type Runtime } from "./runtime";

/** One Amazon Ads connection, secrets already decrypted by the caller (and never logged here). */
export interface AmcConnection {
  region: AmcRegion;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The AMC account's entity id (`ENTITY…`), sent as Amazon-Advertising-API-AdvertiserId. */
  advertiserId?: string;
  marketplaceId?: string;
}

export interface DiscoveredAccount {
  accountId: string;
  accountName: string;
  marketplaceId?: string;
  region?: string;
}

export interface LiveGatewayOptions {
  /** Defaults to resolveAmcEndpoints(process.env). */
  endpoints?: AmcEndpoints;
  runtime?: Partial<Runtime>;
  retry?: AmcRetryPolicy;
  lwaRetry?: LwaRetryPolicy;
  /**
   * Share one provider between gateways of the same connection so its cached token survives
   * (e.g. a module-level map keyed by account id). Built from `connection` when absent; when
   * given, its own hooks apply and `lwaRetry`/`onReauthorizationNeeded`/`onRefreshTokenRotated`
   * here are not used.
   */
  tokenProvider?: TokenProvider;
  onReauthorizationNeeded?: (error: AmcError) => void | Promise<void>;
  onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
}

export interface LiveAmcGateway extends AmcGateway {
  /** AMC accounts the connection can reach (the connect-an-account flow picks one). */
  listAccounts(): Promise<DiscoveredAccount[]>;
  readonly tokens: TokenProvider;
}

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN_STATUSES = new Set(["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"]);
const MAX_PAGES = 100;

const submitResponse = z
  .object({ workflowExecutionId: z.string().min(1).optional(), executionId: z.string().min(1).optional() })
  .refine((r) => r.workflowExecutionId ?? r.executionId, { message: "workflowExecutionId is missing" })
  .transform((r) => r.workflowExecutionId ?? r.executionId ?? "");

const anyObject = z.record(z.string(), z.unknown());

const downloadUrlsResponse = z.object({
  downloadUrls: z.array(z.union([z.string(), z.object({ url: z.string() }).transform((o) => o.url)])).default([]),
  expires: z.unknown().optional(),
});

const listPage = z.union([
  z.array(z.unknown()).transform((items) => ({ items, nextToken: undefined as string | undefined })),
  anyObject.transform((o) => {
    const items = [o.instances, o.amcInstances, o.amcAccounts, o.accounts, o.executions, o.workflowExecutions, o.items].find(
      Array.isArray,
    );
    return {
      items: (items ?? []) as unknown[],
      nextToken: typeof o.nextToken === "string" && o.nextToken !== "" ? o.nextToken : undefined,
    };
  }),
]);

const instanceItem = z.object({
  instanceId: z.string().min(1),
  instanceName: z.string().optional(),
  name: z.string().optional(),
  region: z.string().optional(),
  awsRegion: z.string().optional(),
  type: z.string().optional(),
  instanceType: z.string().optional(),
  marketplaceId: z.string().optional(),
});

const accountItem = z.object({
  accountId: z.string().min(1),
  accountName: z.string().optional(),
  name: z.string().optional(),
  marketplaceId: z.string().optional(),
  region: z.string().optional(),
});

const executionItem = z.object({
  workflowExecutionId: z.string().min(1).optional(),
  executionId: z.string().min(1).optional(),
  status: z.string().optional(),
  createTime: z.string().optional(),
  workflow: z.object({ sqlQuery: z.string().optional() }).partial().optional(),
  sqlQuery: z.string().optional(),
  timeWindowStart: z.string().optional(),
  timeWindowEnd: z.string().optional(),
  timeWindowTimeZone: z.string().optional(),
});

/** AMC's `minCreationTime`: UTC, whole seconds, `Z` (as amc-api.md shows it). */
const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

const enc = encodeURIComponent;

function checkInstanceId(instanceId: string): void {
  // Pitfall 28: our UUIDs were sent to AMC and every call answered 403. Fail loudly here instead.
  if (instanceId.trim() === "" || UUID.test(instanceId)) {
    throw new AmcError(
      "not_found",
      `"${instanceId}" is not an AMC instance id (AMC ids look like "amcabc123"; this looks like an internal id).`,
    );
  }
}

function checkWindow(req: SubmitRequest): void {
  const { start, end, timeZone } = req.timeWindow;
  for (const [name, value] of [
    ["start", start],
    ["end", end],
  ] as const) {
    if (!LOCAL_TIME.test(value)) {
      throw new AmcError(
        "invalid_query",
        `The time window ${name} must be a local time "YYYY-MM-DDTHH:MM:SS" without zone or milliseconds, got "${value}".`,
      );
    }
  }
  if (start >= end) throw new AmcError("invalid_query", `The time window must end after it starts (${start} → ${end}).`);
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new AmcError("invalid_query", `"${timeZone}" is not a known time zone.`);
  }
}

export function createLiveGateway(connection: AmcConnection, options: LiveGatewayOptions = {}): LiveAmcGateway {
  const endpoints = (options.endpoints ?? resolveAmcEndpoints(process.env))[connection.region];
  if (!endpoints) throw new Error(`Unknown AMC region "${String(connection.region)}".`);
  const rt = defaultRuntime(options.runtime);
  const policy = options.retry ?? DEFAULT_AMC_RETRY;
  const tokens =
    options.tokenProvider ??
    new TokenProvider({
      tokenUrl: endpoints.tokenUrl,
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      refreshToken: connection.refreshToken,
      runtime: rt,
      retry: options.lwaRetry,
      onReauthorizationNeeded: options.onReauthorizationNeeded,
      onRefreshTokenRotated: options.onRefreshTokenRotated,
    });
  const http = new AmcHttpClient({
    baseUrl: endpoints.apiBaseUrl,
    clientId: connection.clientId,
    advertiserId: connection.advertiserId,
    marketplaceId: connection.marketplaceId,
    tokens,
    runtime: rt,
    retry: policy,
  });

  const executionPath = (instanceId: string, id?: string) =>
    `/amc/reporting/${enc(instanceId)}/workflowExecutions${id === undefined ? "" : `/${enc(id)}`}`;

  async function fetchDownloadUrls(instanceId: string, amcExecutionId: string): Promise<string[]> {
    const res = await http.request({
      method: "GET",
      path: `${executionPath(instanceId, amcExecutionId)}/downloadUrls`,
      schema: downloadUrlsResponse,
      instanceId,
      executionId: amcExecutionId,
    });
    return res.downloadUrls.filter((u) => /^https?:\/\//i.test(u));
  }

  async function listAll<T>(path: string, item: z.ZodType<T>, what: string, query: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await http.request({ method: "GET", path, query: { ...query, nextToken }, schema: listPage });
      for (const raw of res.items) {
        const parsed = item.safeParse(raw);
        if (parsed.success) out.push(parsed.data);
        else rt.log("warn", "amc.list.skipped_item", { what, issues: parsed.error.issues.map((i) => i.path.join(".")).join(",") });
      }
      if (!res.nextToken || res.nextToken === nextToken) return out;
      nextToken = res.nextToken;
    }
    rt.log("warn", "amc.list.truncated", { what, pages: MAX_PAGES });
    return out;
  }

  async function listExecutions(instanceId: string, since: Date): Promise<ListedExecution[]> {
    checkInstanceId(instanceId);
    const items = await listAll(executionPath(instanceId), executionItem, "executions", { minCreationTime: isoSeconds(since) });
    const out: ListedExecution[] = [];
    for (const i of items) {
      const amcExecutionId = i.workflowExecutionId ?? i.executionId;
      if (!amcExecutionId) continue;
      const createdAt = i.createTime === undefined ? undefined : new Date(i.createTime);
      out.push({
        amcExecutionId,
        amcStatus: i.status ?? "UNKNOWN",
        sql: i.workflow?.sqlQuery ?? i.sqlQuery,
        timeWindow: { start: i.timeWindowStart, end: i.timeWindowEnd, timeZone: i.timeWindowTimeZone },
        ...(createdAt && !Number.isNaN(createdAt.getTime()) ? { createdAt } : {}),
      });
    }
    return out;
  }

  return {
    tokens,

    async submit(req) {
      checkInstanceId(req.instanceId);
      checkWindow(req);
      // Sent exactly as given, newlines and comments included: AMC runs the text it receives, and
      // the run page shows the stored SQL as what was sent, so nothing may rewrite it on the way.
      const sqlQuery = req.sql;
      if (sqlQuery.trim() === "") throw new AmcError("invalid_query", "The query is empty.");
      // Exactly the fields amc-api.md lists; the window comes only from the typed argument (pitfall 29).
      const body = {
        workflow: { sqlQuery },
        timeWindowType: "EXPLICIT",
        timeWindowStart: req.timeWindow.start,
        timeWindowEnd: req.timeWindow.end,
        timeWindowTimeZone: req.timeWindow.timeZone,
        outputFormat: "CSV",
      };
      const firstAttempt = new Date(rt.now());
      for (let attempt = 1; ; attempt++) {
        try {
          const amcExecutionId = await http.request({
            method: "POST",
            path: executionPath(req.instanceId),
            body,
            schema: submitResponse,
            instanceId: req.instanceId,
            retryTransient: false,
          });
          return { amcExecutionId };
        } catch (e) {
          // A 5xx, timeout or reset may come after AMC accepted the create: never send it again
          // before AMC's listing shows it did not (no idempotency key, amc-api.md).
          if (!(e instanceof AmcError) || e.cause !== "transient" || attempt >= policy.transient.maxAttempts) throw e;
          const delay = backoffDelay(policy.transient, attempt, rt.random);
          rt.log("warn", "amc.submit.answer_lost", { instanceId: req.instanceId, attempt, delayMs: delay });
          await rt.sleep(delay);
          const listed = await listExecutions(req.instanceId, new Date(firstAttempt.getTime() - CLOCK_SKEW_MS));
          const accepted = await findSubmitted(listed, req);
          if (accepted) {
            rt.log("info", "amc.submit.adopted", { instanceId: req.instanceId, amcExecutionId: accepted.amcExecutionId });
            return { amcExecutionId: accepted.amcExecutionId };
          }
        }
      }
    },

    listExecutions,

    async status(instanceId, amcExecutionId): Promise<ExecutionState> {
      checkInstanceId(instanceId);
      const res = await http.request({
        method: "GET",
        path: executionPath(instanceId, amcExecutionId),
        schema: anyObject,
        instanceId,
        executionId: amcExecutionId,
      });
      const raw = res.status ?? res.workflowExecutionStatus;
      const amcStatus = typeof raw === "string" && raw.trim() !== "" ? raw.trim() : "UNKNOWN";
      if (!KNOWN_STATUSES.has(amcStatus.toUpperCase())) {
        rt.log("warn", "amc.status.unknown", { instanceId, amcExecutionId, amcStatus });
      }
      const status = toExecutionStatus(amcStatus);
      const state: ExecutionState = { status, amcStatus };
      if (status === "failed" || status === "cancelled") {
        const reason =
          textOf(res.statusReason) ??
          textOf(res.errorDetails) ??
          textOf(res.error) ??
          textOf(res.failureReason) ??
          textOf(res.errorMessage);
        if (reason) state.reason = reason;
        else if (status === "failed") state.reason = `AMC reported ${amcStatus} without giving a reason.`;
      }
      return state;
    },

    async cancel(instanceId, amcExecutionId) {
      checkInstanceId(instanceId);
      await http.request({
        method: "PUT",
        path: executionPath(instanceId, amcExecutionId),
        body: { status: "CANCELLED" },
        schema: z.unknown(),
        instanceId,
        executionId: amcExecutionId,
      });
    },

    async results(instanceId, amcExecutionId): Promise<ResultFile[]> {
      checkInstanceId(instanceId);
      const shared = {
        urls: await fetchDownloadUrls(instanceId, amcExecutionId),
        generation: 0,
        refreshing: undefined as Promise<void> | undefined,
      };

      // Several files may find their URLs expired at once: one request for fresh ones serves all.
      const refreshUrls = (seenGeneration: number): Promise<void> => {
        if (shared.generation !== seenGeneration) return Promise.resolve();
        shared.refreshing ??= fetchDownloadUrls(instanceId, amcExecutionId)
          .then((urls) => {
            shared.urls = urls;
            shared.generation++;
          })
          .finally(() => {
            shared.refreshing = undefined;
          });
        return shared.refreshing;
      };

      const download = (url: string, index: number) =>
        sendWithRetries(() => fetchWithHeaderTimeout(rt, url, policy.requestTimeoutMs), {
          rt,
          policy,
          peer: "The AMC result file host",
          // Never the URL itself: its signature is a credential until it expires.
          logFields: { instanceId, amcExecutionId, file: index },
        });

      const open = async (index: number): Promise<AsyncIterable<Uint8Array>> => {
        const fileLabel = `Result file ${index + 1} of execution ${amcExecutionId}`;
        const url = shared.urls[index];
        if (url === undefined) throw new AmcError("not_found", `${fileLabel} is no longer listed by AMC.`);
        const generation = shared.generation;
        let res = await download(url, index);
        if (res.ok) return streamBody(res, fileLabel);

        if (res.status === 400 || res.status === 401 || res.status === 403) {
          // Pre-signed URLs live minutes; an expired one answers 403 (or 400): ask AMC once for new ones.
          await discard(res);
          rt.log("info", "amc.results.url_expired", { instanceId, amcExecutionId, file: index, status: res.status });
          await refreshUrls(generation);
          const fresh = shared.urls[index];
          if (fresh === undefined) throw new AmcError("not_found", `${fileLabel} is no longer listed by AMC.`);
          res = await download(fresh, index);
          if (res.ok) return streamBody(res, fileLabel);
        }

        const body = parseAmcErrorBody(await readText(res));
        const because = body.reason ? `: ${body.reason}` : ".";
        if (res.status === 404 || res.status === 410) {
          throw new AmcError("not_found", `${fileLabel} is gone from the file host (HTTP ${res.status})${because}`, {
            httpStatus: res.status,
          });
        }
        throw new AmcError(
          "transient",
          `${fileLabel} could not be downloaded (HTTP ${res.status}) even with fresh download URLs${because}`,
          { httpStatus: res.status, amcCode: body.code },
        );
      };

      return shared.urls.map((_, index) => ({ open: () => open(index) }));
    },

    async listInstances(): Promise<DiscoveredInstance[]> {
      const items = await listAll("/amc/instances", instanceItem, "instances");
      return items.map((i) => {
        const type = i.instanceType ?? i.type ?? "";
        const out: DiscoveredInstance = {
          instanceId: i.instanceId,
          instanceName: i.instanceName ?? i.name ?? i.instanceId,
          region: i.region ?? i.awsRegion ?? connection.region,
          instanceType: /sandbox/i.test(type) ? "SANDBOX" : "STANDARD",
        };
        const marketplaceId = i.marketplaceId ?? connection.marketplaceId;
        if (marketplaceId) out.marketplaceId = marketplaceId;
        return out;
      });
    },

    async listAccounts(): Promise<DiscoveredAccount[]> {
      const items = await listAll("/amc/accounts", accountItem, "accounts");
      return items.map((a) => {
        const out: DiscoveredAccount = { accountId: a.accountId, accountName: a.accountName ?? a.name ?? a.accountId };
        if (a.marketplaceId) out.marketplaceId = a.marketplaceId;
        if (a.region) out.region = a.region;
        return out;
      });
    },
  };
}

/**
 * A pre-signed GET: no Authorization or Amazon headers (the signature is the credential, and extra
 * auth confuses S3). The timeout covers waiting for the headers only; the body of a large file may
 * take long, and a stalled body is ended by undici's own between-chunks timeout.
 */
async function fetchWithHeaderTimeout(rt: Runtime, url: string, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("Timed out", "TimeoutError")), timeoutMs);
  try {
    return await rt.fetch(url, { method: "GET", signal: controller.signal, redirect: "follow" });
  } finally {
    clearTimeout(timer);
  }
}

/** The response body as chunks; a connection lost mid-way becomes AmcError("transient"). */
async function* streamBody(res: Response, fileLabel: string): AsyncGenerator<Uint8Array> {
  const body = res.body;
  if (!body) return;
  const reader = body.getReader();
  let bytes = 0;
  let done = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        done = true;
        throw new AmcError(
          "transient",
          `${fileLabel}: the download broke off after ${bytes} bytes (${describeNetworkError(e)}).`,
        );
      }
      if (chunk.done) {
        done = true;
        return;
      }
      bytes += chunk.value.byteLength;
      yield chunk.value;
    }
  } finally {
    // The consumer stopped early (or failed): close the connection instead of downloading the rest.
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
