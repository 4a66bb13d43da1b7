import { describe, expect, it } from "vitest";
import { PARAMETER_TYPES } from "../../db/schema";
import { valueSchema, type ParamDef } from "./definitions";
import { renderSql } from "./render";

// The zod schema of every parameter type: the same schema validates the form in the browser and
// the action on the server (lib/params/render.ts calls it for every value).

const window = { start: new Date("2026-10-01T04:00:00Z"), end: new Date("2026-10-08T04:00:00Z"), timeZone: "America/New_York" };
const def = (type: ParamDef["type"], rules: ParamDef["rules"] = {}): ParamDef => ({ name: "p", label: "P", type, required: true, defaultValue: undefined, rules });
const ok = (d: ParamDef, v: unknown) => {
  const r = valueSchema(d).safeParse(v);
  if (!r.success) throw new Error(`${d.type} ${JSON.stringify(v)}: ${r.error.issues.map((i) => i.message).join("; ")}`);
  return r.data;
};
const bad = (d: ParamDef, v: unknown) => {
  const r = valueSchema(d).safeParse(v);
  expect(r.success, `${d.type} should refuse ${JSON.stringify(v)}`).toBe(false);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe("every parameter type has a schema", () => {
  it("covers the whole type list", () => {
    for (const t of PARAMETER_TYPES) expect(() => valueSchema(def(t, { options: [{ value: "a" }] }))).not.toThrow();
  });
});

describe("lists (asin_list, campaign_list, string_list, campaign_filter)", () => {
  it("accept pasted text: comma and newline separated, trimmed, de-duplicated, in order", () => {
    expect(ok(def("asin_list"), "b08n5wrwnw, B07XJ8C8F5\r\nB08N5WRWNW\n\n B000000001 ")).toEqual(["B08N5WRWNW", "B07XJ8C8F5", "B000000001"]);
    expect(ok(def("campaign_list"), ["c-1", " c_2 ", "c-1"])).toEqual(["c-1", "c_2"]);
    expect(ok(def("string_list"), "a b, c")).toEqual(["a b", "c"]);
    expect(ok(def("campaign_filter"), ["x"])).toEqual(["x"]);
  });

  it("ASINs are 10 letters or digits; an empty list is an error, not IN ()", () => {
    expect(bad(def("asin_list"), ["B08N5WRWN"])).toEqual(["An ASIN is 10 letters or digits, like B08N5WRWNW."]);
    expect(bad(def("asin_list"), ["B08N5WRWNW1"])).toHaveLength(1);
    expect(bad(def("asin_list"), " , ")).toEqual(["Add at least 1 ASINs."]);
    expect(bad(def("campaign_list"), [])).toEqual(["Add at least 1 campaign ids."]);
  });

  it("limits: 100 campaign ids, 1,000 ASINs by default, or the template's maxItems / minItems", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    expect(ok(def("campaign_list"), ids(100))).toHaveLength(100);
    expect(bad(def("campaign_list"), ids(101))).toEqual(["At most 100 campaign ids per query (AMC limit)."]);
    expect(bad(def("string_list", { maxItems: 2 }), ["a", "b", "c"])).toHaveLength(1);
    expect(bad(def("string_list", { minItems: 2 }), ["a"])).toEqual(["Add at least 2 values."]);
    const asins = Array.from({ length: 1001 }, (_, i) => `B${String(i).padStart(9, "0")}`);
    expect(bad(def("asin_list"), asins)).toEqual(["At most 1000 ASINs per query (AMC limit)."]);
  });
});

describe("enums", () => {
  const options = [{ value: "dsp", label: "DSP", sql: "dsp_impressions" }, { value: "all" }];
  it("single: one of the options", () => {
    expect(ok(def("enum_select", { options }), "dsp")).toBe("dsp");
    expect(bad(def("enum_select", { options }), "DSP")).toEqual(["Choose one of: dsp, all."]);
    expect(bad(def("enum_select", { options }), ["dsp"])).toHaveLength(1);
  });
  it("multi: a list of options, at least one", () => {
    const d = def("enum_select", { options, multiple: true });
    expect(ok(d, ["all", "dsp", "all"])).toEqual(["all", "dsp"]);
    expect(ok(d, "dsp,all")).toEqual(["dsp", "all"]);
    expect(bad(d, [])).toHaveLength(1);
    expect(bad(d, ["dsp", "x"])).toEqual(["Choose one of: dsp, all."]);
  });
});

describe("numbers (number, threshold_numeric, percentage)", () => {
  it("coerce form text, enforce min / max / integer", () => {
    const d = def("number", { min: 2, max: 9, integer: true });
    expect(ok(d, "5")).toBe(5);
    expect(ok(d, 9)).toBe(9);
    expect(bad(d, "1")).toEqual(["Must be at least 2."]);
    expect(bad(d, 10)).toEqual(["Must be at most 9."]);
    expect(bad(d, 2.5)).toEqual(["Enter a whole number."]);
    expect(bad(d, "abc")).toHaveLength(1);
    expect(bad(d, "Infinity")).toHaveLength(1);
    expect(ok(def("threshold_numeric"), "0.25")).toBe(0.25);
  });
  it("parse strictly: a JSON number or a decimal string, nothing Number() would also take (issue 15 item 2)", () => {
    const d = def("number");
    for (const [given, parsed] of [
      [5, 5],
      ["5", 5],
      [" -5 ", -5],
      ["+5", 5],
      ["-0.25", -0.25],
      [".5", 0.5],
      ["5.", 5],
      ["1e3", 1000],
      ["-2.5E-3", -0.0025],
    ] as const) {
      expect(ok(d, given), JSON.stringify(given)).toBe(parsed);
    }
    for (const wrong of [true, false, [5], ["5"], { n: 5 }, "0x10", "0b1", "0o7", "  ", "", "5 5", "5px", "--5", "+-5", "1_000", "1,5", "Infinity", "NaN", "1e400", "e5", ".", "-", null]) {
      expect(bad(d, wrong), JSON.stringify(wrong)).toEqual(["Enter a number."]);
    }
    expect(bad(def("number", { integer: true }), "1.5")).toEqual(["Enter a whole number."]);
    expect(ok(def("threshold_numeric"), "0.25")).toBe(0.25);
  });

  it("a wrong number is a field error naming the field, and blank is missing, not 0", () => {
    const n = { ...def("number"), name: "min_imps", label: "Min impressions" };
    const render = (v: unknown) => renderSql({ sqlTemplate: "SELECT {{min_imps}}", defs: [n], values: { min_imps: v }, window });
    for (const wrong of [true, [5], "0x10", "0b1"]) {
      expect(render(wrong), JSON.stringify(wrong)).toMatchObject({ ok: false, fieldErrors: { min_imps: ["Enter a number."] }, issues: [{ field: "min_imps", code: "invalid_type" }] });
    }
    expect(render("  ")).toMatchObject({ ok: false, fieldErrors: { min_imps: ["Min impressions is required."] }, issues: [{ field: "min_imps", code: "required" }] });
    expect(render(" 7 ")).toMatchObject({ ok: true, sql: "SELECT 7" });
  });

  it("percentages are 0–100 unless the template says otherwise", () => {
    expect(ok(def("percentage"), 100)).toBe(100);
    expect(bad(def("percentage"), 101)).toEqual(["Must be at most 100."]);
    expect(bad(def("percentage"), -1)).toEqual(["Must be at least 0."]);
  });
});

describe("booleans", () => {
  it("true/false, and the form's on/off", () => {
    const d = def("boolean");
    expect([ok(d, true), ok(d, false), ok(d, "true"), ok(d, "on"), ok(d, "off"), ok(d, "false")]).toEqual([true, false, true, true, false, false]);
    expect(bad(d, "yes")).toHaveLength(1);
    expect(bad(d, 1)).toHaveLength(1);
  });
});

describe("single date, free string, like_contains, date_range", () => {
  it("a single date is YYYY-MM-DD and a real calendar date", () => {
    expect(ok(def("date_expression"), "2026-03-01")).toBe("2026-03-01");
    expect(ok(def("date_expression"), "2028-02-29")).toBe("2028-02-29");
    for (const unreal of ["2026-13-45", "9999-99-99", "2026-02-29", "2026-04-31", "2026-00-10", "2026-01-00"]) {
      expect(bad(def("date_expression"), unreal), unreal).toEqual([`${unreal} is not a date on the calendar.`]);
    }
    expect(bad(def("date_expression"), 20260301)).toEqual(["Use a date like 2026-03-01."]);
    const d = { ...def("date_expression"), name: "as_of", label: "As of" };
    expect(renderSql({ sqlTemplate: "SELECT {{as_of}}", defs: [d], values: { as_of: "2026-13-45" }, window })).toMatchObject({
      ok: false,
      fieldErrors: { as_of: ["2026-13-45 is not a date on the calendar."] },
    });
    expect(renderSql({ sqlTemplate: "SELECT {{as_of}}", defs: [d], values: { as_of: " " }, window })).toMatchObject({ ok: false, fieldErrors: { as_of: ["As of is required."] } });
    expect(bad(def("date_expression"), "2026-3-1")).toEqual(["Use a date like 2026-03-01."]);
    expect(bad(def("date_expression"), "2026-03-01T00:00:00Z")).toHaveLength(1);
  });
  it("free strings are trimmed, bounded, one line, no backslashes, optionally patterned", () => {
    expect(ok(def("string"), "  Alterra Dropship  ")).toBe("Alterra Dropship");
    expect(bad(def("string", { maxLength: 3 }), "abcd")).toHaveLength(1);
    expect(bad(def("string"), "a\\b")).toEqual(["Backslashes are not allowed in values sent to AMC."]);
    expect(bad(def("string"), "a\nb")).toEqual(["Line breaks and control characters are not allowed here."]);
    expect(ok(def("string", { pattern: "^[a-z]+$" }), "abc")).toBe("abc");
    expect(bad(def("string", { pattern: "^[a-z]+$" }), "ABC")).toEqual(["This value is not in the expected format."]);
  });
  it("like_contains needs some text", () => {
    expect(ok(def("like_contains"), " knife ")).toBe("knife");
    expect(bad(def("like_contains"), "  ")).toEqual(["Enter some text to search for."]);
  });
  it("date_range is never a value: the window is the engine's", () => {
    expect(bad(def("date_range"), { start: "2026-01-01" })).toEqual(["Date ranges are set with the report's time window, not as a parameter."]);
  });
});
