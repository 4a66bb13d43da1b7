import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { amcRejection } from "../../../test/rejection";
import {
  FAKE_ADVERTISER_ID,
  FAKE_CLIENT_SECRET,
  FAKE_REFRESH_TOKEN,
  FakeAmcServer,
  testRuntime,
  type FakeAmcOptions,
} from "../../../test/fake-amc-server";
import { parseCsv } from "../csv";
import type { ResultFile, SubmitRequest } from "../gateway";
import { createLiveGateway, type AmcConnection, type LiveGatewayOptions } from "./client";
import { resolveAmcEndpoints } from "./config";

let fake: FakeAmcServer;
const servers: FakeAmcServer[] = [];

async function startFake(options: FakeAmcOptions = {}): Promise<FakeAmcServer> {
  const s = await FakeAmcServer.start(options);
  servers.push(s);
  return s;
}

beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function setup(
  options: { connection?: Partial<AmcConnection>; gateway?: Partial<LiveGatewayOptions>; server?: FakeAmcServer } = {},
) {
  const server = options.server ?? fake;
  const t = testRuntime();
  const gw = createLiveGateway(
    {
      region: "NA",
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      refreshToken: FAKE_REFRESH_TOKEN,
      advertiserId: FAKE_ADVERTISER_ID,
      marketplaceId: "ATVPDKIKX0DER",
      ...options.connection,
    },
    { endpoints: resolveAmcEndpoints(server.env()), runtime: t.runtime, ...options.gateway },
  );
  return { gw, ...t };
}

const request = (over: Partial<SubmitRequest> = {}): SubmitRequest => ({
  instanceId: "amcabc123",
  sql: "SELECT campaign, SUM(impressions) AS impressions FROM sponsored_ads_traffic GROUP BY campaign",
  timeWindow: { start: "2026-10-01T00:00:00", end: "2026-10-08T00:00:00", timeZone: "America/New_York" },
  ...over,
});

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function rowsOf(file: ResultFile): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of parseCsv(await file.open())) rows.push(r);
  return rows;
}

/** Submits and lets the fake finish the execution with these CSV files. */
async function succeeded(gw: ReturnType<typeof setup>["gw"], files: string[]): Promise<string> {
  const { amcExecutionId } = await gw.submit(request());
  fake.completeExecution(amcExecutionId, files);
  return amcExecutionId;
}

describe("submit", () => {
  it("sends exactly the documented body: the SQL byte for byte, EXPLICIT window from the typed argument, CSV", async () => {
    const { gw } = setup();
    const sql = [
      "SELECT\tcampaign, -- the campaign",
      "  SUM(impressions) AS impressions",
      "FROM sponsored_ads_traffic",
      "WHERE campaign <> 'a  b'\r",
      "GROUP BY campaign  ",
      "",
    ].join("\n");
    const { amcExecutionId } = await gw.submit(request({ sql }));
    expect(amcExecutionId).toMatch(/^wfe-/);

    const [sent] = fake.requestsTo("create");
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/amc/reporting/amcabc123/workflowExecutions");
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      // Newlines, tabs, CR and comments included: AMC runs what it receives, and the run page
      // shows the stored SQL as what was sent, so the client must not rewrite it.
      workflow: { sqlQuery: sql },
      timeWindowType: "EXPLICIT",
      timeWindowStart: "2026-10-01T00:00:00",
      timeWindowEnd: "2026-10-08T00:00:00",
      timeWindowTimeZone: "America/New_York",
      outputFormat: "CSV",
    });
    expect(sent?.body).not.toMatch(/Z"|\+\d\d:\d\d"|\.\d{3}/);
  });

  it("sends the auth and Amazon headers, JSON, and the access token from LWA", async () => {
    const { gw } = setup();
    await gw.submit(request());
    const h = fake.requestsTo("create")[0]?.headers ?? {};
    expect(h.authorization).toMatch(/^Bearer Atza\|fake-access-/);
    expect(h["amazon-advertising-api-clientid"]).toBe(fake.clientId);
    expect(h["amazon-advertising-api-advertiserid"]).toBe(FAKE_ADVERTISER_ID);
    expect(h["amazon-advertising-api-marketplaceid"]).toBe("ATVPDKIKX0DER");
    expect(h["content-type"]).toBe("application/json");
  });

  it("omits advertiser and marketplace headers the connection does not have", async () => {
    const { gw } = setup({ connection: { advertiserId: undefined, marketplaceId: undefined } });
    await gw.listAccounts();
    const h = fake.requestsTo("accounts")[0]?.headers ?? {};
    expect(h).not.toHaveProperty("amazon-advertising-api-advertiserid");
    expect(h).not.toHaveProperty("amazon-advertising-api-marketplaceid");
  });

  it("refuses a window with a zone, milliseconds or the wrong order, and an internal UUID, before calling AMC", async () => {
    const { gw } = setup();
    const bad = [
      request({ timeWindow: { start: "2026-10-01T00:00:00Z", end: "2026-10-08T00:00:00", timeZone: "UTC" } }),
      request({ timeWindow: { start: "2026-10-01T00:00:00.000", end: "2026-10-08T00:00:00", timeZone: "UTC" } }),
      request({ timeWindow: { start: "2026-10-08T00:00:00", end: "2026-10-01T00:00:00", timeZone: "UTC" } }),
      request({ timeWindow: { start: "2026-10-01T00:00:00", end: "2026-10-08T00:00:00", timeZone: "Mars/Olympus" } }),
    ];
    for (const r of bad) expect((await amcRejection(gw.submit(r))).cause).toBe("invalid_query");
    const uuid = await amcRejection(gw.submit(request({ instanceId: "3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b" })));
    expect(uuid.cause).toBe("not_found");
    expect(fake.requests).toHaveLength(0);
  });

  it("a query AMC rejects is invalid_query with AMC's reason, sent once", async () => {
    const { gw } = setup();
    const e = await amcRejection(gw.submit(request({ sql: "SELECT * FROM sponsored_ads_traffic" })));
    expect(e.cause).toBe("invalid_query");
    expect(e.httpStatus).toBe(400);
    expect(e.message).toContain("SELECT * is not allowed");
    expect(e.retryable).toBe(false);
    expect(fake.requestsTo("create")).toHaveLength(1);
  });
});

describe("what the client must survive", () => {
  it("401 with one refresh then success", async () => {
    const { gw } = setup();
    const { amcExecutionId } = await gw.submit(request());
    expect(fake.tokenRefreshes).toBe(1);
    fake.expireAccessTokens();

    const state = await gw.status("amcabc123", amcExecutionId);
    expect(state).toEqual({ status: "pending", amcStatus: "PENDING" });
    expect(fake.tokenRefreshes).toBe(2);
    const [refused, retried] = fake.requestsTo("status");
    expect(refused?.headers.authorization).not.toBe(retried?.headers.authorization);
  });

  it("a 401 that survives the refresh is a retryable auth error after exactly one retry, and the next call gets a fresh token", async () => {
    const { gw } = setup();
    fake.failNext("status", { status: 401, times: 2 });
    const e = await amcRejection(gw.status("amcabc123", "wfe-x"));
    expect(e.cause).toBe("auth");
    // LWA still issues tokens: not a broken connection, try again later.
    expect(e.retryable).toBe(true);
    expect(fake.requestsTo("status")).toHaveLength(2);
    expect(fake.tokenRefreshes).toBe(2);

    const { amcExecutionId } = await gw.submit(request());
    expect(amcExecutionId).toMatch(/^wfe-/);
    expect(fake.tokenRefreshes).toBe(3);
    expect(gw.tokens.needsReauthorization).toBe(false);
  });

  it("a create whose answer is lost after AMC accepted it (504) is found in the listing, not sent twice", async () => {
    const { gw, sleeps } = setup();
    fake.failNext("create", { afterAccept: true, status: 504 });
    const { amcExecutionId } = await gw.submit(request());
    expect(fake.executions.size).toBe(1);
    expect(fake.executions.has(amcExecutionId)).toBe(true);
    expect(fake.requestsTo("create")).toHaveLength(1);
    expect(sleeps).toEqual([7_500]);
    const [list] = fake.requestsTo("list");
    // From the first attempt less the clock-skew margin, in AMC's format.
    expect(list?.query.minCreationTime).toBe("2026-10-01T11:55:00Z");
  });

  it("a connection reset after acceptance is recovered the same way, across listing pages", async () => {
    const { gw } = setup();
    // Older executions of other queries fill the first listing pages (2 per page).
    for (let i = 0; i < 3; i++) await gw.submit(request({ sql: `SELECT ${i} AS n FROM t` }));
    fake.failNext("create", { afterAccept: true, reset: true });
    const { amcExecutionId } = await gw.submit(request());
    expect(fake.executions.size).toBe(4);
    expect(JSON.stringify(fake.execution(amcExecutionId).request)).toContain("sponsored_ads_traffic");
    expect(fake.requestsTo("list").length).toBeGreaterThanOrEqual(2);
  });

  it("does not adopt an execution the caller says belongs to another run", async () => {
    const { gw } = setup();
    const first = await gw.submit(request());
    fake.failNext("create", { status: 503 });
    const second = await gw.submit(request({ isAdopted: async (id) => id === first.amcExecutionId }));
    expect(second.amcExecutionId).not.toBe(first.amcExecutionId);
    expect(fake.executions.size).toBe(2);
  });

  it("lists executions since a time, following nextToken, with SQL, window and zone", async () => {
    const { gw } = setup();
    for (let i = 0; i < 5; i++) await gw.submit(request({ sql: `SELECT ${i} AS n\nFROM t -- ${i}` }));
    const listed = await gw.listExecutions("amcabc123", new Date("2026-01-01T00:00:00Z"));
    expect(listed.map((e) => e.sql)).toEqual([0, 1, 2, 3, 4].map((i) => `SELECT ${i} AS n\nFROM t -- ${i}`));
    expect(listed[0]).toMatchObject({
      amcStatus: "PENDING",
      timeWindow: { start: "2026-10-01T00:00:00", end: "2026-10-08T00:00:00", timeZone: "America/New_York" },
    });
    expect(fake.requestsTo("list")).toHaveLength(3);
    expect(await gw.listExecutions("amcabc123", new Date(Date.now() + 3_600_000))).toEqual([]);
  });

  it("revoked refresh token: reauthorize, the hook fires once, no retry storm, no secrets", async () => {
    const onReauthorizationNeeded = vi.fn();
    const { gw, sleeps, logs } = setup({ gateway: { onReauthorizationNeeded } });
    const { amcExecutionId } = await gw.submit(request());
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    fake.expireAccessTokens();

    const errors = await Promise.all([
      amcRejection(gw.status("amcabc123", amcExecutionId)),
      amcRejection(gw.status("amcabc123", amcExecutionId)),
      amcRejection(gw.listInstances()),
    ]);
    errors.push(await amcRejection(gw.results("amcabc123", amcExecutionId)));
    for (const e of errors) {
      expect(e.cause).toBe("reauthorize");
      expect(e.retryable).toBe(false);
    }
    expect(onReauthorizationNeeded).toHaveBeenCalledTimes(1);
    // One successful refresh at the start, one refused: then nothing more reaches Amazon.
    expect(fake.requestsTo("token")).toHaveLength(2);
    expect(sleeps).toEqual([]);
    expect(gw.tokens.needsReauthorization).toBe(true);

    const everything = JSON.stringify({ messages: errors.map((e) => e.message), logs });
    for (const secret of [FAKE_REFRESH_TOKEN, FAKE_CLIENT_SECRET, "Atza|"]) expect(everything).not.toContain(secret);
  });

  it("403 for a foreign instance is a permission error naming the instance", async () => {
    const { gw, sleeps } = setup();
    const e = await amcRejection(gw.status("amcforeign9", "wfe-1"));
    expect(e.cause).toBe("permission");
    expect(e.httpStatus).toBe(403);
    expect(e.message).toContain("amcforeign9");
    expect(fake.requestsTo("status")).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("429 with Retry-After in seconds: sleeps exactly that long, then succeeds", async () => {
    const { gw, sleeps } = setup();
    fake.failNext("create", { status: 429, retryAfter: "7" });
    await gw.submit(request());
    expect(sleeps).toEqual([7_000]);
    expect(fake.requestsTo("create")).toHaveLength(2);
    expect(fake.executions.size).toBe(1);
  });

  it("429 with Retry-After as an HTTP date", async () => {
    const { gw, sleeps, runtime } = setup();
    fake.failNext("status", { status: 429, retryAfter: new Date(runtime.now() + 12_000).toUTCString() });
    fake.failNext("status", { status: 400, body: { code: "400", details: "Workflow execution wfe-9 does not exist." } });
    const e = await amcRejection(gw.status("amcabc123", "wfe-9"));
    expect(sleeps).toEqual([12_000]);
    expect(e.cause).toBe("not_found");
  });

  it("429 without Retry-After: jittered backoff, bounded, then rate_limited with a retryAfterMs", async () => {
    const { gw, sleeps } = setup();
    fake.failNext("status", { status: 429, times: 10 });
    const e = await amcRejection(gw.status("amcabc123", "wfe-1"));
    expect(e.cause).toBe("rate_limited");
    expect(e.retryable).toBe(true);
    expect(fake.requestsTo("status")).toHaveLength(3);
    // Full jitter with random() = 0.5 over 10 s, 20 s.
    expect(sleeps).toEqual([5_000, 10_000]);
    expect(e.retryAfterMs).toBe(40_000);
  });

  it("a Retry-After too long to wait here is handed straight to the caller", async () => {
    const { gw, sleeps } = setup();
    fake.failNext("create", { status: 429, retryAfter: "3600" });
    const e = await amcRejection(gw.submit(request()));
    expect(e.cause).toBe("rate_limited");
    expect(e.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
    expect(fake.executions.size).toBe(0);
  });

  it("throttling does not use up the transient attempts", async () => {
    const { gw } = setup();
    fake.failNext("status", { status: 503, times: 2 });
    fake.failNext("status", { status: 429, retryAfter: "1", times: 2 });
    const { amcExecutionId } = await gw.submit(request());
    expect((await gw.status("amcabc123", amcExecutionId)).status).toBe("pending");
    expect(fake.requestsTo("status")).toHaveLength(5);
  });

  it("a 5xx burst within the bound is absorbed with capped, jittered backoff", async () => {
    const { gw, sleeps } = setup();
    const { amcExecutionId } = await gw.submit(request());
    fake.failNext("status", { status: 502 });
    fake.failNext("status", { status: 504 });
    expect((await gw.status("amcabc123", amcExecutionId)).status).toBe("pending");
    // Equal jitter with random() = 0.5: 10 s → 7.5 s, 20 s → 15 s.
    expect(sleeps).toEqual([7_500, 15_000]);
  });

  it("a 5xx burst beyond the bound is a transient error", async () => {
    const { gw, sleeps } = setup();
    fake.failNext("create", { status: 500, times: 3, body: { code: "InternalError", details: "Something broke" } });
    const e = await amcRejection(gw.submit(request()));
    expect(e.cause).toBe("transient");
    expect(e.httpStatus).toBe(500);
    expect(e.message).toContain("Something broke");
    expect(fake.requestsTo("create")).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("network errors are retried, then transient", async () => {
    const t = testRuntime();
    let calls = 0;
    const resetting: typeof fetch = async (input, init) => {
      if (String(input).includes("/workflowExecutions/")) {
        calls++;
        throw Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
      }
      return fetch(input, init);
    };
    const { gw } = setup({ gateway: { runtime: { ...t.runtime, fetch: resetting } } });
    const e = await amcRejection(gw.status("amcabc123", "wfe-1"));
    expect(e.cause).toBe("transient");
    expect(e.message).toContain("ECONNRESET");
    expect(calls).toBe(3);
    expect(t.sleeps).toEqual([7_500, 15_000]);
  });

  it("an unknown status is running, and logged", async () => {
    const { gw, logs } = setup();
    const { amcExecutionId } = await gw.submit(request());
    fake.setStatus(amcExecutionId, "QUEUED_FOR_PRIVACY_REVIEW");
    expect(await gw.status("amcabc123", amcExecutionId)).toEqual({
      status: "running",
      amcStatus: "QUEUED_FOR_PRIVACY_REVIEW",
    });
    expect(logs).toContainEqual({
      level: "warn",
      event: "amc.status.unknown",
      fields: { instanceId: "amcabc123", amcExecutionId, amcStatus: "QUEUED_FOR_PRIVACY_REVIEW" },
    });
  });

  it("FAILED with a reason is failed with AMC's reason; REJECTED too; no reason gets a fallback", async () => {
    const { gw } = setup();
    const { amcExecutionId } = await gw.submit(request());
    fake.setStatus(amcExecutionId, "FAILED", "Aggregation threshold not met for column user_count");
    expect(await gw.status("amcabc123", amcExecutionId)).toEqual({
      status: "failed",
      amcStatus: "FAILED",
      reason: "Aggregation threshold not met for column user_count",
    });
    fake.setStatus(amcExecutionId, "REJECTED", "Query exceeds resource limits");
    expect(await gw.status("amcabc123", amcExecutionId)).toMatchObject({ status: "failed", reason: "Query exceeds resource limits" });
    fake.setStatus(amcExecutionId, "FAILED");
    expect((await gw.status("amcabc123", amcExecutionId)).reason).toMatch(/without giving a reason/);
  });

  it("expired download URL: fresh URLs asked once, the download succeeds, no auth sent to the file host", async () => {
    const { gw } = setup();
    const csv = "campaign,impressions\nSpring,10\n";
    const id = await succeeded(gw, [csv]);
    const [file] = await gw.results("amcabc123", id);
    fake.expireDownloadUrls();

    expect((await bytesOf(await (file as ResultFile).open())).toString("utf8")).toBe(csv);
    expect(fake.requestsTo("downloadUrls")).toHaveLength(2);
    const downloads = fake.requestsTo("download");
    expect(downloads).toHaveLength(2);
    for (const d of downloads) {
      expect(d.headers).not.toHaveProperty("authorization");
      expect(Object.keys(d.headers).some((h) => h.startsWith("amazon-advertising-api"))).toBe(false);
    }
  });

  it("a URL refused even after a refresh is an error, without asking AMC again and again", async () => {
    const { gw } = setup();
    const id = await succeeded(gw, ["a\n1\n"]);
    const [file] = await gw.results("amcabc123", id);
    fake.failNext("download", { status: 403, times: 2, body: "<Error><Code>AccessDenied</Code></Error>" });
    const e = await amcRejection((file as ResultFile).open());
    expect(e.cause).toBe("transient");
    expect(e.message).not.toContain(fake.baseUrl);
    expect(fake.requestsTo("downloadUrls")).toHaveLength(2);
  });

  it("several expired files share one request for fresh URLs", async () => {
    const { gw } = setup();
    const id = await succeeded(gw, ["a\n1\n", "a\n2\n", "a\n3\n"]);
    const files = await gw.results("amcabc123", id);
    fake.expireDownloadUrls();
    const rows = await Promise.all(files.map(rowsOf));
    expect(rows).toEqual([
      [["a"], ["1"]],
      [["a"], ["2"]],
      [["a"], ["3"]],
    ]);
    expect(fake.requestsTo("downloadUrls")).toHaveLength(2);
  });

  it("CSV edge cases survive the trip: quoted commas and newlines, doubled quotes, empty cells, header only", async () => {
    const server = await startFake({ downloadChunkBytes: 5 });
    fake = server;
    const { gw } = setup({ server });
    const tricky =
      '\uFEFFcampaign,note,impressions\r\n"Spring, 2026","line one\r\nline two",120\r\n"Say ""hi""",,0\r\n,"",\r\nÉté ☀️,ok,5';
    const headerOnly = "campaign,impressions\n";
    const id = await succeeded(gw, [tricky, headerOnly]);
    const [first, second] = await gw.results("amcabc123", id);

    expect(await rowsOf(first as ResultFile)).toEqual([
      ["campaign", "note", "impressions"],
      ["Spring, 2026", "line one\r\nline two", "120"],
      ['Say "hi"', "", "0"],
      ["", "", ""],
      ["Été ☀️", "ok", "5"],
    ]);
    expect(await rowsOf(second as ResultFile)).toEqual([["campaign", "impressions"]]);
  });

  it("a network error half way through a download is a transient AmcError", async () => {
    const { gw } = setup();
    const big = "campaign,impressions\n" + Array.from({ length: 5_000 }, (_, i) => `campaign ${i},${i}\n`).join("");
    const id = await succeeded(gw, [big]);
    const [file] = await gw.results("amcabc123", id);

    fake.failNext("download", { cutAfterBytes: 20_000 });
    let rows = 0;
    const e = await amcRejection(
      (async () => {
        for await (const _row of parseCsv(await (file as ResultFile).open())) rows++;
      })(),
    );
    expect(e.cause).toBe("transient");
    expect(e.retryable).toBe(true);
    expect(rows).toBeGreaterThan(100);
    expect(rows).toBeLessThan(5_001);

    // Opening again later downloads the whole file.
    expect((await rowsOf(file as ResultFile)).length).toBe(5_001);
  });
});

describe("tokens across calls", () => {
  it("one token serves many calls and is refreshed a minute before expiry", async () => {
    const { gw, advance } = setup();
    const { amcExecutionId } = await gw.submit(request());
    await gw.status("amcabc123", amcExecutionId);
    await gw.listInstances();
    expect(fake.tokenRefreshes).toBe(1);

    advance(3600_000 - 60_001);
    await gw.status("amcabc123", amcExecutionId);
    expect(fake.tokenRefreshes).toBe(1);

    advance(1);
    await gw.status("amcabc123", amcExecutionId);
    expect(fake.tokenRefreshes).toBe(2);
    const auths = fake.requestsTo("status").map((r) => r.headers.authorization);
    expect(new Set(auths).size).toBe(2);
  });

  it("concurrent calls share one refresh", async () => {
    const { gw } = setup();
    const { amcExecutionId } = await gw.submit(request());
    fake.expireAccessTokens();
    await Promise.all(Array.from({ length: 8 }, () => gw.status("amcabc123", amcExecutionId)));
    expect(fake.tokenRefreshes).toBe(2);
  });

  it("gateways built with the same TokenProvider share its cache", async () => {
    const first = setup();
    const second = setup({ gateway: { tokenProvider: first.gw.tokens } });
    await first.gw.listInstances();
    await second.gw.listInstances();
    expect(fake.tokenRefreshes).toBe(1);
  });
});

describe("status, cancel, discovery", () => {
  it("maps AMC's statuses through toExecutionStatus", async () => {
    const { gw } = setup();
    const { amcExecutionId } = await gw.submit(request());
    const seen: string[] = [];
    for (const s of ["PENDING", "RUNNING", "SUCCEEDED", "CANCELLED"]) {
      fake.setStatus(amcExecutionId, s);
      seen.push((await gw.status("amcabc123", amcExecutionId)).status);
    }
    expect(seen).toEqual(["pending", "running", "completed", "cancelled"]);
  });

  it("an unknown execution id is not_found", async () => {
    const { gw } = setup();
    const e = await amcRejection(gw.status("amcabc123", "wfe-nope"));
    expect(e.cause).toBe("not_found");
    expect(e.message).toContain("wfe-nope");
  });

  it("cancel PUTs status CANCELLED", async () => {
    const { gw } = setup();
    const { amcExecutionId } = await gw.submit(request());
    await gw.cancel("amcabc123", amcExecutionId);
    const [put] = fake.requestsTo("cancel");
    expect(put?.method).toBe("PUT");
    expect(JSON.parse(put?.body ?? "")).toEqual({ status: "CANCELLED" });
    expect((await gw.status("amcabc123", amcExecutionId)).status).toBe("cancelled");
    // Already terminal: AMC says no, and that is not something to retry.
    expect((await amcRejection(gw.cancel("amcabc123", amcExecutionId))).retryable).toBe(false);
  });

  it("lists instances (all pages) and accounts leniently", async () => {
    const server = await startFake({ instancesPageSize: 1 });
    server.instances.push({
      instanceId: "amcextra7",
      instanceName: "Extra",
      instanceType: "STANDARD",
      region: "eu-west-1",
      advertiserId: FAKE_ADVERTISER_ID,
    });
    const { gw } = setup({ server });
    expect(await gw.listInstances()).toEqual([
      { instanceId: "amcabc123", instanceName: "Brand US", region: "us-east-1", instanceType: "STANDARD", marketplaceId: "ATVPDKIKX0DER" },
      { instanceId: "amcsandbox1", instanceName: "Brand US Sandbox", region: "us-east-1", instanceType: "SANDBOX", marketplaceId: "ATVPDKIKX0DER" },
      { instanceId: "amcextra7", instanceName: "Extra", region: "eu-west-1", instanceType: "STANDARD", marketplaceId: "ATVPDKIKX0DER" },
    ]);
    expect(server.requestsTo("instances")).toHaveLength(3);
    expect(await gw.listAccounts()).toEqual([
      { accountId: FAKE_ADVERTISER_ID, accountName: "Brand Inc.", marketplaceId: "ATVPDKIKX0DER" },
    ]);
  });

  it("skips list items it cannot read instead of failing the whole list", async () => {
    const t = testRuntime();
    const stub: typeof fetch = async (input, init) => {
      if (String(input).includes("/amc/instances")) {
        return Response.json({ instances: [{ instanceName: "no id" }, { instanceId: "amcok1", type: "sandbox" }] });
      }
      return fetch(input, init);
    };
    const { gw, logs } = setup({ gateway: { runtime: { ...t.runtime, fetch: stub } } });
    expect(await gw.listInstances()).toEqual([
      { instanceId: "amcok1", instanceName: "amcok1", region: "NA", instanceType: "SANDBOX", marketplaceId: "ATVPDKIKX0DER" },
    ]);
    expect(t.logs.concat(logs).some((l) => l.event === "amc.list.skipped_item")).toBe(true);
  });
});
