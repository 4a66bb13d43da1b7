import { describe, expect, it } from "vitest";
import { checkParameters, estimateCost, type CheckInput } from "./check";
import type { ParamDef } from "./definitions";

const campaigns: ParamDef = { name: "campaigns", label: "Campaigns", type: "campaign_list", required: true, defaultValue: undefined, rules: {} };
const base: CheckInput = {
  sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) GROUP BY 1",
  defs: [campaigns],
  dataLagDays: 14,
  values: { campaigns: "c1\nc2" },
  window: { kind: "last_days", n: 30 },
  timeZone: "America/New_York",
  now: new Date("2026-11-25T15:00:00Z"),
};

describe("checkParameters", () => {
  it("valid input: the rendered SQL, the resolved window with zone and lag, low cost, no warnings", () => {
    const r = checkParameters(base);
    expect(r).toMatchObject({
      valid: true,
      errors: [],
      formErrors: [],
      warnings: [],
      values: { campaigns: ["c1", "c2"] },
      estimatedCost: "low",
      timeWindow: {
        start: "2026-10-12T00:00:00",
        end: "2026-11-11T00:00:00",
        timeZone: "America/New_York",
        firstDay: "2026-10-12",
        lastDay: "2026-11-10",
        days: 30,
        lagDays: 14,
        provisional: false,
        startUtc: "2026-10-12T04:00:00.000Z",
        endUtc: "2026-11-11T05:00:00.000Z",
      },
    });
    expect(r.previewSql).toContain("IN ('c1', 'c2')");
  });

  it("invalid values: coded field errors and no SQL", () => {
    const r = checkParameters({ ...base, values: { campaigns: [], other: 1 } });
    expect(r.valid).toBe(false);
    expect(r.previewSql).toBeNull();
    expect(r.errors).toEqual([{ field: "campaigns", code: "required", message: "Campaigns is required." }]);
    expect(r.formErrors.map((f) => f.code)).toEqual(["unknown_parameter"]);
  });

  it("a window ending inside the lag needs the opt-in; with it, it is valid and warned about", () => {
    const inLag = { ...base, window: { kind: "last_days" as const, n: 7, lagDays: 0 } };
    const refused = checkParameters(inLag);
    expect(refused.valid).toBe(false);
    expect(refused.previewSql).toBeNull();
    expect(refused.formErrors).toEqual([expect.objectContaining({ code: "provisional_window" })]);
    expect(refused.timeWindow.provisional).toBe(true);

    const accepted = checkParameters({ ...base, window: { ...inLag.window, includeProvisional: true } });
    expect(accepted.valid).toBe(true);
    expect(accepted.warnings).toEqual([expect.objectContaining({ code: "provisional_window" })]);
  });

  it("warns about large lists, long windows and windows beyond AMC's retention; cost grows with them", () => {
    const many = Array.from({ length: 80 }, (_, i) => `c${i}`);
    const r = checkParameters({ ...base, values: { campaigns: many }, window: { kind: "absolute", start: "2025-06-01", end: "2026-01-31" } });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.code).sort()).toEqual(["beyond_retention", "large_list", "long_window"]);
    expect(r.warnings.find((w) => w.code === "large_list")?.field).toBe("campaigns");
    expect(r.estimatedCost).toBe("high");
    expect(estimateCost(7, 3)).toBe("low");
    expect(estimateCost(60, 3)).toBe("medium");
    expect(estimateCost(30, 200)).toBe("medium");
    expect(estimateCost(30, 900)).toBe("high");
  });
});
