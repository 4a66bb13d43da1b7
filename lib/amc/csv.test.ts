import { describe, expect, it } from "vitest";
import { amcRejection } from "../../test/rejection";
import { parseCsv } from "./csv";
import { AmcError } from "./gateway";

const enc = new TextEncoder();

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === "string" ? enc.encode(p) : p;
}

/** The bytes of `text` cut at the given offsets. */
function cutAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

async function collect(rowsIn: AsyncIterable<string[]>): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of rowsIn) rows.push(r);
  return rows;
}

const parseAll = (source: AsyncIterable<Uint8Array>) => collect(parseCsv(source));

const parse = (...parts: (string | Uint8Array)[]) => parseAll(chunks(...parts));

describe("parseCsv", () => {
  it("reads a plain file, header first", async () => {
    expect(await parse("a,b,c\n1,2,3\n4,5,6\n")).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
      ["4", "5", "6"],
    ]);
  });

  it("quoted commas, quoted newlines (LF and CRLF), doubled quotes", async () => {
    expect(await parse('name,note\r\n"Smith, J.","line 1\nline 2"\r\n"say ""hi""","a\r\nb"\r\n')).toEqual([
      ["name", "note"],
      ["Smith, J.", "line 1\nline 2"],
      ['say "hi"', "a\r\nb"],
    ]);
  });

  it("empty cells wherever they are", async () => {
    expect(await parse('a,b,c\n,,\n1,,\n,,3\n"",x,""\n')).toEqual([
      ["a", "b", "c"],
      ["", "", ""],
      ["1", "", ""],
      ["", "", "3"],
      ["", "x", ""],
    ]);
  });

  it("a header-only file, with or without the final newline; an empty file", async () => {
    expect(await parse("campaign,impressions\n")).toEqual([["campaign", "impressions"]]);
    expect(await parse("campaign,impressions\r\n")).toEqual([["campaign", "impressions"]]);
    expect(await parse("campaign,impressions")).toEqual([["campaign", "impressions"]]);
    expect(await parse("")).toEqual([]);
    expect(await parse()).toEqual([]);
  });

  it("a missing final newline, ending in a quoted field, an empty field or a plain one", async () => {
    expect(await parse('a,b\n1,"x"')).toEqual([["a", "b"], ["1", "x"]]);
    expect(await parse("a,b\n1,")).toEqual([["a", "b"], ["1", ""]]);
    expect(await parse("a,b\n1,2")).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("drops a BOM, whole or split across chunks", async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    expect(await parse(bom, "a,b\n1,2\n")).toEqual([["a", "b"], ["1", "2"]]);
    expect(await parse(bom.subarray(0, 1), bom.subarray(1, 2), bom.subarray(2), "a\n")).toEqual([["a"]]);
    expect(await parse("\uFEFFa\n1\n")).toEqual([["a"], ["1"]]);
  });

  it("CR-only line breaks and CRLF split across chunks", async () => {
    expect(await parse("a,b\r1,2\r")).toEqual([["a", "b"], ["1", "2"]]);
    expect(await parse("a,b\r", "\n1,2\r", "\n")).toEqual([["a", "b"], ["1", "2"]]);
    expect(await parse('a,"b"\r', "\n1,2")).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("skips blank lines, except as empty cells of a one-column file", async () => {
    expect(await parse("\na,b\n\n1,2\n\n")).toEqual([["a", "b"], ["1", "2"]]);
    expect(await parse("a\n1\n\n3\n")).toEqual([["a"], ["1"], [""], ["3"]]);
  });

  it("is lenient with stray quotes rather than losing the row", async () => {
    expect(await parse('a,b\n5" screen,"x"y\n')).toEqual([["a", "b"], ['5" screen', "xy"]]);
  });

  it("gives the same rows whatever the chunk boundaries (every single and double cut)", async () => {
    const sample =
      '\uFEFFcampaign,"note, with comma",n\r\n"Été ☀️ 2026","two\r\nlines and ""quotes""",1\r\n,,\n"",x€,\r\n日本語,"ü\nß",3';
    const expected = [
      ["campaign", "note, with comma", "n"],
      ["Été ☀️ 2026", 'two\r\nlines and "quotes"', "1"],
      ["", "", ""],
      ["", "x€", ""],
      ["日本語", "ü\nß", "3"],
    ];
    const bytes = enc.encode(sample);
    expect(await parseAll(chunks(bytes))).toEqual(expected);
    for (let i = 0; i <= bytes.length; i++) {
      expect(await parseAll(chunks(...cutAt(bytes, [i]))), `cut at ${i}`).toEqual(expected);
    }
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i; j < bytes.length; j++) {
        const rows = await parseAll(chunks(...cutAt(bytes, [i, j])));
        if (JSON.stringify(rows) !== JSON.stringify(expected)) expect(rows, `cuts at ${i}, ${j}`).toEqual(expected);
      }
    }
    expect(await parseAll(chunks(...cutAt(bytes, Array.from({ length: bytes.length - 1 }, (_, k) => k + 1))))).toEqual(
      expected,
    );
  });

  it("a file ending inside a quoted field is a transient error (truncated download)", async () => {
    const e = await amcRejection(parse('a,b\n1,"never closed\n2,3\n'));
    expect(e.cause).toBe("transient");
    expect(e.message).toMatch(/quoted field/);
  });

  it("refuses a runaway row instead of buffering the file", async () => {
    const huge = '"' + "x".repeat(2_000);
    const e = await amcRejection(collect(parseCsv(chunks("a\n", huge, huge), { maxRowChars: 1_000 })));
    expect(e.cause).toBe("transient");
  });

  it("a network error mid-stream propagates as AmcError transient; an AmcError passes as is", async () => {
    async function* breaking(): AsyncGenerator<Uint8Array> {
      yield enc.encode("a,b\n1,2\n3,");
      throw Object.assign(new TypeError("terminated"), { cause: { code: "ECONNRESET" } });
    }
    const seen: string[][] = [];
    const e = await amcRejection(
      (async () => {
        for await (const r of parseCsv(breaking())) seen.push(r);
      })(),
    );
    expect(e.cause).toBe("transient");
    expect(seen).toEqual([["a", "b"], ["1", "2"]]);

    const original = new AmcError("transient", "download broke off");
    async function* amcBreaking(): AsyncGenerator<Uint8Array> {
      yield enc.encode("a\n");
      throw original;
    }
    expect(await amcRejection(parseAll(amcBreaking()))).toBe(original);
  });

  it("stopping early closes the source", async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; ; i++) yield enc.encode(`${i},x\n`);
      } finally {
        closed = true;
      }
    }
    let n = 0;
    for await (const _ of parseCsv(endless())) if (++n === 10) break;
    expect(closed).toBe(true);
  });

  it("streams 1,000,000 rows in bounded memory", async () => {
    const ROWS = 1_000_000;
    async function* synthetic(): AsyncGenerator<Uint8Array> {
      let batch = "";
      for (let i = 0; i < ROWS; i++) {
        batch += `${i},"campaign, ${i % 97}",${i % 13 === 0 ? "" : i * 3},"line\nbreak"\n`;
        if (batch.length > 60_000) {
          yield enc.encode(batch);
          batch = "";
        }
      }
      if (batch) yield enc.encode(batch);
    }
    async function* withHeader(): AsyncGenerator<Uint8Array> {
      yield enc.encode("id,campaign,impressions,note\n");
      yield* synthetic();
    }

    const started = Date.now();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    let wrong = 0;
    for await (const row of parseCsv(withHeader())) {
      const i = rows - 1;
      rows++;
      if (i >= 0) {
        const ok =
          row.length === 4 &&
          row[0] === String(i) &&
          row[1] === `campaign, ${i % 97}` &&
          row[2] === (i % 13 === 0 ? "" : String(i * 3)) &&
          row[3] === "line\nbreak";
        if (!ok) wrong++;
      }
      if (rows % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    expect(rows).toBe(ROWS + 1);
    expect(wrong).toBe(0);
    // The input is ~45 MB of text: buffering it, or the rows, would blow well past this.
    expect(peak).toBeLessThan(50 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
