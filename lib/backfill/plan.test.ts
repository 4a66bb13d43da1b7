import { describe, expect, it } from "vitest";
import { SEGMENT_TYPES } from "../../db/schema/collections";
import { addDays, daysBetween, firstOfMonth, firstOfQuarter, isoWeekday, localDate, startOfLocalDay } from "../params/zoned";
import { mulberry32 } from "../random";
import { planSegments, PlanError, type Plan } from "./plan";

describe("product story 4 and §3.5 examples", () => {
  it("180 days weekly, requested 2025-09-15 with lag 14 → [2025-03-05, 2025-09-01), 26 segments", () => {
    const plan = planSegments({
      lookbackDays: 180,
      segmentType: "weekly",
      zone: "America/New_York",
      lagDays: 14,
      now: new Date("2025-09-15T15:00:00Z"),
    });
    expect(plan.start).toBe("2025-03-05");
    expect(plan.end).toBe("2025-09-01");
    expect(plan.segments).toHaveLength(26);
    expect(plan.segments[0]).toMatchObject({ start: "2025-08-25", end: "2025-09-01", lastDay: "2025-08-31", days: 7, partial: false });
    expect(plan.segments.at(-1)).toMatchObject({ start: "2025-03-05", end: "2025-03-10", days: 5, partial: true });
    expect(plan.segments.filter((s) => s.partial)).toHaveLength(1);
    // Local midnights in New York (EDT in September, EST in March).
    expect(plan.segments[0]!.endInstant.toISOString()).toBe("2025-09-01T04:00:00.000Z");
    expect(plan.segments.at(-1)!.startInstant.toISOString()).toBe("2025-03-05T05:00:00.000Z");
  });

  it.each([
    [180, 26],
    [90, 13],
    [365, 53],
    [7, 1],
    [8, 2],
  ])("%i days weekly → %i segments", (days, n) => {
    const plan = planSegments({ lookbackDays: days, segmentType: "weekly", zone: "UTC", now: new Date("2026-11-25T12:00:00Z") });
    expect(plan.segments).toHaveLength(n);
  });

  it("monthly and quarterly are calendar aligned, with partial edges marked", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const m = planSegments({ lookbackDays: 90, segmentType: "monthly", zone: "Europe/Berlin", endDate: "2026-11-11", now });
    // [2026-08-13, 2026-11-11)
    expect(m.segments.map((s) => [s.start, s.end, s.partial])).toEqual([
      ["2026-11-01", "2026-11-11", true],
      ["2026-10-01", "2026-11-01", false],
      ["2026-09-01", "2026-10-01", false],
      ["2026-08-13", "2026-09-01", true],
    ]);
    const q = planSegments({ lookbackDays: 365, segmentType: "quarterly", zone: "UTC", endDate: "2026-10-01", now: new Date("2026-10-20T12:00:00Z") });
    expect(q.segments.map((s) => [s.start, s.end, s.partial])).toEqual([
      ["2026-07-01", "2026-10-01", false],
      ["2026-04-01", "2026-07-01", false],
      ["2026-01-01", "2026-04-01", false],
      ["2025-10-01", "2026-01-01", false],
    ]);
    const d = planSegments({ lookbackDays: 3, segmentType: "daily", zone: "UTC", endDate: "2026-03-02", now });
    expect(d.segments.map((s) => s.start)).toEqual(["2026-03-01", "2026-02-28", "2026-02-27"]);
  });

  it("refuses more than 365 days, more than the collection's max, or before AMC's 13 months", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(() => planSegments({ lookbackDays: 366, segmentType: "weekly", zone: "UTC", now })).toThrow(PlanError);
    expect(() => planSegments({ lookbackDays: 120, maxLookbackDays: 90, segmentType: "weekly", zone: "UTC", now })).toThrow(/at most 90 days/);
    expect(() => planSegments({ lookbackDays: 0, segmentType: "daily", zone: "UTC", now })).toThrow(PlanError);
    expect(() => planSegments({ lookbackDays: 365, segmentType: "weekly", zone: "UTC", endDate: "2026-01-01", now })).toThrow(/13 months/);
    expect(() => planSegments({ lookbackDays: 7, segmentType: "weekly", zone: "UTC", endDate: "2026-12-01", now })).toThrow(/after today/);
  });
});

const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham", "America/Havana", "Europe/London"];

function checkTiling(plan: Plan) {
  const segs = plan.segments;
  // Newest first, contiguous: each segment ends where the newer one starts.
  expect(segs[0]!.end).toBe(plan.end);
  expect(segs.at(-1)!.start).toBe(plan.start);
  for (let i = 1; i < segs.length; i++) {
    expect(segs[i]!.end).toBe(segs[i - 1]!.start);
    expect(segs[i]!.endInstant.getTime()).toBe(segs[i - 1]!.startInstant.getTime());
  }
  // Sum of lengths = the range; every day exactly once.
  expect(segs.reduce((a, s) => a + s.days, 0)).toBe(plan.lookbackDays);
  expect(daysBetween(plan.start, plan.end)).toBe(plan.lookbackDays);
  const seen = new Set<string>();
  for (const s of segs) {
    expect(s.days).toBeGreaterThan(0);
    expect(daysBetween(s.start, s.end)).toBe(s.days);
    expect(s.lastDay).toBe(addDays(s.end, -1));
    for (let d = s.start; d < s.end; d = addDays(d, 1)) {
      expect(seen.has(d)).toBe(false);
      seen.add(d);
    }
    // Instants are the local midnights of the dates in the plan's zone.
    expect(localDate(s.startInstant, plan.zone)).toBe(s.start);
    expect(localDate(s.endInstant, plan.zone)).toBe(s.end);
    expect(s.startInstant.getTime()).toBe(startOfLocalDay(s.start, plan.zone).getTime());
    expect(s.endInstant.getTime()).toBeGreaterThan(s.startInstant.getTime());
  }
  expect(seen.size).toBe(plan.lookbackDays);
  for (let d = plan.start; d < plan.end; d = addDays(d, 1)) expect(seen.has(d)).toBe(true);

  // Shape per type.
  segs.forEach((s, i) => {
    const oldest = i === segs.length - 1;
    const newest = i === 0;
    switch (plan.segmentType) {
      case "daily":
        expect(s.days).toBe(1);
        break;
      case "weekly":
        if (!oldest) expect(s.days).toBe(7);
        expect(s.partial).toBe(s.days < 7);
        if (!oldest) expect(isoWeekday(s.start)).toBe(isoWeekday(plan.end));
        break;
      case "monthly":
        if (!oldest) expect(s.start).toBe(firstOfMonth(s.start));
        if (!newest) expect(s.end).toBe(firstOfMonth(s.end));
        expect(firstOfMonth(s.start)).toBe(firstOfMonth(s.lastDay));
        break;
      case "quarterly":
        if (!oldest) expect(s.start).toBe(firstOfQuarter(s.start));
        if (!newest) expect(s.end).toBe(firstOfQuarter(s.end));
        expect(firstOfQuarter(s.start)).toBe(firstOfQuarter(s.lastDay));
        break;
    }
    if (!oldest && !newest) expect(s.partial).toBe(false);
  });
}

describe("segments tile the range exactly (property-style)", () => {
  it("over 150 random periods, zones (DST included) and all segment types", () => {
    const rand = mulberry32(20261125); // deterministic, so failures reproduce
    let checked = 0;
    for (let k = 0; k < 150; k++) {
      const zone = ZONES[Math.floor(rand() * ZONES.length)]!;
      const segmentType = SEGMENT_TYPES[Math.floor(rand() * SEGMENT_TYPES.length)]!;
      // "now" anywhere in 2020–2030, any time of day.
      const now = new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 11 * 365 * 86_400_000));
      const lookbackDays = 1 + Math.floor(rand() * 365);
      const lagDays = Math.floor(rand() * 31);
      const plan = planSegments({ lookbackDays, segmentType, zone, lagDays, now });
      expect(plan.end).toBe(addDays(localDate(now, zone), -lagDays));
      checkTiling(plan);
      checked++;
    }
    expect(checked).toBe(150);
  }, 120_000);

  it("ranges crossing DST changes in every zone, every type, with explicit end dates", () => {
    for (const zone of ZONES) {
      for (const segmentType of SEGMENT_TYPES) {
        for (const endDate of ["2026-03-30", "2026-04-06", "2026-10-26", "2026-11-02", "2027-01-01"]) {
          for (const lookbackDays of [1, 7, 31, 92, 300]) {
            checkTiling(planSegments({ lookbackDays, segmentType, zone, endDate, now: startOfLocalDay(addDays(endDate, 14), "UTC") }));
          }
        }
      }
    }
  }, 120_000);
});
