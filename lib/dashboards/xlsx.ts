import * as zlib from "node:zlib";

/**
 * A minimal streaming XLSX writer: one worksheet of inline strings and numbers, packed in a ZIP
 * written front to back (stored entries with data descriptors, so nothing is buffered whole).
 * No dependency: exceljs's WorkbookWriter would do, but it pulls ~40 packages for what is a
 * few XML parts here. Limits: stored (uncompressed) entries, no ZIP64 (a sheet over 4 GiB
 * fails the stream), sheet capped at Excel's 1,048,576 rows.
 */

// zlib.crc32 exists from Node 20.15 / 22.2; package.json allows >= 20.9, so a table fallback.
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(data: Uint8Array, value = 0): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (native) return native(data, value);
  let c = (value ^ 0xffffffff) >>> 0;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const enc = new TextEncoder();

// Characters XML 1.0 forbids (C0 controls except tab / LF / CR, lone surrogates, U+FFFE/F).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function xmlText(s: string): string {
  return s.replace(INVALID_XML, "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
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
    else out += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(v)}</t></is></c>`;
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

/** ZIP writer state: entries are written one after the other; the directory comes last. */
class ZipWriter {
  private offset = 0;
  private entries: { name: Uint8Array; crc: number; size: number; offset: number }[] = [];
  private current: { name: Uint8Array; crc: number; size: number; offset: number } | null = null;
  // DOS time/date of "now" for every entry.
  private readonly time: number;
  private readonly date: number;
  constructor(private readonly emit: (chunk: Uint8Array) => void, now = new Date()) {
    this.time = (now.getUTCHours() << 11) | (now.getUTCMinutes() << 5) | Math.floor(now.getUTCSeconds() / 2);
    this.date = ((now.getUTCFullYear() - 1980) << 9) | ((now.getUTCMonth() + 1) << 5) | now.getUTCDate();
  }
  private write(chunk: Uint8Array) {
    this.offset += chunk.length;
    if (this.offset > 0xffffffff) throw new Error("XLSX export over 4 GiB is not supported.");
    this.emit(chunk);
  }
  begin(name: string) {
    const n = enc.encode(name);
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, 20, true);
    h.setUint16(6, 0x0808, true); // data descriptor follows; UTF-8 names
    h.setUint16(8, 0, true); // stored
    h.setUint16(10, this.time, true);
    h.setUint16(12, this.date, true);
    h.setUint16(26, n.length, true);
    this.current = { name: n, crc: 0, size: 0, offset: this.offset };
    this.write(new Uint8Array(h.buffer));
    this.write(n);
  }
  data(chunk: Uint8Array) {
    const c = this.current!;
    c.crc = crc32(chunk, c.crc);
    c.size += chunk.length;
    this.write(chunk);
  }
  end() {
    const c = this.current!;
    const d = new DataView(new ArrayBuffer(16));
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(4, c.crc >>> 0, true);
    d.setUint32(8, c.size, true);
    d.setUint32(12, c.size, true);
    this.write(new Uint8Array(d.buffer));
    this.entries.push(c);
    this.current = null;
  }
  file(name: string, text: string) {
    this.begin(name);
    this.data(enc.encode(text));
    this.end();
  }
  finish() {
    const start = this.offset;
    for (const e of this.entries) {
      const h = new DataView(new ArrayBuffer(46));
      h.setUint32(0, 0x02014b50, true);
      h.setUint16(4, 20, true);
      h.setUint16(6, 20, true);
      h.setUint16(8, 0x0808, true);
      h.setUint16(10, 0, true);
      h.setUint16(12, this.time, true);
      h.setUint16(14, this.date, true);
      h.setUint32(16, e.crc >>> 0, true);
      h.setUint32(20, e.size, true);
      h.setUint32(24, e.size, true);
      h.setUint16(28, e.name.length, true);
      h.setUint32(42, e.offset, true);
      this.write(new Uint8Array(h.buffer));
      this.write(e.name);
    }
    const size = this.offset - start;
    const eocd = new DataView(new ArrayBuffer(22));
    eocd.setUint32(0, 0x06054b50, true);
    eocd.setUint16(8, this.entries.length, true);
    eocd.setUint16(10, this.entries.length, true);
    eocd.setUint32(12, size, true);
    eocd.setUint32(16, start, true);
    this.write(new Uint8Array(eocd.buffer));
  }
}

/**
 * An XLSX byte stream of `header` then the rows `batches` yields, pulled batch by batch (the
 * next batch is read when the client has taken the previous one).
 */
export function xlsxStream(
  header: string[],
  batches: AsyncIterable<(string | null)[][]>,
  options: { sheetName?: string } = {},
): ReadableStream<Uint8Array> {
  let zip: ZipWriter;
  let iterator: AsyncIterator<(string | null)[][]>;
  let rowNo = 1;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new ZipWriter((c) => controller.enqueue(c));
      for (const [name, text] of STATIC_PARTS) zip.file(name, text);
      zip.file("xl/workbook.xml", workbookXml(options.sheetName ?? "Data"));
      zip.begin("xl/worksheets/sheet1.xml");
      zip.data(
        enc.encode(
          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml(1, header)}`,
        ),
      );
      iterator = batches[Symbol.asyncIterator]();
    },
    async pull(controller) {
      if (done) return;
      const next = await iterator.next();
      if (!next.done) {
        let xml = "";
        for (const cells of next.value) {
          if (rowNo >= XLSX_MAX_ROWS) break;
          rowNo += 1;
          xml += rowXml(rowNo, cells);
        }
        if (xml) zip.data(enc.encode(xml));
        if (rowNo < XLSX_MAX_ROWS) return;
        await iterator.return?.();
      }
      done = true;
      zip.data(enc.encode(`</sheetData></worksheet>`));
      zip.end();
      zip.finish();
      controller.close();
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
