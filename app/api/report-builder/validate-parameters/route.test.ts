import { beforeAll, describe, expect, it } from "vitest";
import { seedLibraryTemplates } from "@/lib/templates/seed";
import { freshDatabase } from "@/test/db";
import { grant, makeInstance, makeUser } from "@/test/factories";
import { handleValidateParameters } from "./handler";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T15:00:00Z");
const post = (body: unknown) =>
  new Request("http://localhost/api/report-builder/validate-parameters", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

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
});
