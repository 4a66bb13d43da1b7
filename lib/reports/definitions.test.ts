import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { seedLibraryTemplates } from "../templates/seed";
import { reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { grant, makeExecution, makeInstance, makeUser } from "../../test/factories";
import { createReport, deleteReport, duplicateReport, previewNewSchedule, updateReport } from "./definitions";

const { db } = await freshDatabase();
const now = new Date("2026-11-25T15:00:00Z");

beforeAll(async () => {
  await seedLibraryTemplates(db);
});

async function world() {
  const member = await makeUser(db);
  const stranger = await makeUser(db);
  const instance = await makeInstance(db);
  await grant(db, member.id, instance.id);
  return { member, stranger, instance };
}

const reportCount = async () => Number((await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM report_definitions`))[0]!.n);
const base = (instanceId: string) => ({
  templateId: "asin_purchases",
  instanceId,
  values: { asin_list: "B0AAAAAAAA, B0BBBBBBBB\nB0CCCCCCCC" },
  window: { kind: "last_days", n: 30 },
  timezone: "America/New_York",
  name: "ASINs - 2026-10-12 - 2026-11-10",
});

describe("create", () => {
  it("Run once now: the report and its first pending execution, with the typed values stored", async () => {
    const { member, instance } = await world();
    const created = await createReport(db, member, { ...base(instance.instanceId), run: { kind: "once", idempotencyKey: "key-12345678" } }, now);
    expect(created.reportId).toMatch(/^rpt_[0-9a-z]{10}$/);
    const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, created.reportId));
    expect(report).toMatchObject({
      name: "ASINs - 2026-10-12 - 2026-11-10",
      ownerId: member.id,
      instanceId: instance.id,
      frequency: "once",
      timezone: "America/New_York",
      windowSpec: { kind: "last_days", n: 30 },
    });
    expect((report!.parameters as Record<string, unknown>).asin_list).toEqual(["B0AAAAAAAA", "B0BBBBBBBB", "B0CCCCCCCC"]);
    const runs = await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report!.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ executionId: created.executionId, status: "pending", triggeredBy: "manual", userId: member.id });
  });

  it("Save with a schedule: the report and its schedule in the report's zone, next run computed", async () => {
    const { member, instance } = await world();
    const created = await createReport(
      db,
      member,
      { ...base(instance.instanceId), run: { kind: "schedule", schedule: { preset: "weekly", time: "03:00", weekday: 1 } } },
      now,
    );
    expect(created.executionId).toBeNull();
    const [schedule] = await db.select().from(reportSchedules).where(eq(reportSchedules.scheduleId, created.scheduleId!));
    expect(schedule).toMatchObject({ cronExpression: "0 3 * * 1", timezone: "America/New_York", isActive: true });
    // Monday 2026-11-30 03:00 EST.
    expect(schedule!.nextRunAt).toEqual(new Date("2026-11-30T08:00:00Z"));
    const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, created.reportId));
    expect(report).toMatchObject({ frequency: "weekly", timezone: "America/New_York" });
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report!.id))).toHaveLength(0);
  });

  it("a schedule the scheduler refuses rolls the report back too (one transaction)", async () => {
    const { member, instance } = await world();
    const before = await reportCount();
    await expect(
      createReport(db, member, { ...base(instance.instanceId), run: { kind: "schedule", schedule: { preset: "custom", cron: "* * * * *" } } }, now),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(
      createReport(db, member, { ...base(instance.instanceId), run: { kind: "schedule", schedule: { preset: "weekly", time: "25:00", weekday: 1 } } }, now),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await reportCount()).toBe(before);
  });

  it("invalid values are field errors keyed values.<name>, and nothing is written", async () => {
    const { member, instance } = await world();
    const before = await reportCount();
    const attempt = createReport(db, member, { ...base(instance.instanceId), values: { asin_list: "" }, run: { kind: "once" } }, now);
    await expect(attempt).rejects.toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { "values.asin_list": ["ASINs is required."] } });
    const lag = createReport(db, member, { ...base(instance.instanceId), window: { kind: "last_days", n: 7, lagDays: 0 }, run: { kind: "once" } }, now);
    await expect(lag).rejects.toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { window: [expect.stringContaining("Include provisional data")] } });
    expect(await reportCount()).toBe(before);
  });

  it("a member without access to the instance is refused (403) and nothing is written", async () => {
    const { stranger, instance } = await world();
    const before = await reportCount();
    await expect(createReport(db, stranger, { ...base(instance.instanceId), run: { kind: "once" } }, now)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await reportCount()).toBe(before);
  });
});

describe("schedule preview for a report not saved yet", () => {
  it("shows the next 5 runs in the chosen zone with the window each covers", async () => {
    const p = await previewNewSchedule(
      db,
      { templateId: "asin_purchases", window: { kind: "last_days", n: 7 }, timezone: "America/New_York", schedule: { preset: "weekly", time: "03:00", weekday: 1 } },
      now,
    );
    expect(p.cron).toBe("0 3 * * 1");
    expect(p.runs).toHaveLength(5);
    expect(p.runs[0]).toMatchObject({ at: "2026-11-30T08:00:00.000Z", local: "Mon 2026-11-30 03:00 EST", window: "2026-11-09 – 2026-11-15" });
  });
});

describe("update, duplicate, delete", () => {
  async function made() {
    const w = await world();
    const created = await createReport(db, w.member, { ...base(w.instance.instanceId), run: { kind: "once" } }, now);
    return { ...w, reportId: created.reportId };
  }

  it("update changes name, values, window and zone; the next run renders them", async () => {
    const { member, reportId } = await made();
    await updateReport(
      db,
      member,
      { reportId, name: "Renamed", values: { asin_list: ["B0DDDDDDDD"], top_n: 5 }, window: { kind: "previous_month" }, timezone: "Europe/London" },
      now,
    );
    const [r] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
    expect(r).toMatchObject({ name: "Renamed", timezone: "Europe/London", windowSpec: { kind: "previous_month" } });
    expect(r!.parameters).toMatchObject({ asin_list: ["B0DDDDDDDD"], top_n: 5 });
  });

  it("update refuses invalid values and a zone that differs from the schedule's", async () => {
    const { member, instance } = await world();
    const created = await createReport(
      db,
      member,
      { ...base(instance.instanceId), run: { kind: "schedule", schedule: { preset: "daily", time: "02:00" } } },
      now,
    );
    const edit = { reportId: created.reportId, name: "x", values: { asin_list: ["B0DDDDDDDD"] }, window: { kind: "last_days", n: 7 } };
    await expect(updateReport(db, member, { ...edit, timezone: "UTC" }, now)).rejects.toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { timezone: expect.any(Array) } });
    await expect(updateReport(db, member, { ...edit, values: { asin_list: ["nope"] }, timezone: "America/New_York" }, now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    await updateReport(db, member, { ...edit, timezone: "America/New_York" }, now);
  });

  it("duplicate copies the definition without schedule or runs, owned by whoever duplicates", async () => {
    const { member, reportId } = await made();
    const { reportId: copyId } = await duplicateReport(db, member, reportId, now);
    expect(copyId).not.toBe(reportId);
    const [orig] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
    const [copy] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, copyId));
    expect(copy).toMatchObject({
      name: `${orig!.name} (copy)`,
      templateId: orig!.templateId,
      instanceId: orig!.instanceId,
      parameters: orig!.parameters,
      windowSpec: orig!.windowSpec,
      timezone: orig!.timezone,
      frequency: "once",
      ownerId: member.id,
      executionCount: 0,
    });
  });

  it("delete removes the report with its runs and schedule", async () => {
    const { member, reportId } = await made();
    const [r] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
    await makeExecution(db, r!.id, { status: "completed" });
    const result = await deleteReport(db, member, reportId);
    expect(result).toEqual({ reportId, deletedRuns: 2 });
    expect(await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, r!.id))).toHaveLength(0);
    expect(await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, r!.id))).toHaveLength(0);
  });

  it("a member without access to the instance gets not found for all three, and nothing changes", async () => {
    const { stranger, reportId } = await made();
    const [before] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
    const count = await reportCount();
    const edit = { reportId, name: "Hijacked", values: {}, window: { kind: "last_days", n: 7 }, timezone: "UTC" };
    await expect(updateReport(db, stranger, edit, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(duplicateReport(db, stranger, reportId, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteReport(db, stranger, reportId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteReport(db, stranger, "rpt_nosuchreport")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const [after] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
    expect(after).toEqual(before);
    expect(await reportCount()).toBe(count);
  });
});
