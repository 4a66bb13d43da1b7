import { describe, expect, it } from "vitest";
import { readWorkbook as readBack, readZip } from "@/test/dashboards";
import { xlsxStream } from "./xlsx";

type Rows = (string | null)[][];

async function* inBatches(rows: Rows, size: number) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const bytes = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer());

describe("the XLSX writer", () => {
  it("neutralises formula-like text, the header's too, and keeps numbers and text as today", async () => {
    const hostile = ['=HYPERLINK("http://evil.example","click")', "@SUM(1)", "+cmd", "-2+3", "\t=1", "\r=1"];
    const header = ["=h", "b", "c", "d", "e", "f"];
    const rows: Rows = [hostile, ["-3.25", "0012", "1e5", "+1e3", "42", "plain"], [null, "", "a & <b>", "-", "é ✓", "x"]];
    const book = await readBack(await bytes(xlsxStream(header, inBatches(rows, 2), { sheetName: "rpt_1/2" })));
    expect(book.name).toBe("rpt_1 2");
    expect(book.rows).toEqual([
      ["'=h", "b", "c", "d", "e", "f"],
      hostile.map((v) => `'${v}`),
      // Plain decimals are numbers; leading zeros, exponents and signs other than "-" stay text.
      [-3.25, "0012", "1e5", "+1e3", 42, "plain"],
      [undefined, undefined, "a & <b>", "'-", "é ✓", "x"],
    ]);
  });

  it("streams a deflated ZIP batch by batch, reading at most one batch ahead of the client", async () => {
    let pulled = 0;
    const rows: Rows = Array.from({ length: 20_000 }, (_, i) => [`row ${i}`, String(i), i % 7 ? "=1+1" : null]);
    async function* batches() {
      for (let i = 0; i < rows.length; i += 1000) {
        pulled++;
        yield rows.slice(i, i + 1000);
      }
    }
    const reader = xlsxStream(["name", "n", "f"], batches()).getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    chunks.push(first.value!);
    expect(pulled).toBeLessThanOrEqual(1);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    expect(pulled).toBe(20);
    const buf = Buffer.concat(chunks);
    const parts = readZip(buf);
    expect([...parts.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]);
    // Deflated: far smaller than the sheet's XML.
    expect(buf.length).toBeLessThan(parts.get("xl/worksheets/sheet1.xml")!.length / 5);
    const book = await readBack(buf);
    expect(book.rows).toHaveLength(20_001);
    expect(book.rows[1]).toEqual(["row 0", 0]);
    expect(book.rows[19_999]).toEqual(["row 19998", 19998, "'=1+1"]);
  });
});
