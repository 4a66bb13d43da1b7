import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { LIBRARY } from "../templates/library";
import { seedLibraryTemplates } from "../templates/seed";
import { reportDefinitions, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { grant, makeInstance, makeUser } from "../../test/factories";
import { SANDBOX_ASINS } from "../amc/sandbox/entities";
import { createExecution } from "../executions/create";
import { toAmcWindow } from "../params/window";
import { createReport } from "./definitions";
import type { SessionUser } from "../../db/queries/access";
import { parseInput } from "../errors";
import { validateParameters, validateParametersSchema, type ValidateParametersInput } from "./validate";

const { db } = await freshDatabase();

// As the action and the route do: parse at the boundary, then call the domain with typed input.
const validate = async (user: SessionUser, input: ValidateParametersInput | Record<string, unknown>, at: Date) =>
  validateParameters(db, user, parseInput(validateParametersSchema, input), at);
const now = new Date("2026-11-25T15:00:00Z");
let admin: Awaited<ReturnType<typeof makeUser>>;
let instance: Awaited<ReturnType<typeof makeInstance>>;

beforeAll(async () => {
  await seedLibraryTemplates(db);
  admin = await makeUser(db, { role: "admin" });
  instance = await makeInstance(db);
});

// Inputs a person would type: pasted text lists, form strings for numbers and booleans.
const typed: Record<string, Record<string, unknown>> = {
  asin_purchases: { asin_list: SANDBOX_ASINS.slice(0, 12).map((a) => a.asin.toLowerCase()).join("\n"), top_n: "10", all_asins: "off" },
  reach_frequency: { max_frequency: "12", include_sponsored_ads: true },
  media_mix_reach: { channels: ["SP", "DSP"] },
};

describe("preview == executed SQL, for every template", () => {
  it.each(LIBRARY.map((t) => [t.templateId] as const))("%s: the previewed SQL is byte-identical to what the run stores", async (templateId) => {
    const input = {
      templateId,
      instanceId: instance.instanceId,
      values: typed[templateId] ?? {},
      window: { kind: "last_days", n: 30 },
      timezone: "America/New_York",
    };
    const preview = await validate(admin, input, now);
    expect(preview.valid, JSON.stringify(preview.errors.concat(preview.formErrors as never[]))).toBe(true);
    expect(preview.previewSql).toBeTruthy();

    // Path 1: the wizard's "Run once now" (report + first execution in one transaction).
    const created = await createReport(db, admin, { ...input, name: `Preview check ${templateId}`, run: { kind: "once" } }, now);
    const [run] = await db.select().from(reportExecutions).where(eq(reportExecutions.executionId, created.executionId!));
    expect(run!.renderedSql).toBe(preview.previewSql);
    expect(toAmcWindow({ start: run!.timeWindowStart!, end: run!.timeWindowEnd!, timeZone: run!.timeWindowTimezone! })).toEqual({
      start: preview.timeWindow.start,
      end: preview.timeWindow.end,
      timeZone: preview.timeWindow.timeZone,
    });

    // Path 2: the engine's createExecution on the saved report (Run now, schedules) at the same clock.
    const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, created.reportId));
    const again = await createExecution(db, { reportUuid: report!.id, triggeredBy: "manual", now });
    expect(again.execution.renderedSql).toBe(preview.previewSql);
  });
});

describe("validateParameters", () => {
  it("answers valid: false with coded errors for bad values, a bad window and a bad zone, and no SQL", async () => {
    const r = await validate(admin,
      {
        templateId: "asin_purchases",
        instanceId: instance.instanceId,
        values: { asin_list: "B0BAD", top_n: 0, nope: true },
        window: { kind: "absolute", start: "2026-03-05", end: "2026-03-01" },
        timezone: "Mars/Olympus",
      },
      now,
    );
    expect(r.valid).toBe(false);
    expect(r.previewSql).toBeNull();
    expect(r.errors.map((e) => [e.field, e.code])).toEqual([
      ["timezone", "invalid"],
      ["window.end", "invalid"],
      ["asin_list.0", "invalid_format"],
      ["top_n", "out_of_range"],
    ]);
    expect(r.formErrors.map((e) => e.code)).toEqual(["unknown_parameter"]);
  });

  it("defaults the window to the template's and the zone to UTC", async () => {
    const r = await validate(admin, { templateId: "new_to_brand", instanceId: instance.instanceId }, now);
    expect(r.valid).toBe(true);
    expect(r.timeWindow).toMatchObject({ timeZone: "UTC", days: 30, lagDays: 14, firstDay: "2026-10-12", lastDay: "2026-11-10" });
  });

  it("refuses unknown templates (404), foreign or unknown instances (403 for members), malformed bodies (400)", async () => {
    const member = await makeUser(db);
    const other = await makeInstance(db);
    await grant(db, member.id, instance.id);
    await expect(validate(member, { templateId: "nope", instanceId: instance.instanceId }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(validate(member, { templateId: "new_to_brand", instanceId: other.instanceId }, now)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(validate(member, { templateId: "new_to_brand", instanceId: "amcnosuch" }, now)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(validate(admin, { templateId: "new_to_brand", instanceId: "amcnosuch" }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(validate(member, { templateId: "new_to_brand" }, now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(validate(member, { templateId: "new_to_brand", instanceId: instance.instanceId, extra: 1 }, now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    const ok = await validate(member, { templateId: "new_to_brand", instanceId: instance.instanceId }, now);
    expect(ok.valid).toBe(true);
  });

  it("a deactivated instance is a form error", async () => {
    const off = await makeInstance(db, { isActive: false });
    const r = await validate(admin, { templateId: "new_to_brand", instanceId: off.instanceId }, now);
    expect(r.valid).toBe(false);
    expect(r.formErrors.map((e) => e.code)).toEqual(["instance_inactive"]);
  });
});
