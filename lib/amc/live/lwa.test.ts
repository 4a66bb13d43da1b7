import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { amcRejection } from "../../../test/rejection";
import {
  FAKE_CLIENT_ID,
  FAKE_CLIENT_SECRET,
  FAKE_REFRESH_TOKEN,
  FakeAmcServer,
  testRuntime,
} from "../../../test/fake-amc-server";
import { AmcError } from "../gateway";
import { resolveAmcEndpoints } from "./config";
import {
  AMC_OAUTH_SCOPE,
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  exchangeRefreshToken,
  TokenProvider,
} from "./lwa";

let fake: FakeAmcServer;
let tokenUrl: string;
let authorizeUrl: string;

beforeEach(async () => {
  fake = await FakeAmcServer.start();
  const endpoints = resolveAmcEndpoints(fake.env()).NA;
  tokenUrl = endpoints.tokenUrl;
  authorizeUrl = endpoints.authorizeUrl;
});
afterEach(async () => {
  await fake.close();
});

const client = () => ({ tokenUrl, clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });

describe("OAuth authorization-code flow", () => {
  it("builds the consent URL with client, scope, code response, redirect and state", () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizeUrl: "https://www.amazon.com/ap/oa",
        clientId: "amzn1.application-oa2-client.abc",
        redirectUri: "https://reports.example.com/api/amc/callback",
        state: "st4te-0123456789",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://www.amazon.com/ap/oa");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "amzn1.application-oa2-client.abc",
      scope: "advertising::campaign_management",
      response_type: "code",
      redirect_uri: "https://reports.example.com/api/amc/callback",
      state: "st4te-0123456789",
    });
  });

  it("refuses a guessable state", () => {
    expect(() =>
      buildAuthorizeUrl({ authorizeUrl, clientId: "c", redirectUri: "https://x.example/cb", state: "" }),
    ).toThrow(/state/);
  });

  it("consent → code → tokens, and the new refresh token then works", async () => {
    const redirectUri = "https://reports.example.com/api/amc/callback";
    const consent = await fetch(
      buildAuthorizeUrl({ authorizeUrl, clientId: FAKE_CLIENT_ID, redirectUri, state: "csrf-token-42" }),
      { redirect: "manual" },
    );
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get("location") ?? "");
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("csrf-token-42");
    expect(back.searchParams.get("scope")).toBe(AMC_OAUTH_SCOPE);
    const code = back.searchParams.get("code") ?? "";

    const tokens = await exchangeAuthorizationCode({ ...client(), code, redirectUri });
    expect(tokens.accessToken).toMatch(/^Atza\|/);
    expect(tokens.refreshToken).toMatch(/^Atzr\|/);
    expect(tokens.expiresInSeconds).toBe(3600);

    const sent = Object.fromEntries(new URLSearchParams(fake.requestsTo("token")[0]?.body));
    expect(sent).toEqual({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: FAKE_CLIENT_ID,
      client_secret: FAKE_CLIENT_SECRET,
    });
    expect(fake.requestsTo("token")[0]?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);

    const refreshed = await exchangeRefreshToken({ ...client(), refreshToken: tokens.refreshToken });
    expect(refreshed.accessToken).toMatch(/^Atza\|/);
  });

  it("a used or unknown code is a reauthorize error, not retried", async () => {
    const redirectUri = "https://reports.example.com/cb";
    const code = fake.issueAuthorizationCode(redirectUri);
    await exchangeAuthorizationCode({ ...client(), code, redirectUri });
    const e = await amcRejection(exchangeAuthorizationCode({ ...client(), code, redirectUri }));
    expect(e.cause).toBe("reauthorize");
    expect(e.amcCode).toBe("invalid_grant");
    expect(fake.requestsTo("token")).toHaveLength(2);
  });
});

describe("refresh-token exchange", () => {
  it("posts the refresh grant form-encoded and parses the answer", async () => {
    const tokens = await exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN });
    expect(tokens).toMatchObject({ tokenType: "bearer", expiresInSeconds: 3600, refreshToken: FAKE_REFRESH_TOKEN });
    const sent = Object.fromEntries(new URLSearchParams(fake.requestsTo("token")[0]?.body));
    expect(sent).toEqual({
      grant_type: "refresh_token",
      refresh_token: FAKE_REFRESH_TOKEN,
      client_id: FAKE_CLIENT_ID,
      client_secret: FAKE_CLIENT_SECRET,
    });
  });

  it("retries 5xx after 5 s and 10 s and succeeds on the third attempt", async () => {
    const t = testRuntime();
    fake.failNext("token", { status: 503, times: 2 });
    await exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: t.runtime });
    expect(t.sleeps).toEqual([5_000, 10_000]);
    expect(fake.requestsTo("token")).toHaveLength(3);
  });

  it("gives up on 5xx after 3 attempts with a transient error", async () => {
    const t = testRuntime();
    fake.failNext("token", { status: 500, times: 5 });
    const e = await amcRejection(exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: t.runtime }));
    expect(e.cause).toBe("transient");
    expect(e.retryable).toBe(true);
    expect(fake.requestsTo("token")).toHaveLength(3);
    expect(t.sleeps).toEqual([5_000, 10_000]);
  });

  it("backs off 10 s, 20 s on 429, or as long as Retry-After says", async () => {
    const t = testRuntime();
    fake.failNext("token", { status: 429, times: 2 });
    await exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: t.runtime });
    expect(t.sleeps).toEqual([10_000, 20_000]);

    const t2 = testRuntime();
    fake.failNext("token", { status: 429, retryAfter: "3" });
    await exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: t2.runtime });
    expect(t2.sleeps).toEqual([3_000]);

    const t3 = testRuntime();
    fake.failNext("token", { status: 429, times: 3 });
    const e = await amcRejection(exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: t3.runtime }));
    expect(e.cause).toBe("rate_limited");
    expect(e.retryAfterMs).toBeGreaterThan(0);
  });

  it("retries a network failure", async () => {
    const t = testRuntime();
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1) throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
      return fetch(input, init);
    };
    await exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: { ...t.runtime, fetch: flaky } });
    expect(calls).toBe(2);
    expect(t.sleeps).toEqual([5_000]);
  });

  it("a revoked refresh token or a wrong secret → reauthorize at once, secrets kept out of the message", async () => {
    const t = testRuntime();
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    const revoked = await amcRejection(
      exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }, { runtime: t.runtime }),
    );
    expect(revoked.cause).toBe("reauthorize");
    expect(revoked.httpStatus).toBe(400);
    expect(revoked.amcCode).toBe("invalid_grant");

    const wrongSecret = await amcRejection(
      exchangeRefreshToken(
        { ...client(), clientSecret: "Wrong-Secret-Value", refreshToken: FAKE_REFRESH_TOKEN },
        { runtime: t.runtime },
      ),
    );
    expect(wrongSecret.cause).toBe("reauthorize");
    expect(wrongSecret.httpStatus).toBe(401);

    expect(t.sleeps).toEqual([]);
    expect(fake.requestsTo("token")).toHaveLength(2);
    for (const e of [revoked, wrongSecret]) {
      for (const secret of [FAKE_REFRESH_TOKEN, FAKE_CLIENT_SECRET, "Wrong-Secret-Value"]) {
        expect(e.message).not.toContain(secret);
      }
    }
  });

  it("keeps an echoed secret out of the message", async () => {
    fake.failNext("token", {
      status: 400,
      body: { error: "invalid_grant", error_description: `bad token ${FAKE_REFRESH_TOKEN} for ${FAKE_CLIENT_SECRET}` },
    });
    const e = await amcRejection(exchangeRefreshToken({ ...client(), refreshToken: FAKE_REFRESH_TOKEN }));
    expect(e.message).not.toContain(FAKE_REFRESH_TOKEN);
    expect(e.message).not.toContain(FAKE_CLIENT_SECRET);
    expect(e.message).toContain("[redacted]");
  });
});

describe("TokenProvider", () => {
  const provider = (t: ReturnType<typeof testRuntime>, extra: Partial<ConstructorParameters<typeof TokenProvider>[0]> = {}) =>
    new TokenProvider({ ...client(), refreshToken: FAKE_REFRESH_TOKEN, runtime: t.runtime, ...extra });

  it("caches the token and refreshes it a minute before it expires", async () => {
    const t = testRuntime();
    const p = provider(t);
    const first = await p.getAccessToken();
    expect(await p.getAccessToken()).toBe(first);
    t.advance(3600_000 - 60_000 - 1);
    expect(await p.getAccessToken()).toBe(first);
    expect(fake.tokenRefreshes).toBe(1);
    t.advance(1);
    const second = await p.getAccessToken();
    expect(second).not.toBe(first);
    expect(fake.tokenRefreshes).toBe(2);
    expect(p.refreshes).toBe(2);
  });

  it("concurrent callers share one refresh", async () => {
    const p = provider(testRuntime());
    const tokens = await Promise.all(Array.from({ length: 10 }, () => p.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.requestsTo("token")).toHaveLength(1);
  });

  it("invalidate(stale) drops only that token", async () => {
    const p = provider(testRuntime());
    const a = await p.getAccessToken();
    p.invalidate(a);
    const b = await p.getAccessToken();
    expect(b).not.toBe(a);
    // A second request that also saw `a` refused must not throw away `b`.
    p.invalidate(a);
    expect(await p.getAccessToken()).toBe(b);
    expect(fake.tokenRefreshes).toBe(2);
  });

  it("a revoked refresh token fires the hook once and never calls Amazon again", async () => {
    const hook = vi.fn();
    const t = testRuntime();
    const p = provider(t, { onReauthorizationNeeded: hook });
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    const errors = await Promise.all(Array.from({ length: 5 }, () => amcRejection(p.getAccessToken())));
    errors.push(await amcRejection(p.getAccessToken()));
    for (const e of errors) expect(e.cause).toBe("reauthorize");
    expect(hook).toHaveBeenCalledTimes(1);
    expect(hook.mock.calls[0]?.[0]).toBeInstanceOf(AmcError);
    expect(fake.requestsTo("token")).toHaveLength(1);
    expect(p.needsReauthorization).toBe(true);
    expect(t.sleeps).toEqual([]);
    expect(JSON.stringify(t.logs)).not.toContain(FAKE_REFRESH_TOKEN);
  });

  it("a failing hook does not hide the reauthorize error", async () => {
    const t = testRuntime();
    const p = provider(t, {
      onReauthorizationNeeded: async () => {
        throw new Error("db down");
      },
    });
    fake.revokeRefreshToken(FAKE_REFRESH_TOKEN);
    expect((await amcRejection(p.getAccessToken())).cause).toBe("reauthorize");
    expect(t.logs.some((l) => l.event === "lwa.hook_failed")).toBe(true);
  });

  it("a transient failure is not sticky", async () => {
    const t = testRuntime();
    const p = provider(t);
    fake.failNext("token", { status: 503, times: 3 });
    expect((await amcRejection(p.getAccessToken())).cause).toBe("transient");
    expect(p.needsReauthorization).toBe(false);
    expect(await p.getAccessToken()).toMatch(/^Atza\|/);
  });

  it("reports a rotated refresh token and uses it from then on", async () => {
    const rotated = vi.fn();
    const t = testRuntime();
    const bodies: string[] = [];
    let n = 0;
    const stub: typeof fetch = async (_input, init) => {
      bodies.push(String(init?.body));
      n++;
      return Response.json({ access_token: `Atza|a${n}`, expires_in: 3600, refresh_token: "Atzr|rotated" });
    };
    const p = provider(t, { onRefreshTokenRotated: rotated, runtime: { ...t.runtime, fetch: stub } });
    await p.getAccessToken();
    expect(rotated).toHaveBeenCalledWith("Atzr|rotated");
    p.invalidate();
    await p.getAccessToken();
    expect(new URLSearchParams(bodies[1]).get("refresh_token")).toBe("Atzr|rotated");
    expect(rotated).toHaveBeenCalledTimes(1);
  });
});
