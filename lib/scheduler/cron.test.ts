import { describe, expect, it } from "vitest";
import { localDate } from "../params/zoned";
import { WEEK_DOWN } from "../../test/scheduler-world";
import {
  checkCron,
  checkTimeZone,
  cronWarnings,
  describeSchedule,
  dueOccurrences,
  nextRunAfter,
  nextRuns,
  PRESET_CRON,
  presetCron,
  presetOf,
} from "./cron";

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe("presets", () => {
  it("are product.md's cron strings by default", () => {
    expect(PRESET_CRON).toEqual({ daily: "0 2 * * *", weekly: "0 3 * * 1", monthly: "0 4 1 * *", quarterly: "0 5 1 1,4,7,10 *" });
    expect(presetCron("daily")).toBe("0 2 * * *");
    expect(presetCron("weekly")).toBe("0 3 * * 1");
    expect(presetCron("monthly")).toBe("0 4 1 * *");
    expect(presetCron("quarterly")).toBe("0 5 1 1,4,7,10 *");
  });

  it("take the chosen time, weekday and day, and read back to the same choice (pitfall 6)", () => {
    const cases = [
      { preset: "daily", time: "06:45" },
      { preset: "weekly", time: "07:15", weekday: 5 },
      { preset: "weekly", time: "00:00", weekday: 0 },
      { preset: "monthly", time: "23:59", day: 28 },
      { preset: "monthly", time: "04:00", day: "L" },
      { preset: "quarterly", time: "05:30", day: 15 },
    ] as const;
    for (const c of cases) {
      const cron = presetCron(c.preset, c);
      expect(presetOf(cron)).toEqual(c);
    }
    expect(presetCron("weekly", { time: "07:15", weekday: 5 })).toBe("15 7 * * 5");
    expect(presetCron("monthly", { time: "04:00", day: "L" })).toBe("0 4 L * *");
    expect(presetOf("*/5 * * * *")).toBeNull();
    expect(presetOf("0 3 * * 1-5")).toBeNull();
  });

  it("describe themselves in plain words", () => {
    expect(describeSchedule("0 3 * * 1", "America/New_York")).toBe("Every Monday at 03:00 America/New_York");
    expect(describeSchedule("0 2 * * *", "UTC")).toBe("Every day at 02:00 UTC");
    expect(describeSchedule("0 4 1 * *", "Europe/London")).toBe("Monthly on the 1st at 04:00 Europe/London");
    expect(describeSchedule("30 6 L * *", "UTC")).toBe("Monthly on the last day at 06:30 UTC");
    expect(describeSchedule("0 5 1 1,4,7,10 *", "UTC")).toBe("Quarterly (Jan, Apr, Jul, Oct) on the 1st at 05:00 UTC");
    expect(describeSchedule("0 */6 * * *", "UTC")).toBe("Custom: 0 */6 * * * (UTC)");
  });

  it("the last day of the month is the last day, February included", () => {
    expect(iso(nextRuns("0 4 L * *", "UTC", new Date("2028-01-15T00:00:00Z"), 3))).toEqual([
      "2028-01-31T04:00:00.000Z",
      "2028-02-29T04:00:00.000Z",
      "2028-03-31T04:00:00.000Z",
    ]);
  });
});

describe("custom cron validation", () => {
  it("accepts valid 5-field expressions at most hourly, normalizing spaces", () => {
    expect(checkCron("0 * * * *")).toEqual({ ok: true, value: "0 * * * *" });
    expect(checkCron("  15   */6 * * 1-5 ")).toEqual({ ok: true, value: "15 */6 * * 1-5" });
    expect(checkCron("0 8 1-3 * 1-5")).toEqual({ ok: true, value: "0 8 1-3 * 1-5" });
    expect(checkCron("0 9 * * MON")).toMatchObject({ ok: true });
  });

  it("refuses invalid ones with a message that says what is wrong", () => {
    expect(checkCron("")).toMatchObject({ ok: false, message: expect.stringContaining("Enter a cron expression") });
    expect(checkCron("0 3 * *")).toMatchObject({ ok: false, message: expect.stringContaining("exactly five fields") });
    expect(checkCron("0 0 3 * * 1")).toMatchObject({ ok: false, message: expect.stringContaining("has 6") });
    expect(checkCron("61 * * * *")).toEqual({
      ok: false,
      message: '"61 * * * *" is not a valid cron expression: Invalid value for minute: 61. Fields: minute hour day-of-month month weekday.',
    });
    expect(checkCron("0 24 * * *")).toMatchObject({ ok: false, message: expect.stringContaining("hour: 24") });
    expect(checkCron("0 0 * * 8")).toMatchObject({ ok: false, message: expect.stringContaining("dayOfWeek") });
    expect(checkCron("every monday")).toMatchObject({ ok: false, message: expect.stringContaining("five fields") });
    expect(checkCron("@daily")).toMatchObject({ ok: false, message: expect.stringContaining("Nicknames") });
    expect(checkCron("0 0 30 2 *")).toMatchObject({ ok: false, message: expect.stringContaining("never runs") });
  });

  it("refuses anything more frequent than hourly, wherever in the pattern it hides", () => {
    expect(checkCron("* * * * *")).toMatchObject({ ok: false, message: expect.stringContaining("runs every minute") });
    expect(checkCron("*/30 * * * *")).toMatchObject({ ok: false, message: expect.stringContaining("every 30 minutes") });
    expect(checkCron("0,30 9 * * *")).toMatchObject({ ok: false, message: expect.stringContaining("at most once an hour") });
    // Only on the first of the month, at 09:00 and 09:45.
    expect(checkCron("0,45 9 1 * *")).toMatchObject({ ok: false, message: expect.stringContaining("every 45 minutes") });
    expect(checkCron("0,59 0,23 * * *")).toMatchObject({ ok: false });
    // Exactly hourly is fine.
    expect(checkCron("30 * * * *")).toMatchObject({ ok: true });
    expect(checkCron("0 0-23 * * *")).toMatchObject({ ok: true });
  });

  it("warns that day-of-month and weekday combine with OR (pitfall 7)", () => {
    expect(cronWarnings("0 8 1-3 * 1-5")).toHaveLength(1);
    expect(cronWarnings("0 8 * * 1-5")).toHaveLength(0);
    // "First business day" is not what cron does: it runs on every weekday, and the 1st–3rd.
    const runs = nextRuns("0 8 1-3 * 1-5", "UTC", new Date("2025-01-15T00:00:00Z"), 3);
    expect(iso(runs)).toEqual(["2025-01-15T08:00:00.000Z", "2025-01-16T08:00:00.000Z", "2025-01-17T08:00:00.000Z"]);
  });
});

describe("time zones", () => {
  it("accepts IANA names, returning the canonical spelling", () => {
    expect(checkTimeZone("America/New_York")).toEqual({ ok: true, value: "America/New_York" });
    expect(checkTimeZone("europe/london")).toEqual({ ok: true, value: "Europe/London" });
    expect(checkTimeZone("UTC")).toEqual({ ok: true, value: "UTC" });
    expect(checkTimeZone("US/Eastern")).toEqual({ ok: true, value: "America/New_York" });
  });

  it("refuses unknown names and offsets by name", () => {
    expect(checkTimeZone("Mars/Olympus_Mons")).toEqual({
      ok: false,
      message: '"Mars/Olympus_Mons" is not a time zone name. Use an IANA name like America/New_York or Europe/London.',
    });
    expect(checkTimeZone("+05:00")).toMatchObject({ ok: false });
    expect(checkTimeZone("")).toMatchObject({ ok: false });
    expect(checkTimeZone("America/New York")).toMatchObject({ ok: false });
  });
});

describe("next runs", () => {
  it("product story 2: Mondays 03:00 New York → 07:00 UTC in March after the change, 08:00 before", () => {
    const runs = nextRuns("0 3 * * 1", "America/New_York", new Date("2025-03-01T00:00:00Z"), 3);
    expect(iso(runs)).toEqual(["2025-03-03T08:00:00.000Z", "2025-03-10T07:00:00.000Z", "2025-03-17T07:00:00.000Z"]);
  });

  it("the next run is strictly after the slot that ran (pitfall 2)", () => {
    const slot = new Date("2025-03-10T07:00:00Z");
    expect(nextRunAfter("0 3 * * 1", "America/New_York", slot).toISOString()).toBe("2025-03-17T07:00:00.000Z");
    expect(nextRunAfter("0 3 * * 1", "America/New_York", new Date(slot.getTime() - 1)).toISOString()).toBe(slot.toISOString());
    expect(nextRunAfter("0 3 * * 1", "America/New_York", new Date(slot.getTime() + 1)).toISOString()).toBe("2025-03-17T07:00:00.000Z");
  });
});

/**
 * A scheduler's view of a daily schedule across a DST change: start from the first slot after
 * `from`, advance from each slot as materialize does, and list the local dates the runs fall on.
 */
function chain(cron: string, zone: string, from: string, count: number) {
  const slots: Date[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    at = nextRunAfter(cron, zone, at);
    slots.push(at);
  }
  return slots;
}

/** The next runs of `cron` after `from` are exactly `expected`, one per local day from the first. */
function expectDailyRuns(cron: string, zone: string, from: string, expected: string[]) {
  const slots = chain(cron, zone, from, expected.length);
  expect(iso(slots)).toEqual(expected);
  expectOncePerDay(slots, zone, localDate(slots[0]!, zone));
}

function expectOncePerDay(slots: Date[], zone: string, firstDay: string) {
  const days = slots.map((s) => localDate(s, zone));
  // One run per local day, every day, in order: never twice, never skipped.
  const expected = days.map((_, i) => {
    const d = new Date(`${firstDay}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });
  expect(days).toEqual(expected);
}

describe("daylight saving (pitfall 5)", () => {
  // What croner does, verified here: a fixed-time job whose time does not exist that day (the
  // spring-forward gap) runs at the first instant after the gap, once; a time that occurs twice
  // (fall back) runs on its first occurrence only.

  it("New York spring forward (2025-03-09): 02:30 does not exist, the run is at 03:00 EDT, once", () => {
    expectDailyRuns("30 2 * * *", "America/New_York", "2025-03-07T12:00:00Z", [
      "2025-03-08T07:30:00.000Z", // 02:30 EST
      "2025-03-09T07:00:00.000Z", // 03:00 EDT: 02:30 skipped by the clock, run right after the gap
      "2025-03-10T06:30:00.000Z", // 02:30 EDT
      "2025-03-11T06:30:00.000Z",
      "2025-03-12T06:30:00.000Z",
    ]);
  });

  it("New York fall back (2025-11-02): 02:30 once; 01:30, which happens twice, runs once", () => {
    expectDailyRuns("30 2 * * *", "America/New_York", "2025-10-31T12:00:00Z", [
      "2025-11-01T06:30:00.000Z", // 02:30 EDT
      "2025-11-02T07:30:00.000Z", // 02:30 EST (after the repeated hour)
      "2025-11-03T07:30:00.000Z",
      "2025-11-04T07:30:00.000Z",
    ]);
    expectDailyRuns("30 1 * * *", "America/New_York", "2025-10-31T12:00:00Z", [
      "2025-11-01T05:30:00.000Z",
      "2025-11-02T05:30:00.000Z", // the first 01:30 (EDT); the second (06:30Z, EST) does not run
      "2025-11-03T06:30:00.000Z",
      "2025-11-04T06:30:00.000Z",
    ]);
  });

  it("London spring forward (2025-03-30): 02:30 BST exists and runs once; 01:30 (in the gap) runs at 02:00 BST", () => {
    expectDailyRuns("30 2 * * *", "Europe/London", "2025-03-28T12:00:00Z", [
      "2025-03-29T02:30:00.000Z", // GMT
      "2025-03-30T01:30:00.000Z", // 02:30 BST
      "2025-03-31T01:30:00.000Z",
      "2025-04-01T01:30:00.000Z",
    ]);
    expectDailyRuns("30 1 * * *", "Europe/London", "2025-03-28T12:00:00Z", ["2025-03-29T01:30:00.000Z", "2025-03-30T01:00:00.000Z", "2025-03-31T00:30:00.000Z"]);
  });

  it("London fall back (2025-10-26): 02:30 once; the repeated 01:30 once", () => {
    expectDailyRuns("30 2 * * *", "Europe/London", "2025-10-24T12:00:00Z", [
      "2025-10-25T01:30:00.000Z", // 02:30 BST
      "2025-10-26T02:30:00.000Z", // 02:30 GMT
      "2025-10-27T02:30:00.000Z",
      "2025-10-28T02:30:00.000Z",
    ]);
    expectDailyRuns("30 1 * * *", "Europe/London", "2025-10-24T12:00:00Z", ["2025-10-25T00:30:00.000Z", "2025-10-26T00:30:00.000Z", "2025-10-27T01:30:00.000Z"]);
  });

  it("a time list keeps both times on the spring-forward day (no-wildcard rule), never the same instant twice", () => {
    expect(iso(nextRuns("30 2,3 * * *", "America/New_York", new Date("2025-03-09T05:00:00Z"), 3))).toEqual([
      "2025-03-09T07:00:00.000Z", // 02:30 → 03:00 EDT
      "2025-03-09T07:30:00.000Z", // 03:30 EDT
      "2025-03-10T06:30:00.000Z",
    ]);
    // 02:00 maps to 03:00, which is also a slot: it runs once.
    expect(iso(nextRuns("0 1,2,3 * * *", "America/New_York", new Date("2025-03-09T05:00:00Z"), 3))).toEqual([
      "2025-03-09T06:00:00.000Z",
      "2025-03-09T07:00:00.000Z",
      "2025-03-10T05:00:00.000Z",
    ]);
  });

  it("hourly runs every elapsed hour: 23 runs on the short day, 25 on the long one", () => {
    const count = (fromIso: string, toIso: string) =>
      nextRuns("0 * * * *", "America/New_York", new Date(new Date(fromIso).getTime() - 1), 30).filter((d) => d < new Date(toIso)).length;
    expect(count("2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z")).toBe(23);
    expect(count("2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z")).toBe(25);
  });
});

describe("due occurrences (missed runs)", () => {
  const zone = "America/New_York";

  it("nothing missed: the slot itself runs, next is the following occurrence", () => {
    const slot = new Date("2025-03-10T07:00:00Z");
    const d = dueOccurrences("0 3 * * 1", zone, slot, new Date("2025-03-10T07:00:30Z"));
    expect(d).toEqual({ latest: slot, skipped: [], skippedUnrecorded: 0, next: new Date("2025-03-17T07:00:00Z"), offPattern: null });
  });

  it("a week down for a daily schedule: runs the latest, skips the others, then resumes the cadence", () => {
    const d = dueOccurrences(WEEK_DOWN.cron, zone, WEEK_DOWN.due, WEEK_DOWN.back);
    expect(d.latest).toEqual(WEEK_DOWN.latest);
    expect(iso(d.skipped)).toEqual(WEEK_DOWN.skipped);
    expect(d.next.toISOString()).toBe("2025-03-11T06:00:00.000Z");
  });

  it("never runs a slot before it is due", () => {
    const from = new Date("2025-03-10T07:00:00Z");
    const d = dueOccurrences("0 3 * * 1", zone, from, new Date("2025-03-10T06:59:59Z"));
    expect(d.latest).toBeNull();
    expect(d.next.toISOString()).toBe(from.toISOString());
  });

  it("a next_run_at that is not an occurrence is corrected to the first one after it", () => {
    const d = dueOccurrences("0 3 * * 1", zone, new Date("2025-03-05T12:00:00Z"), new Date("2025-03-06T00:00:00Z"));
    expect(d.latest).toBeNull();
    expect(d.next.toISOString()).toBe("2025-03-10T07:00:00.000Z");
    // Said, so the caller records it: the instant that was due is not silently dropped.
    expect(d.offPattern?.toISOString()).toBe("2025-03-05T12:00:00.000Z");
  });

  it("records at most the newest N skipped slots and counts the rest", () => {
    const d = dueOccurrences("0 * * * *", "UTC", new Date("2025-01-01T00:00:00Z"), new Date("2025-01-02T00:00:00Z"), 5);
    expect(d.latest?.toISOString()).toBe("2025-01-02T00:00:00.000Z");
    expect(d.skipped).toHaveLength(5);
    expect(d.skipped[0]!.toISOString()).toBe("2025-01-01T19:00:00.000Z");
    expect(d.skippedUnrecorded).toBe(19);
  });
});
