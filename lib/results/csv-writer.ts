/**
 * The one CSV writer (RFC 4180: fields quoted only when needed, quotes doubled, CRLF line ends),
 * for every CSV the app serves and the sandbox's AMC-shaped downloads. Ours rather than a
 * library's: it is these two functions plus a pull-based stream, and the stream is what matters
 * (the next batch is read from PostgreSQL only when the client has taken the previous one).
 */

type Cells = readonly (string | null)[];

/** How cells are written: `neutraliseFormulas` for files people open in a spreadsheet. */
export interface CsvOptions {
  neutraliseFormulas: boolean;
}

// A plain decimal number, signed or not, with an optional exponent: nothing a spreadsheet could
// run, and prefixing it would turn a number into text.
const PLAIN_NUMBER = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
// Spreadsheets read a cell starting with one of these as a formula (OWASP's CSV injection list).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(1)`, `+cmd|...`, `-2+3`,
 * a leading tab or CR) gets a leading `'`, as OWASP advises; plain numbers like `-3.25` stay as
 * they are. Only for files people open: an AMC-shaped file our own ingest reads must stay exact.
 */
export function neutraliseFormula(v: string): string {
  return FORMULA_START.test(v) && !PLAIN_NUMBER.test(v) ? `'${v}` : v;
}

/** SQL NULL is an empty unquoted field and the empty string is `""`, so a reader can tell them apart. */
export function csvCell(v: string | null, options?: CsvOptions): string {
  if (v === null) return "";
  if (options?.neutraliseFormulas) v = neutraliseFormula(v);
  return v === "" || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const csvLine = (cells: Cells, options?: CsvOptions) => `${cells.map((c) => csvCell(c, options)).join(",")}\r\n`;

/**
 * A header and row batches as a CSV byte stream; memory stays at one batch. The options are
 * required so that every caller decides whether its file is for people (neutralised) or for a
 * program (exact).
 */
export function csvStream(header: readonly string[], batches: AsyncIterable<Cells[]>, options: CsvOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const line = (cells: Cells) => csvLine(cells, options);
  let iterator: AsyncIterator<Cells[]> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(line(header)));
      iterator = batches[Symbol.asyncIterator]();
    },
    async pull(controller) {
      const next = await iterator!.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(line).join("")));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
