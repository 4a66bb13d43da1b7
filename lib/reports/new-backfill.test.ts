import { beforeAll, describe, expect, it } from "vitest";
import { seedLibraryTemplates } from "../templates/seed";
import { freshDatabase } from "../../test/db";
import { grant, makeInstance, makeUser } from "../../test/factories";
import { parseInput } from "../errors";
import { newBackfillPreviewSchema, previewNewBackfill, roughDuration } from "./new-backfill";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T15:00:00Z");

beforeAll(async () => {
  await seedLibraryTemplates(db);
});

async function world(instance: Parameters<typeof makeInstance>[1] = {}) {
  const member = await makeUser(db);
  const stranger = await makeUser(db);
  const inst = await makeInstance(db, instance);
  await grant(db, member.id, inst.id);
  return { member, stranger, instance: inst };
}

const input = (instanceId: string, over: Record<string, unknown> = {}) =>
  parseInput(newBackfillPreviewSchema, { templateId: "asin_purchases", instanceId, timezone: "America/New_York", lookbackDays: "28", segmentType: "weekly", endDate: "", ...over });

describe("the Backfill way's plan for a report not saved yet", () => {
  it("4 weekly segments ending today − the template's 14-day lag in the report's zone, newest first, days inclusive", async () => {
    const { member, instance } = await world();
    const p = await previewNewBackfill(db, member, input(instance.instanceId), now);
    expect(p).toMatchObject({ zone: "America/New_York", lagDays: 14, defaultEndDate: "2026-11-11", endDate: "2026-11-11", firstDay: "2026-10-14", lastDay: "2026-11-10" });
    expect(p.segments).toEqual([
      { start: "2026-11-04", lastDay: "2026-11-10", days: 7, partial: false },
      { start: "2026-10-28", lastDay: "2026-11-03", days: 7, partial: false },
      { start: "2026-10-21", lastDay: "2026-10-27", days: 7, partial: false },
      { start: "2026-10-14", lastDay: "2026-10-20", days: 7, partial: false },
    ]);
    expect(p.duration.text).toMatch(/^about 1 minute \(the sandbox/);
  });

  it("an explicit end anchor and calendar months: partial edges marked", async () => {
    const { member, instance } = await world();
    const p = await previewNewBackfill(db, member, input(instance.instanceId, { endDate: "2026-11-01", lookbackDays: 45, segmentType: "monthly" }), now);
    expect(p.segments.map((s) => [s.start, s.lastDay, s.partial])).toEqual([
      ["2026-10-01", "2026-10-31", false],
      ["2026-09-17", "2026-09-30", true],
    ]);
  });

  it("refuses what the backfill would refuse, as field errors; a foreign instance is forbidden", async () => {
    const { member, stranger, instance } = await world();
    await expect(previewNewBackfill(db, member, input(instance.instanceId, { endDate: "2026-12-01" }), now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: { endDate: [expect.stringContaining("after today")] },
    });
    await expect(previewNewBackfill(db, member, input(instance.instanceId, { endDate: "2025-11-01", lookbackDays: 60 }), now)).rejects.toMatchObject({
      fieldErrors: { endDate: [expect.stringContaining("13 months")] },
    });
    expect(() => input(instance.instanceId, { lookbackDays: 400 })).toThrow();
    await expect(previewNewBackfill(db, member, input(instance.instanceId, { timezone: "Mars/Base" }), now)).rejects.toMatchObject({ fieldErrors: { timezone: expect.any(Array) } });
    await expect(previewNewBackfill(db, stranger, input(instance.instanceId), now)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("rough duration", () => {
  it("counts waves of the backfill's share of the instance's slots", () => {
    // 5 at a time: 53 weekly segments are 11 waves.
    expect(roughDuration(53, false).minutes).toBe(220);
    expect(roughDuration(53, false).text).toMatch(/^about 4 hours \(AMC runs 5/);
    expect(roughDuration(4, false)).toMatchObject({ minutes: 20 });
    expect(roughDuration(26, true)).toMatchObject({ minutes: 2 });
  });
});
