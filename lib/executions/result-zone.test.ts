import { describe, expect, it } from "vitest";
import { dayColumns, dayColumnsNote } from "./result-zone";

describe("which zone a result's day columns are in", () => {
  it("AMC's non-UTC date columns are the advertiser's zone, _utc ones UTC, others no date at all", () => {
    expect(dayColumns(["event_date", "impression_dt_hour", "conversion_event_date_utc", "campaign", "impressions", "update_frequency", "dayparting"])).toEqual({
      advertiser: ["event_date", "impression_dt_hour"],
      utc: ["conversion_event_date_utc"],
    });
  });

  it("says UTC only when every day column is a _utc one, and nothing without day columns", () => {
    expect(dayColumnsNote(["impression_date_utc", "users"])).toBe("Dates in this result (impression_date_utc) are in UTC.");
    expect(dayColumnsNote(["campaign", "users"])).toBeNull();
    const mixed = dayColumnsNote(["event_date", "event_date_utc"])!;
    expect(mixed).toMatch(/^Dates in this result \(event_date\) are in the advertiser's time zone/);
    expect(mixed).toMatch(/event_date_utc is in UTC\.$/);
  });

  it("names the advertiser's zone when known, and warns when the window's zone differs", () => {
    expect(dayColumnsNote(["day"], { advertiser: "America/New_York", window: "America/New_York" })).toBe(
      "Dates in this result (day) are in the advertiser's time zone, America/New_York, as AMC reports them.",
    );
    expect(dayColumnsNote(["day"], { advertiser: "America/New_York", window: "UTC" })).toMatch(/window was in UTC, so the result can hold one more date/);
  });
});
