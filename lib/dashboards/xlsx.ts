import { Zip, ZipDeflate } from "fflate";
import { neutraliseFormula } from "../results/csv-writer";

/**
 * A streaming XLSX writer: one worksheet of inline strings and numbers. The XML is ours (a few
 * small parts); the ZIP container is fflate's streaming `Zip`, so each part is deflated and
 * handed to the client as it is written and nothing is buffered whole. Limits: fflate writes no
 * ZIP64, so a sheet over 4 GiB (uncompressed) fails the stream rather than writing a corrupt
 * file; the sheet is capped at Excel's 1,048,576 rows.
 */

export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const enc = new TextEncoder();

// Characters XML 1.0 forbids (C0 controls except tab / LF / CR, lone surrogates, U+FFFE/F).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// A literal CR would be read back as LF (XML's line-end normalisation), so it is a reference.
export function xmlText(s: string): string {
  return s
    .replace(INVALID_XML, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("\r", "&#13;");
}

/** Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnName(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// Plain decimals only become numbers: ids with leading zeros, huge integers and "1e5"-like
// text stay text so nothing is silently changed.
const NUMBER = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$/;

export function rowXml(rowNo: number, cells: (string | null)[]): string {
  let out = `<row r="${rowNo}">`;
  cells.forEach((v, i) => {
    if (v === null || v === "") return;
    const ref = `${columnName(i)}${rowNo}`;
    if (NUMBER.test(v)) out += `<c r="${ref}"><v>${v}</v></c>`;
    // A text cell is never evaluated by Excel, but it becomes a formula once edited or saved as
    // CSV, so it is neutralised like the CSV export's.
    else out += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(neutraliseFormula(v))}</t></is></c>`;
  });
  return `${out}</row>`;
}

const STATIC_PARTS: [string, string][] = [
  [
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
  ],
  [
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  ],
  [
    "xl/_rels/workbook.xml.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
  ],
];

const workbookXml = (sheetName: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${xmlText(sheetName.replace(/[\\/?*[\]:]/g, " ").slice(0, 31) || "Data")}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

/**
 * An XLSX byte stream of `header` then the rows `batches` yields, pulled batch by batch (the
 * next batch is read when the client has taken the previous one); every text cell, the header's
 * too, goes through `neutraliseFormula`.
 */
export function xlsxStream(
  header: string[],
  batches: AsyncIterable<(string | null)[][]>,
  options: { sheetName?: string } = {},
): ReadableStream<Uint8Array> {
  let sheet: ZipDeflate;
  let iterator: AsyncIterator<(string | null)[][]>;
  let sheetBytes = 0;
  let chunks = 0;
  let rowNo = 1;
  let done = false;
  // Sizes are 32-bit fields without ZIP64: fflate would wrap them silently.
  const push = (text: string, final = false) => {
    const bytes = enc.encode(text);
    sheetBytes += bytes.length;
    if (sheetBytes > 0xffffffff) throw new Error("XLSX export over 4 GiB is not supported.");
    sheet.push(bytes, final);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // fflate's sync deflate calls back inside push(), so every chunk a push produces is
      // enqueued before the push returns: one batch's bytes at a time.
      const zip = new Zip((err, chunk) => {
        if (err) controller.error(err);
        else if (chunk.length) {
          chunks += 1;
          controller.enqueue(chunk);
        }
      });
      const file = (name: string, text: string) => {
        const part = new ZipDeflate(name);
        zip.add(part);
        part.push(enc.encode(text), true);
      };
      for (const [name, text] of STATIC_PARTS) file(name, text);
      file("xl/workbook.xml", workbookXml(options.sheetName ?? "Data"));
      sheet = new ZipDeflate("xl/worksheets/sheet1.xml");
      zip.add(sheet);
      // Ended now: fflate writes the directory once the last added file has its final chunk.
      zip.end();
      push(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml(1, header)}`);
      iterator = batches[Symbol.asyncIterator]();
    },
    async pull(controller) {
      // The deflater may keep a small batch's bytes to itself, and a pull that enqueues nothing
      // is not called again: read batches until some bytes went out or the sheet is done.
      const before = chunks;
      while (!done && chunks === before) {
        const next = await iterator.next();
        if (!next.done) {
          let xml = "";
          for (const cells of next.value) {
            if (rowNo >= XLSX_MAX_ROWS) break;
            rowNo += 1;
            xml += rowXml(rowNo, cells);
          }
          if (xml) push(xml);
          if (rowNo < XLSX_MAX_ROWS) continue;
          await iterator.return?.();
        }
        done = true;
        push(`</sheetData></worksheet>`, true);
        controller.close();
      }
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
