import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { seedLibraryTemplates } from "../templates/seed";
import { reportDataCollections, reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
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

describe("create with the wizard's three ways, in one transaction", () => {
  const rows = async () => {
    const [r] = await db.execute<{ reports: number; schedules: number; runs: number; backfills: number }>(sql`
      SELECT (SELECT count(*)::int FROM report_definitions) AS reports, (SELECT count(*)::int FROM report_schedules) AS schedules,
             (SELECT count(*)::int FROM report_executions) AS runs, (SELECT count(*)::int FROM report_data_collections) AS backfills`);
    return r!;
  };
  /**
   * Makes PostgreSQL refuse inserts into `table` whose row matches `when` (SQL on NEW) while `fn`
   * runs: a failure in the LAST piece of a create, after the report and the pieces before it
   * were written in the same transaction.
   */
  async function failingInserts<T>(table: string, when: string, fn: () => Promise<T>): Promise<T> {
    await db.execute(sql.raw(`CREATE OR REPLACE FUNCTION test_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF ${when} THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$`));
    await db.execute(sql.raw(`CREATE TRIGGER test_refuse_insert BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION test_refuse_insert()`));
    try {
      return await fn();
    } finally {
      await db.execute(sql.raw(`DROP TRIGGER test_refuse_insert ON ${table}`));
    }
  }

  /** The trigger's refusal (drizzle wraps it in its query error), not some other failure. */
  const refusedByTest = (e: unknown): boolean => {
    for (let x: unknown = e; x instanceof Error; x = x.cause) if (x.message.includes("refused by test")) return true;
    return false;
  };

  it("Recurring with 'also run now': the report, its schedule and one manual run of the current window", async () => {
    const { member, instance } = await world();
    const created = await createReport(
      db,
      member,
      { ...base(instance.instanceId), run: { kind: "schedule", schedule: { preset: "weekly", time: "03:00", weekday: 1 }, alsoRunNow: true, idempotencyKey: "also-now-1" } },
      now,
    );
    expect(created.scheduleId).toMatch(/^sch_/);
    expect(created.executionId).toMatch(/^exec_/);
    const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, created.reportId));
    const runs = await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report!.id));
    expect(runs).toHaveLength(1);
    // The last 30 complete days before the 14-day lag, in the report's zone.
    expect(runs[0]).toMatchObject({ triggeredBy: "manual", scheduleId: null, status: "pending", timeWindowTimezone: "America/New_York" });
    expect(runs[0]!.timeWindowEnd).toEqual(new Date("2026-11-11T05:00:00Z"));
  });

  it("Backfill with a last day: the report, its backfill and one pending run per segment, newest first", async () => {
    const { member, instance } = await world();
    const created = await createReport(
      db,
      member,
      { ...base(instance.instanceId), run: { kind: "backfill", lookbackDays: 28, segmentType: "weekly", endDate: "2026-11-01" } },
      now,
    );
    expect(created.collectionId).toMatch(/^col_/);
    const [collection] = await db.select().from(reportDataCollections).where(eq(reportDataCollections.collectionId, created.collectionId!));
    expect(collection).toMatchObject({ status: "running", startDate: "2026-10-04", endDate: "2026-11-01", segmentType: "weekly" });
    const segments = await db
      .select({ start: reportExecutions.timeWindowStart, end: reportExecutions.timeWindowEnd, triggeredBy: reportExecutions.triggeredBy })
      .from(reportExecutions)
      .where(eq(reportExecutions.collectionId, collection!.id))
      .orderBy(reportExecutions.createdAt);
    expect(segments.map((s) => s.triggeredBy)).toEqual(["backfill", "backfill", "backfill", "backfill"]);
    // Local midnights in New York: 2026-10-25 is EDT (−4), 2026-11-01 00:00 still EDT.
    expect(segments[0]).toMatchObject({ start: new Date("2026-10-25T04:00:00Z"), end: new Date("2026-11-01T04:00:00Z") });
    expect(segments[3]).toMatchObject({ start: new Date("2026-10-04T04:00:00Z"), end: new Date("2026-10-11T04:00:00Z") });
  });

  it("a failure in any piece creates nothing: no report, schedule, run or backfill is left", async () => {
    const { member, instance } = await world();
    const before = await rows();
    const req = (run: Parameters<typeof createReport>[2]["run"]) => ({ ...base(instance.instanceId), run });
    // The first run of Once fails to insert.
    await expect(failingInserts("report_executions", "true", () => createReport(db, member, req({ kind: "once" }), now))).rejects.toSatisfy(refusedByTest);
    // The run-now after a schedule that was written.
    await expect(
      failingInserts("report_executions", "NEW.triggered_by = 'manual'", () =>
        createReport(db, member, req({ kind: "schedule", schedule: { preset: "daily", time: "02:00" }, alsoRunNow: true }), now),
      ),
    ).rejects.toSatisfy(refusedByTest);
    // The last segment of a backfill whose collection and first segments were written.
    await expect(
      failingInserts("report_executions", "NEW.time_window_start = '2026-10-04T04:00:00Z'", () =>
        createReport(db, member, req({ kind: "backfill", lookbackDays: 28, segmentType: "weekly", endDate: "2026-11-01" }), now),
      ),
    ).rejects.toSatisfy(refusedByTest);
    // Refused by the planner (a backfill cannot end after today) and by the schedule's cron.
    await expect(createReport(db, member, req({ kind: "backfill", lookbackDays: 28, segmentType: "weekly", endDate: "2026-12-24" }), now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: { endDate: [expect.stringContaining("after today")] },
    });
    await expect(createReport(db, member, req({ kind: "schedule", schedule: { preset: "custom", cron: "* * * * *" }, alsoRunNow: true }), now)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    expect(await rows()).toEqual(before);
  });

  it("a backfill refused by the running-backfills limit leaves no report behind", async () => {
    const { member, instance } = await world();
    const backfill = { kind: "backfill" as const, lookbackDays: 14, segmentType: "weekly" as const };
    await createReport(db, member, { ...base(instance.instanceId), run: backfill }, now);
    await createReport(db, member, { ...base(instance.instanceId), run: backfill }, now);
    const before = await rows();
    await expect(createReport(db, member, { ...base(instance.instanceId), run: backfill }, now)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(await rows()).toEqual(before);
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
