import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import type { ParamDef } from "./definitions";
import { renderSql } from "./render";
import { placeholderNames } from "./scan";
import { tokenize } from "../amc/sandbox/sql-lexer";

const { sql: pg } = await freshDatabase();
const window = { start: new Date("2026-10-01T04:00:00Z"), end: new Date("2026-10-08T04:00:00Z"), timeZone: "America/New_York" };

const def = (name: string, type: ParamDef["type"], rules: ParamDef["rules"] = {}, extra: Partial<ParamDef> = {}): ParamDef => ({
  name,
  label: name,
  type,
  required: true,
  defaultValue: undefined,
  rules,
  ...extra,
});

function render(sqlTemplate: string, defs: ParamDef[], values: Record<string, unknown>) {
  return renderSql({ sqlTemplate, defs, values, window });
}

describe("placeholders", () => {
  it("are exact {{name}} tokens outside literals and comments", () => {
    const sql = `SELECT CAST(x AS DATE)::DATE, '12:30:00', last_updated, ':name', '{{in_string}}', "{{quoted_ident}}"
      -- {{in_line_comment}}
      /* {{in_block_comment}} */ FROM t WHERE a IN ({{campaigns}}) AND b = {{campaigns_name}} AND c = {{ spaced }}`;
    expect(placeholderNames(sql)).toEqual(["campaigns", "campaigns_name", "spaced"]);
  });

  it("a column whose name contains a parameter's name is left alone", () => {
    const r = render("SELECT start_date, {{start}} AS s, start FROM t", [def("start", "string")], { start: "x" });
    expect(r).toEqual({ ok: true, sql: "SELECT start_date, 'x' AS s, start FROM t", values: { start: "x" } });
  });

  it("engine window placeholders render the window's local wall time", () => {
    const r = render("SELECT {{window_start}}, {{window_end}}", [], {});
    expect(r.ok && r.sql).toBe("SELECT '2026-10-01 00:00:00', '2026-10-08 00:00:00'");
  });
});

// Each hostile value is rendered, then executed by PostgreSQL: it must come back as exactly the
// value that went in, i.e. it stayed one literal and changed nothing of the query's structure.
const HOSTILE = [
  "O'Brien",
  "'; DROP TABLE users; --",
  "a' OR '1'='1",
  "-- comment",
  "/* block */ x",
  "$$ dollar $$",
  "$tag$ x $tag$",
  "semi;colon",
  "unicode ✓ café 日本語 🚀",
  "'')) UNION SELECT 1 --",
  "{{other}}",
  "E'x' U&'d0061t'",
  "Alterra Dropship Executive", // words a keyword blacklist would wrongly refuse (pitfall 21)
];

describe("injection safety by construction", () => {
  for (const value of HOSTILE) {
    it(`string ${JSON.stringify(value)} round-trips as one literal`, async () => {
      const r = render("SELECT {{v}} AS v", [def("v", "string")], { v: value });
      if (!r.ok) throw new Error(JSON.stringify(r));
      const rows = await pg.unsafe(r.sql);
      expect(rows).toEqual([{ v: value }]);
    });
  }

  it("lists render as 'a', 'b' inside the template's brackets and round-trip", async () => {
    const values = ["cmp-1", "cmp_2", "cmp.3:x"];
    const r = render("SELECT x FROM unnest(ARRAY[{{c}}]) AS x", [def("c", "campaign_list")], { c: values.join("\n") });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.sql).toContain("ARRAY['cmp-1', 'cmp_2', 'cmp.3:x']");
    expect((await pg.unsafe(r.sql)).map((row) => row.x)).toEqual(values);
  });

  it("string lists with quotes round-trip; VALUES context renders one row per item", async () => {
    const items = ["it's", "a, b", "--x"];
    const r = render("SELECT v FROM (VALUES {{names}}) AS t(v) ORDER BY 1", [def("names", "string_list", { context: "values_rows" })], { names: items });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.sql).toContain("VALUES ('it''s'), ('a, b'), ('--x')");
    expect((await pg.unsafe(r.sql)).map((row) => row.v).sort()).toEqual([...items].sort());
  });

  it("like_contains escapes % and _ so they match literally", async () => {
    const r = render("SELECT '50%_off' LIKE {{p}} AS a, '50 off' LIKE {{p}} AS b", [def("p", "like_contains")], { p: "%_" });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(await pg.unsafe(r.sql)).toEqual([{ a: true, b: false }]);
  });

  it("refuses backslashes and line breaks in strings instead of guessing how AMC escapes them", () => {
    expect(render("SELECT {{v}}", [def("v", "string")], { v: "a\\' OR 1=1" })).toMatchObject({ ok: false, fieldErrors: { v: ["Backslashes are not allowed in values sent to AMC."] } });
    expect(render("SELECT {{v}}", [def("v", "string")], { v: "a\nb" }).ok).toBe(false);
  });

  it("numbers are numbers: text, NaN, Infinity and out-of-range values are field errors", () => {
    const d = def("n", "number", { min: 1, max: 100, integer: true });
    for (const bad of ["1; DROP TABLE x", "NaN", "Infinity", 0, 101, 1.5, "1e400"]) {
      expect(render("SELECT {{n}}", [d], { n: bad }).ok, String(bad)).toBe(false);
    }
    expect(render("SELECT {{n}}", [d], { n: "42" })).toMatchObject({ ok: true, sql: "SELECT 42" });
    expect(render("SELECT {{p}}", [def("p", "percentage")], { p: 0.0000001 })).toMatchObject({ ok: true, sql: "SELECT 0.0000001" });
  });

  it("enums render only the template's own whitelisted SQL or quoted values", () => {
    const d = def("channel", "enum_select", { options: [{ value: "dsp", sql: "dsp_impressions" }, { value: "all" }] });
    expect(render("SELECT * FROM {{channel}}", [d], { channel: "dsp" })).toMatchObject({ ok: true, sql: "SELECT * FROM dsp_impressions" });
    expect(render("SELECT {{channel}}", [d], { channel: "all" })).toMatchObject({ ok: true, sql: "SELECT 'all'" });
    expect(render("SELECT {{channel}}", [d], { channel: "users; DROP TABLE x" }).ok).toBe(false);
  });
});

describe("lists and limits", () => {
  const asins = def("asins", "asin_list");
  it("an empty list is a field error, never IN ()", () => {
    for (const empty of [[], "", " , \n "]) {
      const r = render("SELECT 1 WHERE a IN ({{asins}})", [asins], { asins: empty });
      expect(r).toMatchObject({ ok: false });
      if (!r.ok) expect(Object.keys(r.fieldErrors)).toEqual(["asins"]);
    }
  });

  it("validates ASIN format and the 1,000-ASIN limit (10,000 is refused, 1,000 renders)", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `B${String(i).padStart(9, "0")}`);
    const r = render("SELECT 1 WHERE a IN ({{asins}})", [asins], { asins: many });
    expect(r).toMatchObject({ ok: false, fieldErrors: { asins: ["At most 1000 ASINs per query (AMC limit)."] } });
    const ok = render("SELECT 1 WHERE a IN ({{asins}})", [asins], { asins: many.slice(0, 1000) });
    expect(ok.ok).toBe(true);
    const bad = render("SELECT 1 WHERE a IN ({{asins}})", [asins], { asins: ["B08N5WRWNW", "not-an-asin"] });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { "asins.1": ["An ASIN is 10 letters or digits, like B08N5WRWNW."] } });
  });

  it("unknown, missing and undefined parameters are listed, never rendered blank", () => {
    const r = render("SELECT {{a}}, {{ghost}}", [def("a", "string")], { nope: 1 });
    expect(r).toEqual({
      ok: false,
      fieldErrors: { a: ["a is required."] },
      formErrors: ['Unknown parameter "nope": this template has no such parameter.', "The template uses {{ghost}} but defines no parameter of that name."],
      issues: [{ field: "a", code: "required", message: "a is required." }],
      formIssues: [
        { code: "unknown_parameter", message: 'Unknown parameter "nope": this template has no such parameter.' },
        { code: "undefined_placeholder", message: "The template uses {{ghost}} but defines no parameter of that name." },
      ],
    });
  });

  it("defaults fill in only when the template declares them", () => {
    const r = render("SELECT {{n}}", [def("n", "number", {}, { defaultValue: 7, required: false })], {});
    expect(r).toMatchObject({ ok: true, sql: "SELECT 7" });
  });
});

describe("the hostile-value table, per parameter type", () => {
  // Every text-carrying type: what is accepted renders as literals that PostgreSQL reads back
  // unchanged; what is refused is a field error, never a rendered query.
  const accepted = ["O'Brien", "'; DROP TABLE t; --", "/* x */", "$$ y $$", "semi;colon", "unicode ✓ café", "a OR 1=1"];

  it("string lists: each item stays one literal inside IN (...)", async () => {
    const r = render("SELECT v FROM unnest(ARRAY[{{names}}]) AS v", [def("names", "string_list")], { names: accepted });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect((await pg.unsafe(r.sql)).map((row) => row.v)).toEqual(accepted);
  });

  it("like_contains: hostile text is matched literally, LIKE wildcards included", async () => {
    for (const v of [...accepted, "100%", "a_b", "x!y"]) {
      const r = render("SELECT ('<' || {{raw}} || '>') LIKE {{p}} AS hit, 'zzz' LIKE {{p}} AS miss", [def("p", "like_contains"), def("raw", "string")], { p: v, raw: v });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(await pg.unsafe(r.sql), v).toEqual([{ hit: true, miss: false }]);
    }
  });

  it("multi-select enums render only allowed values, as literals", async () => {
    const d = def("ch", "enum_select", { multiple: true, options: [{ value: "DSP" }, { value: "it's" }] });
    const r = render("SELECT v FROM unnest(ARRAY[{{ch}}]) AS v", [d], { ch: ["DSP", "it's"] });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect((await pg.unsafe(r.sql)).map((row) => row.v)).toEqual(["DSP", "it's"]);
    expect(render("SELECT {{ch}}", [d], { ch: ["DSP", "'); DROP TABLE x; --"] }).ok).toBe(false);
  });

  it("campaign ids, ASINs and dates refuse anything but their format", () => {
    for (const bad of ["x'y", "a b", "--", "1;2", "/*"]) {
      // Campaign ids may contain "-" (console ids do), so "--" is an odd but harmless literal.
      if (bad !== "--") expect(render("SELECT {{c}}", [def("c", "campaign_list")], { c: [bad] }).ok, bad).toBe(false);
      expect(render("SELECT {{a}}", [def("a", "asin_list")], { a: [bad] }).ok, bad).toBe(false);
      expect(render("SELECT {{d}}", [def("d", "date_expression")], { d: bad }).ok, bad).toBe(false);
    }
  });

  it("backslashes and line breaks are refused in every text type", () => {
    for (const type of ["string", "string_list", "like_contains", "campaign_filter"] as const) {
      expect(render("SELECT {{v}}", [def("v", type)], { v: type.endsWith("list") || type === "campaign_filter" ? ["a\\b"] : "a\\b" }).ok, type).toBe(false);
    }
    // A newline separates list items (pasted lists), so it cannot smuggle one into an item.
    const r = render("SELECT {{v}}", [def("v", "string_list")], { v: "a\nb" });
    expect(r).toMatchObject({ ok: true, sql: "SELECT 'a', 'b'" });
  });

  it("placeholders inside string literals and comments stay text; casts and times next to placeholders survive", async () => {
    const sql = "SELECT {{d}}::DATE AS d, '12:30:00' AS t, '{{d}}' AS lit -- {{d}}\n, /* {{d}} */ {{d}} AS d2";
    const r = render(sql, [def("d", "date_expression")], { d: "2025-03-01" });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.sql).toBe("SELECT '2025-03-01'::DATE AS d, '12:30:00' AS t, '{{d}}' AS lit -- {{d}}\n, /* {{d}} */ '2025-03-01' AS d2");
    const [row] = await pg.unsafe(r.sql);
    expect(row).toMatchObject({ t: "12:30:00", lit: "{{d}}", d2: "2025-03-01" });
  });

  it("field errors carry codes: required, too_many, invalid_format, out_of_range, not_allowed", () => {
    const defs = [
      def("a", "asin_list", { maxItems: 2 }),
      def("n", "number", { min: 1, max: 5 }),
      def("s", "string"),
      def("e", "enum_select", { options: [{ value: "x" }] }),
      def("c", "campaign_list"),
    ];
    const r = render("SELECT {{a}}, {{n}}, {{s}}, {{e}}, {{c}}", defs, { a: ["B000000001", "B000000002", "B000000003"], n: 9, e: "y", c: ["bad id"] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const codes = Object.fromEntries(r.issues.map((i) => [i.field, i.code]));
    expect(codes).toEqual({ a: "too_many", n: "out_of_range", s: "required", e: "not_allowed", "c.0": "invalid_format" });
  });
});

describe("defaults", () => {
  it("fill in absent values only; a value cleared on purpose is missing", () => {
    const d = def("c", "campaign_list", {}, { defaultValue: ["a"], required: true });
    expect(render("SELECT {{c}}", [d], {})).toMatchObject({ ok: true, sql: "SELECT 'a'" });
    expect(render("SELECT {{c}}", [d], { c: null })).toMatchObject({ ok: true, sql: "SELECT 'a'" });
    for (const cleared of ["", [], " , "]) {
      expect(render("SELECT {{c}}", [d], { c: cleared }), JSON.stringify(cleared)).toMatchObject({ ok: false });
    }
  });
});

// Issue 15 item 1: every hostile value, in every context a template could put it in (glued to
// `-`, `/`, `*` or `'` on either side, spaced, inside IN (...)), must leave the statement's token
// skeleton exactly as a benign value of the same shape leaves it. The skeleton is the sandbox
// lexer's token sequence (the lexer follows PostgreSQL's rules for literals, comments and
// operators) with whitespace dropped and every literal collapsed to `L`: strings, numbers,
// TRUE/FALSE and the renderer's parenthesised negative `( - L )`. A value that turned into a
// comment, closed a string, joined an operator or added a token would change it.
describe("token skeletons: no hostile value changes a statement's structure, next to any neighbour", () => {
  const CONTEXTS = [
    "SELECT {{v}} AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT 1 -{{v}} AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT 1 - {{v}} AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT {{v}}-1 AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT 8 /{{v}} AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT {{v}}/2 AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT 2 *{{v}} AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT {{v}}*2 AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT 'x'{{v}} AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT {{v}}'x' AS a, 2 AS b FROM t WHERE c = 3",
    "SELECT 1 FROM t WHERE c IN ({{v}}) AND d = 2",
    "SELECT 1 FROM t WHERE c NOT IN ({{v}}) -- note\n AND d = 2",
    "SELECT 1 FROM t WHERE c IN ({{v}}, {{v}}) AND d IN(0,{{v}}) OR e = -{{v}}",
  ];

  const TEXT = [
    ...HOSTILE,
    ...["-", "--", "-5", "- -", "/", "/*", "*/", "*", "**", "'", "''", "'''", '"', '""', "$", "$$", "$1", "E'", "e'x'", "U&'", "B'", "X'"],
    ...["1e3", "1.5", ".", "..", "(-5)", "(", ")", ",", "', '", "') OR ('1'='1", "x' --", "*/ DROP /*", "-- \u2028", ":", "::int", "a;b", "%", "_", "!"],
    ...["TRUE", "NULL", "  padded  ", "é", "\u00a0", "🚀'🚀", "a\u0000b", "a\\b", "line\nbreak", "tab\tx", "", "   "],
  ];
  const NUMBERS: unknown[] = [
    ...[-5, "-5", -0.5, "-0.5", -1e-7, "-1e-7", "-1e3", 1e12, -1e12, 0, -0, "-0", "+5", " -5 ", 5, 1.5e-10, "1e-7", -999999999999.5, ".5", "-.5", "5.", 1e-11],
    ...["--5", "-(-5)", "5--", "1;2", "0x10", "0b1", "-0x10", true, [5], "  ", NaN, Infinity, -Infinity, "1e400", "-1e400", "1 OR 1=1", "5/*", "5--x", "*5", "5'"],
  ];
  const wide = { min: -1e12, max: 1e12 };
  // The corpus as one list too, without what text types refuse outright (so that it renders).
  const TEXT_LIST = TEXT.filter((t) => t.trim() !== "" && !/[\\\u0000-\u001f]/.test(t));
  const enumOptions = [...new Set(TEXT.filter((t) => t !== ""))].map((value) => ({ value }));
  const benignOptions = Array.from({ length: 3 }, (_, i) => ({ value: `benign${i}` }));

  interface Case {
    label: string;
    def: ParamDef;
    values: unknown[];
    /** A harmless value of the same shape as the parsed hostile one (lists: as many items). */
    benign: (parsed: unknown) => unknown;
  }
  const items = (parsed: unknown, item: (i: number) => string) => (parsed as unknown[]).map((_, i) => item(i));
  const CASES: Case[] = [
    ...(["number", "threshold_numeric", "percentage"] as const).map((type) => ({ label: type, def: def("v", type, wide), values: NUMBERS, benign: () => 1 })),
    { label: "number (integer)", def: def("v", "number", { ...wide, integer: true }), values: NUMBERS, benign: () => 1 },
    { label: "string", def: def("v", "string"), values: TEXT, benign: () => "benign" },
    { label: "like_contains", def: def("v", "like_contains"), values: TEXT, benign: () => "benign" },
    ...(["string_list", "campaign_filter"] as const).map((type) => ({
      label: type,
      def: def("v", type),
      values: [...TEXT.map((t) => [t]), TEXT, TEXT_LIST, TEXT_LIST.join(","), TEXT_LIST.join("\n")],
      benign: (p: unknown) => items(p, (i) => `b${i}`),
    })),
    {
      label: "string_list (values_rows)",
      def: def("v", "string_list", { context: "values_rows" }),
      values: [...TEXT.map((t) => [t]), TEXT_LIST],
      benign: (p) => items(p, (i) => `b${i}`),
    },
    {
      label: "campaign_list",
      def: def("v", "campaign_list"),
      values: [...[...TEXT, "-1", "a-", "-a", "x--y", "a.b", "a:b", "1e3"].map((t) => [t]), ["--", "-1", "1e3", "a:b"]],
      benign: (p) => items(p, (i) => `b${i}`),
    },
    {
      label: "asin_list",
      def: def("v", "asin_list"),
      values: [...[...TEXT, "B000000001", "b000000001", "-B00000001", "B00000001-"].map((t) => [t]), ["B000000001", "b000000002"]],
      benign: (p) => items(p, (i) => `B${String(i).padStart(9, "0")}`),
    },
    { label: "enum_select", def: def("v", "enum_select", { options: [...enumOptions, ...benignOptions] }), values: [...TEXT, "benign0"], benign: () => "benign0" },
    {
      label: "enum_select (multiple)",
      def: def("v", "enum_select", { multiple: true, options: [...enumOptions, ...benignOptions] }),
      values: [...TEXT.map((t) => [t]), ["'", "--", "/*"]],
      benign: (p) => items(p, (i) => `benign${i}`),
    },
    {
      label: "date_expression",
      def: def("v", "date_expression"),
      values: ["2026-03-01", "2026-13-45", "9999-99-99", "-2026-03-01", "2026-03-01'--", "2026-03-01 --", ...TEXT],
      benign: () => "2026-01-01",
    },
    { label: "boolean", def: def("v", "boolean"), values: [true, false, "true", "off", "on", "false", 1, 0, "1", "TRUE'--", "-", ...TEXT], benign: () => true },
  ];

  function skeleton(sql: string): string[] {
    let tokens;
    try {
      tokens = tokenize(sql);
    } catch (e) {
      return [`unlexable: ${(e as Error).message}`];
    }
    const out: string[] = [];
    for (const t of tokens) {
      if (t.kind === "ws") continue;
      const literal = t.kind === "string" || t.kind === "number" || (t.kind === "ident" && /^(true|false)$/i.test(t.text));
      out.push(literal ? "L" : `${t.kind}:${t.text}`);
      // The renderer's negative number: ( - L ) is one literal.
      const n = out.length;
      if (n >= 4 && out[n - 4] === "lparen:(" && out[n - 3] === "op:-" && out[n - 2] === "L" && out[n - 1] === "rparen:)") out.splice(n - 4, 4, "L");
    }
    return out;
  }

  it("holds for every value × context; the count is recorded", () => {
    let tried = 0;
    let rendered = 0;
    const changes: string[] = [];
    for (const c of CASES) {
      for (const value of c.values) {
        for (const context of CONTEXTS) {
          tried++;
          const r = render(context, [c.def], { v: value });
          if (!r.ok) {
            // Refused: a field error on this parameter (or one of its items), never SQL.
            expect(Object.keys(r.fieldErrors).every((k) => k === "v" || k.startsWith("v.")), `${c.label} ${JSON.stringify(value)}`).toBe(true);
            expect(r.formErrors).toEqual([]);
            continue;
          }
          rendered++;
          const benign = render(context, [c.def], { v: c.benign(r.values.v) });
          if (!benign.ok) throw new Error(`benign value for ${c.label} refused: ${JSON.stringify(benign.fieldErrors)}`);
          const [got, want] = [skeleton(r.sql), skeleton(benign.sql)];
          if (JSON.stringify(got) !== JSON.stringify(want)) changes.push(`${c.label} ${JSON.stringify(value)} in ${JSON.stringify(context)} → ${r.sql}`);
        }
      }
    }
    console.log(`hostile values × contexts: ${tried} tried, ${rendered} rendered, ${tried - rendered} refused, ${changes.length} structure changes`);
    expect(changes).toEqual([]);
    // Recorded so that shrinking the corpus or the contexts is a visible change (issue 15 asks for the count).
    expect({ tried, rendered }).toEqual({ tried: 12_155, rendered: 7_007 });
  });

  it("the skeleton sees the attack it guards against (a bare -5 after `1 -` comments out the rest)", () => {
    expect(skeleton("SELECT 1 --5 AS a, 2 AS b")).not.toEqual(skeleton("SELECT 1 -1 AS a, 2 AS b"));
    expect(skeleton("SELECT 1 -(-5) AS a, 2 AS b")).toEqual(skeleton("SELECT 1 -1 AS a, 2 AS b"));
    expect(skeleton("SELECT 'x''y'")).toEqual(skeleton("SELECT 'x'"));
    expect(skeleton("SELECT 'x' 'y'")).not.toEqual(skeleton("SELECT 'x'"));
  });

  it("negative numbers render parenthesised, and PostgreSQL computes what the template says", async () => {
    const d = def("p", "number", wide);
    const r = render("SELECT 1 -{{p}} AS a, 8 /{{p}} AS b, 2 *{{p}} AS c, 9 AS d", [d], { p: -4 });
    expect(r).toMatchObject({ ok: true, sql: "SELECT 1 -(-4) AS a, 8 /(-4) AS b, 2 *(-4) AS c, 9 AS d" });
    if (r.ok) expect(await pg.unsafe(r.sql)).toEqual([{ a: 5, b: -2, c: -8, d: 9 }]);
    for (const [v, sql] of [
      [-0.5, "SELECT (-0.5)"],
      ["-1e3", "SELECT (-1000)"],
      [-0, "SELECT 0"],
      [5, "SELECT 5"],
    ] as const) {
      expect(render("SELECT {{p}}", [d], { p: v }), String(v)).toMatchObject({ ok: true, sql });
    }
  });
});
