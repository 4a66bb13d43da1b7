import type postgres from "postgres";

/** RFC 4180 quoting: only when needed, quotes doubled. */
export function csvCell(v: string | null): string {
  if (v === null) return "";
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const csvLine = (cells: (string | null)[]) => `${cells.map(csvCell).join(",")}\r\n`;

/**
 * A stored result as a CSV byte stream, read with a server-side cursor in batches, so a
 * million-row result never sits in memory (pull-based: the next batch is read when the client
 * has taken the previous one).
 */
export function streamResultCsv(sql: postgres.Sql, executionUuid: string, columns: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<{ cells: (string | null)[] }[]> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(columns)));
      iterator = sql<{ cells: (string | null)[] }[]>`
        SELECT cells FROM execution_result_rows WHERE execution_id = ${executionUuid} ORDER BY row_no`
        .cursor(1000)
        [Symbol.asyncIterator]();
    },
    async pull(controller) {
      const next = await iterator!.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((r) => csvLine(r.cells)).join("")));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
