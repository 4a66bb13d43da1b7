import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { encryptSecret, type keyringFrom } from "../lib/crypto/secrets";

/**
 * A stand-in for Amazon (Login with Amazon + the AMC reporting API + the pre-signed result file
 * host) on 127.0.0.1, behaving as /work/shared/amc-api.md describes, with per-test scripted
 * failures and a record of every request it received.
 */

export type FakeRoute =
  | "token"
  | "authorize"
  | "accounts"
  | "instances"
  | "create"
  | "list"
  | "status"
  | "cancel"
  | "downloadUrls"
  | "download"
  | "unknown";

export interface RecordedRequest {
  route: FakeRoute;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as Node delivers them. */
  headers: Record<string, string>;
  body: string;
}

export interface ScriptedFailure {
  /** HTTP status to answer instead of the normal one. */
  status?: number;
  /** Sent as Retry-After (delta-seconds or an HTTP date), e.g. with 429. */
  retryAfter?: string;
  /** JSON body (default `{ code, details }`); a string is sent as is. */
  body?: unknown;
  /** How many of the next calls to the route fail this way (default 1). */
  times?: number;
  /** download only: send this many bytes of the file, then destroy the socket. */
  cutAfterBytes?: number;
  /**
   * The request is handled as usual first (a create makes its execution), then its answer is
   * lost: `status` (e.g. 504) is answered instead, or with `reset` the connection is dropped.
   */
  afterAccept?: boolean;
  /** Drop the connection without answering (with afterAccept: after doing the work). */
  reset?: boolean;
}

export interface FakeInstance {
  instanceId: string;
  instanceName: string;
  instanceType: "STANDARD" | "SANDBOX";
  region: string;
  /** The entity id whose Amazon-Advertising-API-AdvertiserId header may use this instance. */
  advertiserId: string;
  marketplaceId?: string;
}

export interface FakeAccount {
  accountId: string;
  accountName: string;
  marketplaceId: string;
}

export interface FakeExecution {
  id: string;
  instanceId: string;
  /** The create body exactly as received (parsed JSON). */
  request: unknown;
  status: string;
  statusReason?: string;
  /** CSV files served once the execution SUCCEEDED. */
  files: (string | Buffer)[];
  /** Server clock (epoch ms) when it was created; the listing filters on it. */
  createdAt: number;
}

export interface FakeAmcOptions {
  clientId?: string;
  clientSecret?: string;
  /** Refresh tokens the token endpoint accepts from the start. */
  refreshTokens?: string[];
  accessTokenTtlSeconds?: number;
  downloadUrlTtlMs?: number;
  /** Server clock (epoch ms) for token and URL expiry. */
  now?: () => number;
  accounts?: FakeAccount[];
  instances?: FakeInstance[];
  /** Paginate /amc/instances with nextToken when set. */
  instancesPageSize?: number;
  /** Paginate the executions listing with nextToken (default 2, so clients must follow pages). */
  executionsPageSize?: number;
  /** Bytes per write when serving files, so clients see a real stream. */
  downloadChunkBytes?: number;
}

export const FAKE_CLIENT_ID = "amzn1.application-oa2-client.fake";
export const FAKE_CLIENT_SECRET = "fake-client-secret-0123456789";
export const FAKE_REFRESH_TOKEN = "Atzr|fake-refresh-initial";
export const FAKE_ADVERTISER_ID = "ENTITYFAKE123";
export const FOREIGN_ADVERTISER_ID = "ENTITYSOMEONEELSE";

const DEFAULT_INSTANCES: FakeInstance[] = [
  {
    instanceId: "amcabc123",
    instanceName: "Brand US",
    instanceType: "STANDARD",
    region: "us-east-1",
    advertiserId: FAKE_ADVERTISER_ID,
    marketplaceId: "ATVPDKIKX0DER",
  },
  {
    instanceId: "amcsandbox1",
    instanceName: "Brand US Sandbox",
    instanceType: "SANDBOX",
    region: "us-east-1",
    advertiserId: FAKE_ADVERTISER_ID,
  },
  {
    instanceId: "amcforeign9",
    instanceName: "Someone else's",
    instanceType: "STANDARD",
    region: "us-east-1",
    advertiserId: FOREIGN_ADVERTISER_ID,
  },
];

const DEFAULT_ACCOUNTS: FakeAccount[] = [
  { accountId: FAKE_ADVERTISER_ID, accountName: "Brand Inc.", marketplaceId: "ATVPDKIKX0DER" },
];

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"]);
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest) => void;

export class FakeAmcServer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RecordedRequest[] = [];
  readonly executions = new Map<string, FakeExecution>();
  instances: FakeInstance[];
  accounts: FakeAccount[];
  /** Token endpoint calls answered with a fresh access token for the refresh_token grant. */
  tokenRefreshes = 0;

  #server: http.Server;
  #baseUrl = "";
  #opts: FakeAmcOptions;
  #now: () => number;
  #validRefreshTokens: Set<string>;
  #accessTokens = new Map<string, number>();
  #codes = new Map<string, { redirectUri: string; used: boolean }>();
  #downloads = new Map<string, { executionId: string; index: number; expiresAt: number }>();
  #failures = new Map<FakeRoute, (ScriptedFailure & { left: number })[]>();
  #counter = 0;

  private constructor(options: FakeAmcOptions) {
    this.#opts = options;
    this.clientId = options.clientId ?? FAKE_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? FAKE_CLIENT_SECRET;
    this.#now = options.now ?? Date.now;
    this.#validRefreshTokens = new Set(options.refreshTokens ?? [FAKE_REFRESH_TOKEN]);
    this.instances = options.instances ?? DEFAULT_INSTANCES.map((i) => ({ ...i }));
    this.accounts = options.accounts ?? DEFAULT_ACCOUNTS.map((a) => ({ ...a }));
    this.#server = http.createServer((req, res) => this.#handle(req, res));
  }

  static async start(options: FakeAmcOptions = {}): Promise<FakeAmcServer> {
    const fake = new FakeAmcServer(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once("error", reject);
      fake.#server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = fake.#server.address() as AddressInfo;
    fake.#baseUrl = `http://127.0.0.1:${port}`;
    return fake;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** Configuration that points every region of the client here (feed to resolveAmcEndpoints). */
  env(): Record<string, string> {
    return {
      AMC_API_BASE_URL: this.#baseUrl,
      LWA_TOKEN_URL: `${this.#baseUrl}/auth/o2/token`,
      LWA_AUTHORIZE_URL: `${this.#baseUrl}/ap/oa`,
    };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- scripting ---------------------------------------------------------------------------

  /** The next `times` (default 1) calls to `route` answer as scripted instead of normally. */
  failNext(route: FakeRoute, failure: ScriptedFailure): void {
    const list = this.#failures.get(route) ?? [];
    list.push({ ...failure, left: failure.times ?? 1 });
    this.#failures.set(route, list);
  }

  requestsTo(route: FakeRoute): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  revokeRefreshToken(token: string): void {
    this.#validRefreshTokens.delete(token);
  }

  /** A refresh token the token endpoint accepts from now on (an account reconnected). */
  grantRefreshToken(token: string): void {
    this.#validRefreshTokens.add(token);
  }

  /** Every access token issued so far stops working (as if an hour had passed). */
  expireAccessTokens(): void {
    this.#accessTokens.clear();
  }

  /** Every pre-signed URL issued so far has expired. */
  expireDownloadUrls(): void {
    for (const d of this.#downloads.values()) d.expiresAt = -Infinity;
  }

  /** What the consent page would hand back after the user agreed. */
  issueAuthorizationCode(redirectUri: string): string {
    const code = `ANfake${this.#id()}`;
    this.#codes.set(code, { redirectUri, used: false });
    return code;
  }

  execution(id: string): FakeExecution {
    const e = this.executions.get(id);
    if (!e) throw new Error(`fake AMC: no execution ${id}`);
    return e;
  }

  setStatus(id: string, status: string, statusReason?: string): void {
    const e = this.execution(id);
    e.status = status;
    e.statusReason = statusReason;
  }

  completeExecution(id: string, files: (string | Buffer)[]): void {
    const e = this.execution(id);
    e.files = files;
    e.status = "SUCCEEDED";
    e.statusReason = undefined;
  }

  // ---- plumbing ----------------------------------------------------------------------------

  #id(): string {
    this.#counter++;
    return `${this.#counter}${randomBytes(4).toString("hex")}`;
  }

  #takeFailure(route: FakeRoute): ScriptedFailure | undefined {
    const list = this.#failures.get(route);
    const f = list?.[0];
    if (!list || !f) return undefined;
    f.left--;
    if (f.left <= 0) list.shift();
    return f;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", this.#baseUrl);
      const [route, handler] = this.#route(req.method ?? "GET", url.pathname);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      const rec: RecordedRequest = {
        route,
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      this.requests.push(rec);

      const failure = this.#takeFailure(route);
      if (failure?.afterAccept || failure?.reset) {
        if (failure.afterAccept) {
          // Do the work, throw the answer away: what a 504 or a reset after acceptance looks like.
          const sink = { writeHead: () => sink, write: () => true, end: () => sink } as unknown as http.ServerResponse;
          try {
            handler(req, sink, rec);
          } catch {
            // The answer is lost anyway.
          }
        }
        if (failure.reset || failure.status === undefined) {
          res.socket?.destroy();
          return;
        }
        send(res, failure.status, failure.body ?? { code: String(failure.status), details: `Scripted failure ${failure.status}` });
        return;
      }
      if (failure && failure.cutAfterBytes === undefined) {
        const status = failure.status ?? 500;
        const extra: Record<string, string> = failure.retryAfter ? { "Retry-After": failure.retryAfter } : {};
        send(res, status, failure.body ?? { code: String(status), details: `Scripted failure ${status}` }, extra);
        return;
      }
      if (failure?.cutAfterBytes !== undefined && route === "download") {
        this.#download(res, rec, failure.cutAfterBytes);
        return;
      }
      try {
        handler(req, res, rec);
      } catch (e) {
        send(res, 500, { code: "500", details: e instanceof Error ? e.message : "fake server error" });
      }
    });
  }

  #route(method: string, path: string): [FakeRoute, Handler] {
    if (method === "POST" && path === "/auth/o2/token") return ["token", (_q, s, r) => this.#token(s, r)];
    if (method === "GET" && path === "/ap/oa") return ["authorize", (_q, s, r) => this.#authorize(s, r)];
    if (method === "GET" && path === "/amc/accounts") return ["accounts", (_q, s, r) => this.#accounts(s, r)];
    if (method === "GET" && path === "/amc/instances") return ["instances", (_q, s, r) => this.#instances(s, r)];
    const file = /^\/files\/([^/]+)$/.exec(path);
    if (method === "GET" && file) return ["download", (_q, s, r) => this.#download(s, r)];
    const m = /^\/amc\/reporting\/([^/]+)\/workflowExecutions(?:\/([^/]+))?(\/downloadUrls)?$/.exec(path);
    if (m) {
      const instanceId = decodeURIComponent(m[1] ?? "");
      const execId = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      if (method === "POST" && execId === undefined) return ["create", (_q, s, r) => this.#api(s, r, instanceId, () => this.#create(s, r, instanceId))];
      if (method === "GET" && execId === undefined) return ["list", (_q, s, r) => this.#api(s, r, instanceId, () => this.#list(s, r, instanceId))];
      if (method === "GET" && execId !== undefined && m[3]) {
        return ["downloadUrls", (_q, s, r) => this.#api(s, r, instanceId, () => this.#downloadUrls(s, instanceId, execId))];
      }
      if (method === "GET" && execId !== undefined) return ["status", (_q, s, r) => this.#api(s, r, instanceId, () => this.#status(s, instanceId, execId))];
      if (method === "PUT" && execId !== undefined) return ["cancel", (_q, s, r) => this.#api(s, r, instanceId, () => this.#cancel(s, r, instanceId, execId))];
    }
    return ["unknown", (_q, s) => send(s, 404, { code: "404", details: `No route ${method} ${path}` })];
  }

  /** Checks every AMC call must pass: a live token, the client id, access to the instance. */
  #authorized(res: http.ServerResponse, rec: RecordedRequest): boolean {
    const auth = rec.headers.authorization ?? "";
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    const expiresAt = token === undefined ? undefined : this.#accessTokens.get(token);
    if (expiresAt === undefined || expiresAt <= this.#now()) {
      send(res, 401, { code: "UNAUTHORIZED", details: "Not authorized to access this advertiser." });
      return false;
    }
    if (rec.headers["amazon-advertising-api-clientid"] !== this.clientId) {
      send(res, 400, { code: "400", details: "Amazon-Advertising-API-ClientId is missing or invalid." });
      return false;
    }
    return true;
  }

  #api(res: http.ServerResponse, rec: RecordedRequest, instanceId: string, next: () => void): void {
    if (!this.#authorized(res, rec)) return;
    const instance = this.instances.find((i) => i.instanceId === instanceId);
    if (!instance) {
      send(res, 404, { code: "404", details: `Instance ${instanceId} not found.` });
      return;
    }
    if (instance.advertiserId !== rec.headers["amazon-advertising-api-advertiserid"]) {
      send(res, 403, { code: "403", details: `Access to instance ${instanceId} is forbidden for this advertiser.` });
      return;
    }
    next();
  }

  #token(res: http.ServerResponse, rec: RecordedRequest): void {
    const form = new URLSearchParams(rec.body);
    if (form.get("client_id") !== this.clientId || form.get("client_secret") !== this.clientSecret) {
      send(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
      return;
    }
    const grant = form.get("grant_type");
    if (grant === "refresh_token") {
      const refresh = form.get("refresh_token") ?? "";
      if (!this.#validRefreshTokens.has(refresh)) {
        send(res, 400, {
          error: "invalid_grant",
          error_description: "The request has an invalid grant parameter : refresh_token",
        });
        return;
      }
      this.tokenRefreshes++;
      send(res, 200, { ...this.#issueAccessToken(), refresh_token: refresh });
      return;
    }
    if (grant === "authorization_code") {
      const code = this.#codes.get(form.get("code") ?? "");
      if (!code || code.used || code.redirectUri !== form.get("redirect_uri")) {
        send(res, 400, { error: "invalid_grant", error_description: "The authorization code is invalid or expired" });
        return;
      }
      code.used = true;
      const refresh = `Atzr|fake-refresh-${this.#id()}`;
      this.#validRefreshTokens.add(refresh);
      send(res, 200, { ...this.#issueAccessToken(), refresh_token: refresh });
      return;
    }
    send(res, 400, { error: "unsupported_grant_type", error_description: "Unsupported grant type" });
  }

  #issueAccessToken() {
    const ttl = this.#opts.accessTokenTtlSeconds ?? 3600;
    const token = `Atza|fake-access-${this.#id()}`;
    this.#accessTokens.set(token, this.#now() + ttl * 1000);
    return { access_token: token, token_type: "bearer", expires_in: ttl };
  }

  #authorize(res: http.ServerResponse, rec: RecordedRequest): void {
    const q = rec.query;
    if (q.client_id !== this.clientId || q.response_type !== "code" || !q.redirect_uri || !q.scope) {
      send(res, 400, "Bad authorization request");
      return;
    }
    // The user agrees at once: straight back to the app with a code and the untouched state.
    const back = new URL(q.redirect_uri);
    back.searchParams.set("code", this.issueAuthorizationCode(q.redirect_uri));
    if (q.state !== undefined) back.searchParams.set("state", q.state);
    back.searchParams.set("scope", q.scope);
    res.writeHead(302, { Location: back.toString() });
    res.end();
  }

  #accounts(res: http.ServerResponse, rec: RecordedRequest): void {
    if (!this.#authorized(res, rec)) return;
    send(res, 200, { amcAccounts: this.accounts });
  }

  #instances(res: http.ServerResponse, rec: RecordedRequest): void {
    if (!this.#authorized(res, rec)) return;
    const advertiser = rec.headers["amazon-advertising-api-advertiserid"];
    if (!advertiser) {
      send(res, 400, { code: "400", details: "Amazon-Advertising-API-AdvertiserId header is required." });
      return;
    }
    const mine = this.instances
      .filter((i) => i.advertiserId === advertiser)
      .map(({ advertiserId: _a, ...rest }) => rest);
    const size = this.#opts.instancesPageSize;
    if (!size) {
      send(res, 200, { instances: mine });
      return;
    }
    const start = Number(rec.query.nextToken ?? "0");
    const next = start + size < mine.length ? String(start + size) : undefined;
    send(res, 200, { instances: mine.slice(start, start + size), ...(next ? { nextToken: next } : {}) });
  }

  #create(res: http.ServerResponse, rec: RecordedRequest, instanceId: string): void {
    let body: unknown;
    try {
      body = JSON.parse(rec.body);
    } catch {
      send(res, 400, { code: "400", details: "Request body is not JSON." });
      return;
    }
    const problem = validateCreateBody(body);
    if (problem) {
      send(res, 400, { code: "400", details: problem });
      return;
    }
    const id = `wfe-${this.#id()}`;
    this.executions.set(id, { id, instanceId, request: body, status: "PENDING", files: [], createdAt: this.#now() });
    send(res, 200, { workflowExecutionId: id });
  }

  /** The SQL texts AMC received in creates, in order, byte for byte. */
  receivedSql(): string[] {
    return this.requestsTo("create").map((r) => {
      const body: unknown = JSON.parse(r.body);
      return isRecord(body) && isRecord(body.workflow) && typeof body.workflow.sqlQuery === "string" ? body.workflow.sqlQuery : "";
    });
  }

  /** amc-api.md's listing: created at or after minCreationTime, oldest first, paged by nextToken. */
  #list(res: http.ServerResponse, rec: RecordedRequest, instanceId: string): void {
    const min = rec.query.minCreationTime === undefined ? -Infinity : Date.parse(rec.query.minCreationTime);
    if (Number.isNaN(min)) {
      send(res, 400, { code: "400", details: "minCreationTime must be an ISO 8601 time." });
      return;
    }
    const mine = [...this.executions.values()]
      .filter((e) => e.instanceId === instanceId && e.createdAt >= min)
      .sort((a, b) => a.createdAt - b.createdAt);
    const size = this.#opts.executionsPageSize ?? 2;
    const start = Number(rec.query.nextToken ?? "0");
    const next = start + size < mine.length ? String(start + size) : undefined;
    const page = mine.slice(start, start + size).map((e) => {
      const req = isRecord(e.request) ? e.request : {};
      return {
        workflowExecutionId: e.id,
        status: e.status,
        ...(e.statusReason ? { statusReason: e.statusReason } : {}),
        createTime: new Date(e.createdAt).toISOString(),
        workflow: req.workflow,
        timeWindowStart: req.timeWindowStart,
        timeWindowEnd: req.timeWindowEnd,
        timeWindowTimeZone: req.timeWindowTimeZone,
      };
    });
    send(res, 200, { executions: page, ...(next ? { nextToken: next } : {}) });
  }

  #findExecution(res: http.ServerResponse, instanceId: string, id: string): FakeExecution | undefined {
    const e = this.executions.get(id);
    if (!e || e.instanceId !== instanceId) {
      send(res, 400, { code: "400", details: `Workflow execution ${id} does not exist.` });
      return undefined;
    }
    return e;
  }

  #status(res: http.ServerResponse, instanceId: string, id: string): void {
    const e = this.#findExecution(res, instanceId, id);
    if (!e) return;
    send(res, 200, {
      workflowExecutionId: e.id,
      instanceId,
      status: e.status,
      ...(e.statusReason ? { statusReason: e.statusReason } : {}),
    });
  }

  #cancel(res: http.ServerResponse, rec: RecordedRequest, instanceId: string, id: string): void {
    const e = this.#findExecution(res, instanceId, id);
    if (!e) return;
    let body: unknown;
    try {
      body = JSON.parse(rec.body);
    } catch {
      body = undefined;
    }
    if (!isRecord(body) || body.status !== "CANCELLED") {
      send(res, 400, { code: "400", details: 'Expected body {"status":"CANCELLED"}.' });
      return;
    }
    if (TERMINAL.has(e.status)) {
      send(res, 400, { code: "400", details: `Workflow execution ${id} is already ${e.status}.` });
      return;
    }
    e.status = "CANCELLED";
    send(res, 200, {});
  }

  #downloadUrls(res: http.ServerResponse, instanceId: string, id: string): void {
    const e = this.#findExecution(res, instanceId, id);
    if (!e) return;
    if (e.status !== "SUCCEEDED") {
      send(res, 400, { code: "400", details: `Workflow execution ${id} has not succeeded (status ${e.status}).` });
      return;
    }
    const ttl = this.#opts.downloadUrlTtlMs ?? 5 * 60_000;
    const expiresAt = this.#now() + ttl;
    const urls = e.files.map((_, index) => {
      const token = randomBytes(12).toString("hex");
      this.#downloads.set(token, { executionId: id, index, expiresAt });
      return `${this.#baseUrl}/files/${token}?X-Amz-Expires=${Math.round(ttl / 1000)}&X-Amz-Signature=${token}`;
    });
    send(res, 200, { downloadUrls: urls, expires: new Date(expiresAt).toISOString() });
  }

  #download(res: http.ServerResponse, rec: RecordedRequest, cutAfterBytes?: number): void {
    const token = rec.path.slice("/files/".length);
    const d = this.#downloads.get(token);
    const s3Error = (code: string, message: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    if (!d || rec.query["X-Amz-Signature"] !== token) {
      sendRaw(res, 403, "application/xml", s3Error("AccessDenied", "Access Denied"));
      return;
    }
    if (d.expiresAt <= this.#now()) {
      sendRaw(res, 403, "application/xml", s3Error("AccessDenied", "Request has expired"));
      return;
    }
    const file = this.executions.get(d.executionId)?.files[d.index];
    if (file === undefined) {
      sendRaw(res, 404, "application/xml", s3Error("NoSuchKey", "The specified key does not exist."));
      return;
    }
    const bytes = typeof file === "string" ? Buffer.from(file, "utf8") : file;
    res.writeHead(200, { "Content-Type": "text/csv", "Content-Length": String(bytes.length) });
    if (cutAfterBytes !== undefined) {
      // Once the partial bytes have left, drop the connection as a failing network would.
      res.write(bytes.subarray(0, cutAfterBytes), () => res.socket?.destroy());
      return;
    }
    const step = this.#opts.downloadChunkBytes ?? 64 * 1024;
    let offset = 0;
    const pump = () => {
      while (offset < bytes.length) {
        const end = Math.min(bytes.length, offset + step);
        const ok = res.write(bytes.subarray(offset, end));
        offset = end;
        if (!ok) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }
}

function validateCreateBody(body: unknown): string | undefined {
  if (!isRecord(body)) return "Body must be an object.";
  const workflow = body.workflow;
  if (!isRecord(workflow) || typeof workflow.sqlQuery !== "string" || workflow.sqlQuery.trim() === "") {
    return "workflow.sqlQuery is required.";
  }
  if (/select\s+\*/i.test(workflow.sqlQuery)) return "SELECT * is not allowed; name the columns.";
  if (body.timeWindowType !== "EXPLICIT") return "timeWindowType must be EXPLICIT.";
  for (const k of ["timeWindowStart", "timeWindowEnd"] as const) {
    const v = body[k];
    if (typeof v !== "string" || !LOCAL_TIME.test(v)) return `${k} must be formatted YYYY-MM-DDTHH:MM:SS.`;
  }
  if (typeof body.timeWindowTimeZone !== "string") return "timeWindowTimeZone is required.";
  if (body.outputFormat !== "CSV") return "outputFormat must be CSV.";
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (typeof body === "string") sendRaw(res, status, "text/plain", body, headers);
  else sendRaw(res, status, "application/json", JSON.stringify(body), headers);
}

function sendRaw(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(text, "utf8");
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": String(bytes.length), ...headers });
  res.end(bytes);
}

/**
 * A runtime for the live client that never waits and never guesses: sleeps are recorded and return
 * at once, randomness is fixed, the clock moves only when told, logs are kept for assertions.
 */
export function testRuntime(options: { start?: number; random?: number } = {}) {
  let now = options.start ?? Date.parse("2026-10-01T12:00:00Z");
  const sleeps: number[] = [];
  const logs: { level: string; event: string; fields: Record<string, unknown> }[] = [];
  return {
    sleeps,
    logs,
    advance(ms: number) {
      now += ms;
    },
    runtime: {
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      random: () => options.random ?? 0.5,
      now: () => now,
      log: (level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>) => {
        logs.push({ level, event, fields });
      },
    },
  };
}

/**
 * The columns of an `amc_accounts` row that reaches `fake`'s advertiser with the refresh token it
 * accepts, secrets sealed with `keyring`: the caller adds the account's id and name.
 */
export function fakeAccountColumns(fake: FakeAmcServer, keyring: ReturnType<typeof keyringFrom>) {
  return {
    region: "NA",
    advertiserId: FAKE_ADVERTISER_ID,
    marketplaceId: "ATVPDKIKX0DER",
    clientId: fake.clientId,
    clientSecretEncrypted: encryptSecret(fake.clientSecret, keyring),
    refreshTokenEncrypted: encryptSecret(FAKE_REFRESH_TOKEN, keyring),
  } as const;
}
