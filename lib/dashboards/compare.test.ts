import { describe, expect, it } from "vitest";
import {
  alignSeries,
  change,
  comparedPeriods,
  dayLastYear,
  deltaCells,
  direction,
  formatPct,
  matchRowsByKey,
  periodQuerySchema,
  previousPeriod,
  rowKey,
  samePeriodLastYear,
  shiftDate,
  valueColumns,
} from "./compare";

describe("periods", () => {
  it("previous period has the same length and ends the day before", () => {
    expect(previousPeriod({ from: "2026-10-05", to: "2026-10-11" })).toEqual({ from: "2026-09-28", to: "2026-10-04" });
    expect(previousPeriod({ from: "2026-03-01", to: "2026-03-01" })).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    // Across a year end and a leap day: 31 days back from 2024-03-30.
    expect(previousPeriod({ from: "2024-03-01", to: "2024-03-31" })).toEqual({ from: "2024-01-30", to: "2024-02-29" });
  });

  it("same period last year keeps the calendar days; 29 February becomes the 28th", () => {
    expect(samePeriodLastYear({ from: "2026-10-05", to: "2026-10-11" })).toEqual({ from: "2025-10-05", to: "2025-10-11" });
    expect(dayLastYear("2024-02-29")).toBe("2023-02-28");
    expect(dayLastYear("2026-01-01")).toBe("2025-01-01");
  });

  it("parses the period query and says what is wrong instead of throwing", () => {
    const ok = periodQuerySchema.parse({ from: "2026-10-05", to: "2026-10-11", cmp_from: "2026-09-28", cmp_to: "2026-10-04", other: "x" });
    expect(comparedPeriods(ok)).toEqual({ current: { from: "2026-10-05", to: "2026-10-11" }, base: { from: "2026-09-28", to: "2026-10-04" } });
    expect(comparedPeriods(periodQuerySchema.parse({ from: "2026-10-05", to: "2026-10-11" }))).toBeNull();
    expect(comparedPeriods(periodQuerySchema.parse({}))).toBeNull();
    // Empty inputs of a submitted form are absent.
    expect(periodQuerySchema.parse({ from: "", to: "", cmp_from: "", cmp_to: "", cmp: "" })).toEqual({});
    expect(periodQuerySchema.parse({ cmp: "previous" }).cmp).toBe("previous");
    // A preset against the range resolves to dates; without a range there is nothing to resolve.
    expect(comparedPeriods(periodQuerySchema.parse({ from: "2026-10-05", to: "2026-10-11", cmp: "previous", cmp_from: "2020-01-01" }))).toEqual({
      current: { from: "2026-10-05", to: "2026-10-11" },
      base: { from: "2026-09-28", to: "2026-10-04" },
    });
    expect(comparedPeriods(periodQuerySchema.parse({ from: "2026-10-05", to: "2026-10-11", cmp: "last_year" }))!.base).toEqual({ from: "2025-10-05", to: "2025-10-11" });
    expect(comparedPeriods(periodQuerySchema.parse({ cmp: "previous" }))).toBeNull();
    // The form's "no comparison" ignores its date inputs.
    const none = periodQuerySchema.parse({ from: "2026-10-05", to: "2026-10-11", cmp: "none", cmp_from: "2026-09-28" });
    expect(comparedPeriods(none)).toBeNull();

    const message = (q: Record<string, unknown>) => {
      const r = periodQuerySchema.safeParse(q);
      return r.success ? null : r.error.issues[0]!.message;
    };
    expect(message({ from: "2026-13-01" })).toBe("The start date must be a date as YYYY-MM-DD.");
    expect(message({ cmp_from: "2026-02-30", cmp_to: "2026-03-01", from: "2026-03-01", to: "2026-03-02" })).toMatch(/comparison start date must be a date/);
    expect(message({ from: "yesterday" })).toMatch(/YYYY-MM-DD/);
    expect(message({ from: ["2026-01-01", "2026-01-02"] })).toBe("Give one start date.");
    expect(message({ from: "2026-10-11", to: "2026-10-05" })).toBe("The end date is before the start date.");
    expect(message({ from: "2026-10-05", to: "2026-10-11", cmp_from: "2026-10-04", cmp_to: "2026-09-28" })).toMatch(/comparison's end date is before/);
    expect(message({ from: "2026-10-05", to: "2026-10-11", cmp_from: "2026-09-28" })).toBe("Give both dates of the period to compare with.");
    expect(message({ cmp_from: "2026-09-28", cmp_to: "2026-10-04" })).toMatch(/Choose the date range/);
    expect(message({ cmp: "tomorrow" })).toMatch(/previous period/);
  });
});

describe("change, delta and %", () => {
  it("computes delta and % of the base, null where there is nothing to compare", () => {
    expect(change(150, 100)).toEqual({ delta: 50, pct: 50 });
    expect(change(50, 100)).toEqual({ delta: -50, pct: -50 });
    // A zero base has a delta but no %.
    expect(change(5, 0)).toEqual({ delta: 5, pct: null });
    expect(change(0, 0)).toEqual({ delta: 0, pct: null });
    // A loss that shrank is up, relative to the loss's size.
    expect(change(-5, -10)).toEqual({ delta: 5, pct: 50 });
    for (const [a, b] of [[null, 1], [1, null], [undefined, 1], [Number.NaN, 1], [1, Number.POSITIVE_INFINITY]] as const) {
      expect(change(a, b)).toEqual({ delta: null, pct: null });
    }
  });

  it("formats % with its sign, and a direction for the color", () => {
    expect(formatPct(12.345)).toBe("+12.3%");
    expect(formatPct(-3)).toBe("−3.0%");
    expect(formatPct(0.01)).toBe("0.0%");
    expect(formatPct(1234.5)).toBe("+1,234.5%");
    expect(formatPct(null)).toBe("—");
    expect(direction(change(2, 1))).toBe("up");
    expect(direction(change(1, 2))).toBe("down");
    expect(direction(change(1, 1))).toBe("none");
    expect(direction(change(null, 1))).toBe("none");
  });

  it("export delta cells keep the inputs' precision and stay plain decimals", () => {
    expect(deltaCells("12.34", "10.1")).toEqual(["2.24", "22.18"]);
    expect(deltaCells("100", "80")).toEqual(["20", "25"]);
    expect(deltaCells("80", "100")).toEqual(["-20", "-20"]);
    expect(deltaCells("5", "0")).toEqual(["5", null]);
    expect(deltaCells("0.0000001", "0.0000002")).toEqual(["-0.0000001", "-50"]);
    // 17 decimals in, at most 15 out: no float noise, still a plain decimal.
    expect(deltaCells("0.10000000000000001", "0.3")).toEqual(["-0.2", "-66.67"]);
    expect(deltaCells("1", "1")).toEqual(["0", "0"]);
    expect(deltaCells(null, "1")).toEqual([null, null]);
    expect(deltaCells("1", null)).toEqual([null, null]);
    expect(deltaCells("n/a", "1")).toEqual([null, null]);
    expect(deltaCells("", "1")).toEqual([null, null]);
  });
});

describe("aligning two periods' series", () => {
  it("lines days up by offset from each period's start, nulls where one side lacks a day", () => {
    const current = { categories: ["2026-10-05", "2026-10-06", "2026-10-08"], series: [{ name: "spend", values: [10, 20, 40] }] };
    const base = { categories: ["2026-09-28", "2026-09-29", "2026-09-30"], series: [{ name: "spend", values: [5, null, 15] }] };
    const r = alignSeries(current, base, { current: "2026-10-05", base: "2026-09-28" });
    expect(r.byOffset).toBe(true);
    expect(r.names).toEqual(["spend"]);
    expect(r.rows).toEqual([
      { x: "2026-10-05", baseX: "2026-09-28", offset: 0, current: [10], base: [5] },
      { x: "2026-10-06", baseX: "2026-09-29", offset: 1, current: [20], base: [null] },
      { x: null, baseX: "2026-09-30", offset: 2, current: [null], base: [15] },
      { x: "2026-10-08", baseX: null, offset: 3, current: [40], base: [null] },
    ]);
  });

  it("compares periods of different lengths (a week with a day) and keeps the longer one's tail", () => {
    const current = { categories: ["2026-10-05"], series: [{ name: "v", values: [1] }] };
    const base = { categories: ["2026-09-01", "2026-09-02", "2026-09-03"], series: [{ name: "v", values: [1, 2, 3] }] };
    const r = alignSeries(current, base, { current: "2026-10-05", base: "2026-09-01" });
    expect(r.rows.map((x) => [x.offset, x.current[0], x.base[0]])).toEqual([[0, 1, 1], [1, null, 2], [2, null, 3]]);
  });

  it("matches other categories by value and series by name, missing keys on either side kept", () => {
    const current = {
      categories: ["DSP", "Sponsored Products"],
      series: [
        { name: "sales", values: [100, 50] },
        { name: "spend", values: [10, null] },
      ],
    };
    const base = {
      categories: ["Sponsored Brands", "DSP"],
      series: [
        { name: "spend", values: [7, 8] },
        { name: "units", values: [1, 2] },
      ],
    };
    const r = alignSeries(current, base, { current: "2026-10-05", base: "2026-09-28" });
    expect(r.byOffset).toBe(false);
    expect(r.names).toEqual(["sales", "spend", "units"]);
    expect(r.rows).toEqual([
      { x: "DSP", baseX: "DSP", offset: null, current: [100, 10, null], base: [null, 8, 2] },
      { x: "Sponsored Products", baseX: null, offset: null, current: [50, null, null], base: [null, null, null] },
      { x: null, baseX: "Sponsored Brands", offset: null, current: [null, null, null], base: [null, 7, 1] },
    ]);
  });

  it("falls back to matching by value when days are mixed with other categories or repeat", () => {
    const mixed = alignSeries(
      { categories: ["2026-10-05", "(all)"], series: [{ name: "v", values: [1, 2] }] },
      { categories: ["(all)"], series: [{ name: "v", values: [3] }] },
      { current: "2026-10-05", base: "2026-09-28" },
    );
    expect(mixed.byOffset).toBe(false);
    expect(mixed.rows.find((r) => r.x === "(all)")).toMatchObject({ baseX: "(all)", current: [2], base: [3] });
    const repeated = alignSeries(
      { categories: ["2026-10-05T01:00", "2026-10-05T02:00"], series: [{ name: "v", values: [1, 2] }] },
      { categories: ["2026-09-28T01:00"], series: [{ name: "v", values: [3] }] },
      { current: "2026-10-05", base: "2026-09-28" },
    );
    expect(repeated.byOffset).toBe(false);
    expect(repeated.rows).toHaveLength(3);
  });

  it("handles empty sides", () => {
    const empty = { categories: [], series: [] };
    expect(alignSeries(empty, empty, { current: "2026-10-05", base: "2026-09-28" })).toEqual({ names: [], byOffset: false, rows: [] });
    const r = alignSeries(empty, { categories: ["2026-09-28"], series: [{ name: "v", values: [3] }] }, { current: "2026-10-05", base: "2026-09-28" });
    expect(r.rows).toEqual([{ x: null, baseX: "2026-09-28", offset: 0, current: [null], base: [3] }]);
  });
});

describe("matching result rows for the export", () => {
  async function* batches<T>(rows: T[], size: number) {
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
  }
  const collect = async <T>(it: AsyncIterable<T[]>) => {
    const out: T[] = [];
    for await (const b of it) out.push(...b);
    return out;
  };

  it("pairs by key across batches, duplicates in order, unmatched on either side kept", async () => {
    const current = ["a1", "b1", "a2", "c1", "a3"];
    const base = ["b9", "a9", "d9", "a8"];
    const pairs = await collect(matchRowsByKey(batches(current, 2), base, (r) => r[0]!, (r) => r[0]!));
    expect(pairs).toEqual([
      { current: "a1", base: "a9" },
      { current: "b1", base: "b9" },
      { current: "a2", base: "a8" },
      { current: "c1", base: null },
      { current: "a3", base: null },
      { current: null, base: "d9" },
    ]);
    expect(await collect(matchRowsByKey(batches<string>([], 2), [], (r) => r, (r) => r))).toEqual([]);
  });

  it("finds value columns by name and stored type; the rest, days moved, is the key", () => {
    const columns = ["day", "channel", "campaign_id", "spend", "ctr", "note", "sales"];
    const results = [
      { columns, types: ["date", "text", "integer", "decimal", "decimal", "text", "integer"] as const },
      // An older result: columns in another order, sales typed text (a stray "n/a"), no ctr.
      { columns: ["sales", "spend", "day", "channel", "campaign_id", "note"], types: ["text", "integer", "date", "text", "integer", "text"] as const },
    ];
    // campaign_id is an id by name, day a date by name, channel and note text: keys.
    expect(valueColumns(columns, results)).toEqual([3, 4, 6]);
    expect(valueColumns(["sales"], [])).toEqual([]);
    expect(valueColumns(["sales"], [{ columns: ["other"], types: ["integer"] }])).toEqual([]);
    const values = new Set([3, 4]);
    const cur = rowKey("2026-10-05", ["2026-10-05", "DSP", "123", "10.5", "0.01", "x"], values, 0);
    const base = rowKey("2026-09-28", ["2026-09-28", "DSP", "123", "99", null, "x"], values, 7);
    expect(base).toBe(cur);
    expect(rowKey("2026-09-28", ["2026-09-28", "SP", "123", "99", null, "x"], values, 7)).not.toBe(cur);
    // A null key cell is not the empty string.
    expect(rowKey(null, [null], new Set(), 0)).not.toBe(rowKey(null, [""], new Set(), 0));
  });

  it("shifts days, keeps the rest of a timestamp and leaves other text alone", () => {
    expect(shiftDate("2026-10-05", -7)).toBe("2026-09-28");
    expect(shiftDate("2026-03-01T00:00:00.000Z", -1)).toBe("2026-02-28T00:00:00.000Z");
    expect(shiftDate("2026-02-30", 1)).toBe("2026-02-30");
    expect(shiftDate("DSP", 3)).toBe("DSP");
  });
});
