import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reportDefinitions, reportSchedules } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { makeUser } from "../../test/factories";
import { parseInput } from "../errors";
import {
  createSchedule,
  createScheduleSchema,
  deleteSchedule,
  pauseSchedule,
  previewSchedule,
  resumeSchedule,
  updateSchedule,
} from "./schedules";
import { scheduledWorld } from "../../test/scheduler-world";

const { db } = await freshDatabase();
// Wednesday 2025-03-05, 15:00 UTC.
const now = new Date("2025-03-05T15:00:00Z");
const weeklyNY = { preset: "weekly", time: "03:00", weekday: 1, timezone: "America/New_York" } as const;

const scheduleOf = async (id: string) => (await db.select().from(reportSchedules).where(eq(reportSchedules.id, id)))[0]!;
const reportOf = async (id: string) => (await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, id)))[0]!;

describe("create", () => {
  it("weekly Monday 03:00 New York: next run Mon 2025-03-10 07:00 UTC (03:00 EDT), report aligned", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    expect(s).toMatchObject({
      scheduleType: "weekly",
      cronExpression: "0 3 * * 1",
      timezone: "America/New_York",
      isActive: true,
      isPaused: false,
      nextRunAt: new Date("2025-03-10T07:00:00Z"),
      runCount: 0,
      failureCount: 0,
    });
    expect(s.scheduleId).toMatch(/^sch_[0-9a-z]{10}$/);
    // The report now resolves windows in the schedule's zone, and the overview's copies follow.
    expect(await reportOf(report.id)).toMatchObject({
      timezone: "America/New_York",
      frequency: "weekly",
      nextRunAt: new Date("2025-03-10T07:00:00Z"),
      schedulePaused: false,
    });
  });

  it("custom cron: validated, stored normalized, frequency from its cadence", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: { preset: "custom", cron: " 0  */6 * * * ", timezone: "UTC" } }, now);
    expect(s).toMatchObject({ scheduleType: "custom", cronExpression: "0 */6 * * *", nextRunAt: new Date("2025-03-05T18:00:00Z") });
    expect((await reportOf(report.id)).frequency).toBe("daily");
  });

  it("refuses bad cron, bad zone and too-frequent schedules as field errors, never a fallback", async () => {
    const { member, report } = await scheduledWorld(db);
    const attempt = async (schedule: unknown) => createSchedule(db, member, parseInput(createScheduleSchema, { reportId: report.reportId, schedule }), now);
    await expect(attempt({ preset: "custom", cron: "61 * * * *", timezone: "UTC" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      fieldErrors: { "schedule.cron": [expect.stringContaining("Invalid value for minute: 61")] },
    });
    await expect(attempt({ preset: "custom", cron: "*/15 * * * *", timezone: "UTC" })).rejects.toMatchObject({
      fieldErrors: { "schedule.cron": [expect.stringContaining("at most once an hour")] },
    });
    await expect(attempt({ ...weeklyNY, timezone: "America/Gotham" })).rejects.toMatchObject({
      fieldErrors: { "schedule.timezone": ['"America/Gotham" is not a time zone name. Use an IANA name like America/New_York or Europe/London.'] },
    });
    await expect(attempt({ preset: "daily", time: "25:00", timezone: "UTC" })).rejects.toMatchObject({
      fieldErrors: { "schedule.time": [expect.stringContaining("24-hour")] },
    });
    expect(await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id))).toHaveLength(0);
  });

  it("strict schemas: unknown keys and fields of another preset are refused, not ignored (pitfall 6)", async () => {
    const { member, report } = await scheduledWorld(db);
    const attempt = async (input: unknown) => createSchedule(db, member, parseInput(createScheduleSchema, input), now);
    await expect(attempt({ reportId: report.reportId, schedule: { ...weeklyNY, dayOfWeek: 3 } })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(attempt({ reportId: report.reportId, schedule: { preset: "monthly", time: "04:00", day: 1, weekday: 3, timezone: "UTC" } })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    await expect(attempt({ reportId: report.reportId, schedule: weeklyNY, extra: true })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    // A weekly schedule must say which day.
    await expect(attempt({ reportId: report.reportId, schedule: { preset: "weekly", time: "03:00", timezone: "UTC" } })).rejects.toMatchObject({
      fieldErrors: { "schedule.weekday": expect.any(Array) },
    });
    // The chosen weekday and day are what gets stored.
    const s = await attempt({ reportId: report.reportId, schedule: { preset: "weekly", time: "07:15", weekday: 5, timezone: "UTC" } });
    expect(s.cronExpression).toBe("15 7 * * 5");
  });

  it("one active schedule per report: a second one is a CONFLICT, also when racing", async () => {
    const { member, report } = await scheduledWorld(db);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT", message: "This report already has a schedule. Edit it, or delete it first." });
    }
  });

  it("a report on an instance not granted answers not found and nothing is created", async () => {
    const { report } = await scheduledWorld(db);
    const stranger = await makeUser(db);
    await expect(createSchedule(db, stranger, { reportId: report.reportId, schedule: weeklyNY }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id))).toHaveLength(0);
  });

  it("overrides that would make every run fail are refused when saving", async () => {
    const { member, report } = await scheduledWorld(db);
    await expect(
      createSchedule(db, member, { reportId: report.reportId, schedule: { ...weeklyNY, defaultParameters: { campaigns: [] } } }, now),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR", fieldErrors: { "schedule.defaultParameters.campaigns": expect.any(Array) } });
  });
});

describe("preview", () => {
  it("lists the next 5 runs in the schedule's zone with the window each covers (product story 2)", async () => {
    const { member, report } = await scheduledWorld(db);
    const p = await previewSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    expect(p).toMatchObject({ cron: "0 3 * * 1", timezone: "America/New_York", description: "Every Monday at 03:00 America/New_York", warnings: [] });
    expect(p.runs).toHaveLength(5);
    expect(p.runs[0]).toEqual({ at: "2025-03-10T07:00:00.000Z", local: "Mon 2025-03-10 03:00 EDT", window: "2025-02-17 – 2025-02-23" });
    expect(p.runs[1]).toMatchObject({ local: "Mon 2025-03-17 03:00 EDT", window: "2025-02-24 – 2025-03-02" });
    // Nothing saved.
    expect(await db.select().from(reportSchedules).where(eq(reportSchedules.reportId, report.id))).toHaveLength(0);
  });
});

describe("edit, pause, resume, delete", () => {
  it("edit recomputes next_run_at at once", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    const edited = await updateSchedule(
      db,
      member,
      { scheduleId: s.scheduleId, schedule: { preset: "daily", time: "02:30", timezone: "Europe/London" } },
      now,
    );
    expect(edited).toMatchObject({ scheduleType: "daily", cronExpression: "30 2 * * *", timezone: "Europe/London", nextRunAt: new Date("2025-03-06T02:30:00Z") });
    expect(await reportOf(report.id)).toMatchObject({ timezone: "Europe/London", frequency: "daily", nextRunAt: new Date("2025-03-06T02:30:00Z") });
  });

  it("pause keeps next_run_at; resume recomputes from now without replaying the paused weeks", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    const paused = await pauseSchedule(db, member, { scheduleId: s.scheduleId }, now);
    expect(paused).toMatchObject({ isPaused: true, pauseReason: "Paused by Mia Member.", nextRunAt: new Date("2025-03-10T07:00:00Z") });
    expect(await reportOf(report.id)).toMatchObject({ schedulePaused: true });
    await db.update(reportSchedules).set({ failureCount: 5 }).where(eq(reportSchedules.id, s.id));

    // Three weeks later (Wed 2025-03-26): the next run is the coming Monday, not 03-10.
    const later = new Date("2025-03-26T15:00:00Z");
    const resumed = await resumeSchedule(db, member, { scheduleId: s.scheduleId }, later);
    expect(resumed).toMatchObject({ isPaused: false, pauseReason: null, failureCount: 0, nextRunAt: new Date("2025-03-31T07:00:00Z") });
    expect(await reportOf(report.id)).toMatchObject({ schedulePaused: false, nextRunAt: new Date("2025-03-31T07:00:00Z") });
  });

  it("delete stops the schedule, keeps the report, and allows a new schedule", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    expect(await deleteSchedule(db, member, { scheduleId: s.scheduleId }, now)).toEqual({ scheduleId: s.scheduleId });
    expect(await scheduleOf(s.id)).toMatchObject({ isActive: false, nextRunAt: null });
    expect(await reportOf(report.id)).toMatchObject({ frequency: "once", nextRunAt: null, schedulePaused: false });
    await expect(pauseSchedule(db, member, { scheduleId: s.scheduleId }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const again = await createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    expect(again.isActive).toBe(true);
  });

  it("another user's schedule cannot be paused, resumed, edited or deleted", async () => {
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: weeklyNY }, now);
    const stranger = await makeUser(db);
    const ref = { scheduleId: s.scheduleId };
    await expect(pauseSchedule(db, stranger, ref, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(resumeSchedule(db, stranger, ref, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteSchedule(db, stranger, ref, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateSchedule(db, stranger, { ...ref, schedule: weeklyNY }, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await scheduleOf(s.id)).toMatchObject({ isActive: true, isPaused: false });
  });
});
