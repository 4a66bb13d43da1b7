import { describe, expect, it } from "vitest";
import { CellClass, classifyCell, RowTypeInference } from "./column-types";

describe("cell classes", () => {
  it.each([
    ["0", CellClass.Integer],
    ["-12", CellClass.Integer],
    ["123456789012345678", CellClass.Integer],
    ["1234567890123456789", CellClass.Decimal], // beyond int8: numeric keeps it exactly
    ["16.82456235831046", CellClass.Decimal],
    ["-0.5", CellClass.Decimal],
    ["0.0024360554", CellClass.Decimal],
    ["2026-02-28", CellClass.Date],
    ["2024-02-29", CellClass.Date],
    ["", CellClass.Null],
    [null, CellClass.Null],
  ])("%s is %s", (cell, expected) => {
    expect(classifyCell(cell)).toBe(expected);
  });

  it.each(["007", "+5", " 5", "5 ", "-0", "-0.00", "1e5", "1.", ".5", "1,000", "NaN", "Infinity", "0x1F", "2026-02-30", "2025-02-29", "0000-01-01", "2026-1-05", "2026-13-01", "١٢٣", "12\u00a0"])(
    "%j stays text: typing it would change what is shown",
    (cell) => {
      expect(classifyCell(cell)).toBe(CellClass.Text);
    },
  );
});

describe("column inference", () => {
  const infer = (rows: (string | null)[][]) => {
    const i = new RowTypeInference(rows[0]!.length);
    rows.forEach((r) => i.observe(r));
    return i.types();
  };

  it("respects empty cells and mixes integers with decimals into decimal", () => {
    expect(infer([["1", "", "2026-01-01", "x"], ["2.5", "3", null, ""], [null, "4", "2026-01-02", "1"]])).toEqual([
      "decimal",
      "integer",
      "date",
      "text",
    ]);
  });

  it("a column with no value at all, or one mixed with text or dates, is text", () => {
    expect(infer([["", "1", "2026-01-01"], [null, "abc", "5"]])).toEqual(["text", "text", "text"]);
  });

  it("unicode and quoted newlines are text, exactly", () => {
    expect(infer([["Café ☕", "line\nbreak"], ["東京", "a,\"b\""]])).toEqual(["text", "text"]);
  });
});
