import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { makeExecution, makeReport } from "../../test/factories";
import type { ResultFile } from "../amc/gateway";
import { SAMPLE_BYTES, storeResult } from "./store";

const t = await freshDatabase();
const enc = new TextEncoder();

/** A result file served in chunks of `size` bytes (so cells and line breaks split across chunks). */
const file = (text: string | Uint8Array, size = 7): ResultFile => ({
  open: async () =>
    (async function* () {
      const bytes = typeof text === "string" ? enc.encode(text) : text;
      for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
    })(),
});

async function store(files: ResultFile[]) {
  const report = await makeReport(t.db);
  const run = await makeExecution(t.db, report.id, { status: "running" });
  const stored = await t.sql.begin((tx) =>
    storeResult(tx, { executionUuid: run.id, reportUuid: report.id, windowStart: null, windowEnd: null }, files),
  );
  // Stored as JSON arrays (not a JSON string of one), through the plain client the engine uses.
  const [meta] = await t.sql<{ columns: unknown; column_slots: unknown }[]>`SELECT columns, column_slots FROM execution_results WHERE execution_id = ${run.id}`;
  expect(meta).toEqual({ columns: stored.columns, column_slots: stored.slots });
  const rows = await t.sql.unsafe(`SELECT * FROM execution_result_rows WHERE result_key = ${stored.resultKey} ORDER BY row_no`);
  const cells = rows.map((r) =>
    stored.slots.map((s) => {
      const x = /^x(\d+)$/.exec(s.slot);
      const v = x ? (r.extra as (string | null)[])[Number(x[1]) - 1] : r[s.slot];
      return v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    }),
  );
  return { stored, cells, rowNos: rows.map((r) => r.row_no as number) };
}

describe("storing a result", () => {
  it("COPY loads typed columns straight from the CSV, empty cells as null, numbers exactly as written", async () => {
    const { stored, cells, rowNos } = await store([
      file('day,campaign,impressions,spend,zip\n2026-01-01,"Alpha, ""Inc""",100,16.82456235831046,01234\n2026-01-02,,,"",\n2026-01-03,"multi\nline",7,0.10,99999\n'),
    ]);
    expect(stored.path).toBe("copy");
    expect(stored.columns).toEqual(["day", "campaign", "impressions", "spend", "zip"]);
    expect(stored.slots.map((s) => s.type)).toEqual(["date", "text", "integer", "decimal", "text"]);
    expect(stored.rowCount).toBe(3);
    expect(rowNos).toEqual([1, 2, 3]);
    expect(cells).toEqual([
      ["2026-01-01", 'Alpha, "Inc"', "100", "16.82456235831046", "01234"],
      ["2026-01-02", null, null, null, null],
      ["2026-01-03", "multi\nline", "7", "0.10", "99999"],
    ]);
  });

  it("a value past the sample that breaks the guessed type is loaded again with the exact types", async () => {
    const head = "n,code\n";
    const filler = "1,10\n".repeat(Math.ceil(SAMPLE_BYTES / 5) + 10);
    const { stored, cells } = await store([file(`${head}${filler}2.5,007\n`, 64 * 1024)]);
    expect(stored.path).toBe("copy-retyped");
    expect(stored.slots.map((s) => s.type)).toEqual(["decimal", "text"]);
    expect(cells.at(-1)).toEqual(["2.5", "007"]);
    expect(cells[0]).toEqual(["1", "10"]);
    expect(stored.rowCount).toBe(cells.length);
  });

  it("a column empty in the sample but numeric later is typed as reading every cell decides", async () => {
    const filler = "a,\n".repeat(Math.ceil(SAMPLE_BYTES / 3) + 10);
    const { stored, cells } = await store([file(`k,v\n${filler}b,42\n`, 64 * 1024)]);
    expect(stored.path).toBe("copy-retyped");
    expect(stored.slots.map((s) => s.type)).toEqual(["text", "integer"]);
    expect(cells.at(-1)).toEqual(["b", "42"]);
  });

  it("a file PostgreSQL refuses (ragged rows, a blank line, a NUL) is stored by the lenient reader with the same types", async () => {
    const { stored, cells } = await store([file("a,b\n1,x\n\n2\n3,y,extra\n4,nul\u0000here\n")]);
    expect(stored.path).toBe("lenient");
    expect(stored.slots.map((s) => s.type)).toEqual(["integer", "text"]);
    expect(cells).toEqual([
      ["1", "x"],
      ["2", null],
      ["3", "y"],
      ["4", "nul\uFFFDhere"],
    ]);
    expect(stored.note).toMatch(/2 row\(s\) had a different number of cells/);
  });

  it("checks cells as PostgreSQL splits them: a quote inside a field opens a quoted part", async () => {
    // COPY reads 1"2" as 12 and "a,"b as a,b; the scanner must see the same cells to check them.
    const { stored, cells } = await store([file('n,t\n1"2","a,"b\n3,c\n', 5)]);
    expect(stored.path).toBe("copy");
    expect(stored.slots.map((s) => s.type)).toEqual(["integer", "text"]);
    expect(cells).toEqual([
      ["12", "a,b"],
      ["3", "c"],
    ]);
  });

  it("several files with a header each, CRLF line ends and a BOM, numbered in order", async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("x,y\r\n1,a\r\n2,b\r\n")]);
    const { stored, cells, rowNos } = await store([file(bom, 3), file("x,y\r\n3,c")]);
    expect(stored.columns).toEqual(["x", "y"]);
    expect(stored.path).toBe("copy");
    expect(cells).toEqual([
      ["1", "a"],
      ["2", "b"],
      ["3", "c"],
    ]);
    expect(rowNos).toEqual([1, 2, 3]);
  });

  it("more columns than typed slots go to extra, and an empty file stores nothing", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const row = names.map((_, i) => `v${i}`);
    const { stored, cells } = await store([file(`${names.join(",")}\n${row.join(",")}\n`, 50)]);
    expect(stored.slots.filter((s) => s.slot.startsWith("x"))).toHaveLength(8);
    expect(stored.path).toBe("lenient");
    expect(cells[0]).toEqual(row);
    const empty = await store([file("")]);
    expect(empty.stored).toMatchObject({ columns: [], rowCount: 0 });
  });

  it("a re-ingest replaces the earlier result and its rows", async () => {
    const report = await makeReport(t.db);
    const run = await makeExecution(t.db, report.id, { status: "running" });
    const target = { executionUuid: run.id, reportUuid: report.id, windowStart: null, windowEnd: null };
    const first = await t.sql.begin((tx) => storeResult(tx, target, [file("a\n1\n2\n")]));
    const second = await t.sql.begin((tx) => storeResult(tx, target, [file("a\n3\n")]));
    const [a] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM execution_result_rows WHERE result_key = ${first.resultKey}`;
    expect(a!.n).toBe(0);
    const [b] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM execution_result_rows WHERE result_key = ${second.resultKey}`;
    expect(b!.n).toBe(1);
  });
});
