import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/db/queries/access";
import { seedLibraryTemplates } from "@/lib/templates/seed";
import { freshDatabase } from "@/test/db";
import { grant, makeInstance, makeUser } from "@/test/factories";
import { callRoute, jsonBody } from "@/test/http";
import { POST } from "./route";

// The real route and wrapper; the session and the pool are this file's.
const app = vi.hoisted(() => ({ user: null as unknown, db: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => app.user }));
vi.mock("@/db/client", async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: () => app.db }));

const { db } = await freshDatabase();
app.db = db;
const now = new Date("2026-11-25T15:00:00Z");
vi.useFakeTimers({ toFake: ["Date"], now });
afterAll(() => vi.useRealTimers());

const PATH = "/api/report-builder/validate-parameters";
const post = (body: unknown, headers: Record<string, string> = {}): { method: string; headers: Record<string, string>; body: string } => {
  const b = jsonBody(body);
  return { method: "POST", headers: { ...b.headers, ...headers }, body: b.body };
};
function handleValidateParameters(_db: unknown, user: SessionUser | null, init: ReturnType<typeof post>, _now: Date) {
  app.user = user;
  return callRoute(POST, PATH, init);
}

let member: Awaited<ReturnType<typeof makeUser>>;
let mine: Awaited<ReturnType<typeof makeInstance>>;
let theirs: Awaited<ReturnType<typeof makeInstance>>;
beforeAll(async () => {
  await seedLibraryTemplates(db);
  member = await makeUser(db);
  mine = await makeInstance(db);
  theirs = await makeInstance(db);
  await grant(db, member.id, mine.id);
});

describe("POST /api/report-builder/validate-parameters", () => {
  it("200 with the preview for valid input", async () => {
    const res = await handleValidateParameters(
      db,
      member,
      post({ templateId: "asin_purchases", instanceId: mine.instanceId, values: { asin_list: "B0AAAAAAAA\nB0BBBBBBBB" }, window: { kind: "last_days", n: 30 }, timezone: "America/New_York" }),
      now,
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      valid: true,
      errors: [],
      formErrors: [],
      warnings: [],
      estimatedCost: "low",
      timeWindow: { start: "2026-10-12T00:00:00", end: "2026-11-11T00:00:00", timeZone: "America/New_York", firstDay: "2026-10-12", lastDay: "2026-11-10", lagDays: 14, provisional: false },
    });
    expect(body.previewSql).toContain("tracked_asin IN ('B0AAAAAAAA', 'B0BBBBBBBB')");
  });

  it("200 valid: false with per-field errors and no previewSql for bad values", async () => {
    const res = await handleValidateParameters(db, member, post({ templateId: "asin_purchases", instanceId: mine.instanceId, values: { asin_list: "nope" } }), now);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.valid).toBe(false);
    expect(body.previewSql).toBeNull();
    expect(body.errors).toEqual([{ field: "asin_list.0", code: "invalid_format", message: "An ASIN is 10 letters or digits, like B08N5WRWNW." }]);
  });

  it("400 for a malformed body, in the API error shape", async () => {
    for (const bad of ["{not json", { templateId: "asin_purchases" }, { templateId: "asin_purchases", instanceId: mine.instanceId, values: [1] }, { templateId: "x", instanceId: "y", hack: 1 }]) {
      const res = await handleValidateParameters(db, member, post(bad), now);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ error: { code: "VALIDATION_ERROR", message: expect.any(String) }, requestId: expect.any(String) });
    }
  });

  it("401 without a session", async () => {
    const res = await handleValidateParameters(db, null, post({ templateId: "asin_purchases", instanceId: mine.instanceId }), now);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("UNAUTHENTICATED");
  });

  it("403 for an instance the member has no access to (or that does not exist)", async () => {
    for (const instanceId of [theirs.instanceId, "amcdoesnotexist"]) {
      const res = await handleValidateParameters(db, member, post({ templateId: "asin_purchases", instanceId }), now);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("FORBIDDEN");
    }
  });

  it("404 for an unknown template", async () => {
    const res = await handleValidateParameters(db, member, post({ templateId: "no_such_template", instanceId: mine.instanceId }), now);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toEqual({ code: "NOT_FOUND", message: "Template was not found." });
  });

  it("refuses what is not a JSON body of at most 1 MB: 415, 413, and a foreign Origin 403", async () => {
    const good = { templateId: "asin_purchases", instanceId: mine.instanceId };
    const text = await handleValidateParameters(db, member, { ...post(good), headers: { "content-type": "text/plain" } }, now);
    expect(text.status).toBe(415);
    expect((await text.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const none = await handleValidateParameters(db, member, { ...post(good), headers: {} }, now);
    expect(none.status).toBe(415);

    const huge = JSON.stringify({ ...good, values: { asin_list: "B0AAAAAAAA\n".repeat(120_000) } });
    expect(huge.length).toBeGreaterThan(1024 * 1024);
    const big = await handleValidateParameters(db, member, post(huge), now);
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" }, requestId: expect.any(String) });
    // A chunked body with no Content-Length is counted while read.
    app.user = member;
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode(" ".repeat(100_000)));
        c.close();
      },
    });
    const req = new Request(`http://localhost${PATH}`, { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost" }, body: chunks, duplex: "half" } as RequestInit);
    expect((await POST(req)).status).toBe(413);

    const foreign = await handleValidateParameters(db, member, post(good, { origin: "https://evil.example" }), now);
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe("FORBIDDEN");
    const crossSite = await handleValidateParameters(db, member, post(good, { origin: "", "sec-fetch-site": "cross-site" }), now);
    expect(crossSite.status).toBe(403);
  });

  it("a NUL byte anywhere in the body is a 400 naming the field, logged as one line with the request id", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const res = await handleValidateParameters(db, member, post({ templateId: "asin\u0000purchases", instanceId: mine.instanceId }), now);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ error: { code: "VALIDATION_ERROR", details: { fieldErrors: { templateId: [expect.any(String)] } } } });
      expect(res.headers.get("x-request-id")).toBe(body.requestId);
      expect(errors).not.toHaveBeenCalled();
      // Exactly one line, with the request id and the code, and nothing of what was sent.
      expect(warnings).toHaveBeenCalledTimes(1);
      const line = JSON.parse(String(warnings.mock.calls[0]![0]));
      expect(line).toMatchObject({ msg: "request refused", requestId: body.requestId, status: 400, code: "VALIDATION_ERROR", path: PATH });
      expect(JSON.stringify(line)).not.toContain("asin");
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
  });
});
