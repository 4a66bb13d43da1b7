/**
 * The one CSV writer (RFC 4180: fields quoted only when needed, quotes doubled, CRLF line ends),
 * for every CSV the app serves and the sandbox's AMC-shaped downloads. Ours rather than a
 * library's: it is these two functions plus a pull-based stream, and the stream is what matters
 * (the next batch is read from PostgreSQL only when the client has taken the previous one).
 */

type Cells = readonly (string | null)[];

/** SQL NULL is an empty unquoted field and the empty string is `""`, so a reader can tell them apart. */
export function csvCell(v: string | null): string {
  if (v === null) return "";
  return v === "" || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const csvLine = (cells: Cells) => `${cells.map(csvCell).join(",")}\r\n`;

/** A header and row batches as a CSV byte stream; memory stays at one batch. */
export function csvStream(header: readonly string[], batches: AsyncIterable<Cells[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<Cells[]> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(header)));
      iterator = batches[Symbol.asyncIterator]();
    },
    async pull(controller) {
      const next = await iterator!.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
