import { describe, expect, it } from "vitest";
import { resolveWindow, toAmcWindow, windowSpecSchema } from "./window";
import { startOfLocalDay } from "./zoned";

describe("resolveWindow", () => {
  it("product story 2: Monday 2025-03-10 03:00 New York, 7 days, lag 14 → [02-17, 02-24) local", () => {
    const now = new Date("2025-03-10T07:00:00Z"); // 03:00 EDT
    const w = resolveWindow({ kind: "last_days", n: 7 }, now, "America/New_York", 14);
    expect(w.start.toISOString()).toBe("2025-02-17T05:00:00.000Z");
    expect(w.end.toISOString()).toBe("2025-02-24T05:00:00.000Z");
    expect([w.firstDay, w.lastDay, w.days, w.provisional]).toEqual(["2025-02-17", "2025-02-23", 7, false]);
    expect(toAmcWindow(w)).toEqual({ start: "2025-02-17T00:00:00", end: "2025-02-24T00:00:00", timeZone: "America/New_York" });
  });

  it("is exactly N local days across a DST change (23 hours one day, not a day more)", () => {
    const now = new Date("2025-03-12T12:00:00Z");
    const w = resolveWindow({ kind: "last_days", n: 7, lagDays: 0 }, now, "America/New_York", 14);
    expect(w.firstDay).toBe("2025-03-05");
    expect(w.lastDay).toBe("2025-03-11");
    expect(w.start.toISOString()).toBe("2025-03-05T05:00:00.000Z");
    expect(w.end.toISOString()).toBe("2025-03-12T04:00:00.000Z");
    expect(w.end.getTime() - w.start.getTime()).toBe(7 * 86_400_000 - 3_600_000);
  });

  it("uses the local date in the report's zone, not UTC's (evening in America is tomorrow in UTC)", () => {
    const now = new Date("2026-11-25T03:30:00Z"); // Nov 24, 22:30 in New York
    const w = resolveWindow({ kind: "last_days", n: 1, lagDays: 0 }, now, "America/New_York", 14);
    expect([w.firstDay, w.lastDay]).toEqual(["2026-11-23", "2026-11-23"]);
  });

  it("rolling daily windows tile: consecutive days shift by one, no gap, no overlap", () => {
    const zone = "Europe/London";
    let previous: ReturnType<typeof resolveWindow> | undefined;
    for (let d = 0; d < 40; d++) {
      const now = new Date(Date.UTC(2025, 2, 15 + d, 2, 0, 0));
      const w = resolveWindow({ kind: "last_days", n: 1 }, now, zone, 14);
      if (previous) expect(w.start.getTime()).toBe(previous.end.getTime());
      previous = w;
    }
  });

  it("previous week, month and quarter are whole calendar periods before the lag boundary", () => {
    const now = new Date("2025-09-15T12:00:00Z"); // anchor with lag 14: 2025-09-01 (a Monday)
    const week = resolveWindow({ kind: "previous_week" }, now, "UTC", 14);
    expect([week.firstDay, week.lastDay]).toEqual(["2025-08-25", "2025-08-31"]);
    const month = resolveWindow({ kind: "previous_month" }, now, "UTC", 14);
    expect([month.firstDay, month.lastDay]).toEqual(["2025-08-01", "2025-08-31"]);
    const quarter = resolveWindow({ kind: "previous_quarter" }, now, "UTC", 14);
    expect([quarter.firstDay, quarter.lastDay]).toEqual(["2025-04-01", "2025-06-30"]);
    const mtd = resolveWindow({ kind: "month_to_date", lagDays: 1 }, now, "UTC", 14);
    expect([mtd.firstDay, mtd.lastDay]).toEqual(["2025-09-01", "2025-09-13"]);
    const ytd = resolveWindow({ kind: "year_to_date", lagDays: 2 }, now, "UTC", 14);
    expect([ytd.firstDay, ytd.lastDay]).toEqual(["2025-01-01", "2025-09-12"]);
  });

  it("last months clamps the day of month", () => {
    const w = resolveWindow({ kind: "last_months", n: 1, lagDays: 0 }, new Date("2025-03-31T12:00:00Z"), "UTC", 0);
    expect([w.firstDay, w.lastDay]).toEqual(["2025-02-28", "2025-03-30"]);
  });

  it("absolute dates include the end date and mark windows inside the lag provisional", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const w = resolveWindow({ kind: "absolute", start: "2026-11-01", end: "2026-11-20" }, now, "UTC", 14);
    expect(w.days).toBe(20);
    expect(w.end.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(w.provisional).toBe(true);
    const old = resolveWindow({ kind: "absolute", start: "2026-10-01", end: "2026-10-31" }, now, "UTC", 14);
    expect(old.provisional).toBe(false);
  });

  it("rejects impossible specs with field messages", () => {
    expect(windowSpecSchema.safeParse({ kind: "absolute", start: "2026-02-30", end: "2026-03-01" }).success).toBe(false);
    expect(windowSpecSchema.safeParse({ kind: "absolute", start: "2026-03-02", end: "2026-03-01" }).success).toBe(false);
    expect(windowSpecSchema.safeParse({ kind: "last_days", n: 0 }).success).toBe(false);
    expect(windowSpecSchema.safeParse({ kind: "last_days", n: 7, extra: 1 }).success).toBe(false);
  });

  it("finds the first instant of a day whose midnight does not exist", () => {
    // America/Santiago skipped 00:00 → 01:00 on 2025-09-07.
    const d = startOfLocalDay("2025-09-07", "America/Santiago");
    expect(d.toISOString()).toBe("2025-09-07T04:00:00.000Z");
  });
});

describe("provisional windows", () => {
  it("are measured against the template's data lag, whatever lag the window itself uses", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(resolveWindow({ kind: "last_days", n: 7 }, now, "UTC", 14).provisional).toBe(false);
    expect(resolveWindow({ kind: "last_days", n: 7, lagDays: 0 }, now, "UTC", 14).provisional).toBe(true);
    expect(resolveWindow({ kind: "last_days", n: 7, lagDays: 2 }, now, "UTC", 2).provisional).toBe(false);
    expect(resolveWindow({ kind: "month_to_date", lagDays: 1 }, now, "UTC", 14).provisional).toBe(true);
  });
});
