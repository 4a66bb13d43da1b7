import { once } from "node:events";
import type postgres from "postgres";
import type { ResultFile } from "../amc/gateway";
import { parseCsv } from "../amc/csv";

export interface IngestedResult {
  columns: string[];
  rowCount: number;
  sizeBytes: number;
}

// COPY's text format treats backslash as an escape; JSON never contains raw tabs or newlines.
const copyText = (json: string) => json.replace(/\\/g, "\\\\");

/** Counts the bytes flowing through, so size_bytes is what AMC sent. */
async function* counted(stream: AsyncIterable<Uint8Array>, total: { bytes: number }) {
  for await (const chunk of stream) {
    total.bytes += chunk.byteLength;
    yield chunk;
  }
}

/**
 * Streams result files into execution_result_rows through COPY, inside the caller's
 * transaction: memory holds one row and the driver's write buffer, whatever the result size;
 * if anything fails, the transaction rolls back and no partial result remains.
 */
export async function copyResultRows(
  tx: postgres.TransactionSql,
  executionUuid: string,
  files: ResultFile[],
): Promise<IngestedResult> {
  await tx`DELETE FROM execution_result_rows WHERE execution_id = ${executionUuid}`;
  const writable = await tx`COPY execution_result_rows (execution_id, row_no, cells) FROM STDIN`.writable();
  const done = once(writable, "finish");
  done.catch(() => {}); // on failure the error is rethrown below; don't also leave it unhandled
  let columns: string[] | null = null;
  let rowCount = 0;
  const total = { bytes: 0 };
  try {
    for (const file of files) {
      let header = true;
      for await (const cells of parseCsv(counted(await file.open(), total))) {
        if (header) {
          header = false;
          if (!columns) columns = cells;
          continue; // every file repeats the header
        }
        rowCount += 1;
        const line = `${executionUuid}\t${rowCount}\t${copyText(JSON.stringify(cells))}\n`;
        if (!writable.write(line)) await once(writable, "drain");
      }
    }
  } catch (e) {
    writable.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
  writable.end();
  await done;
  return { columns: columns ?? [], rowCount, sizeBytes: total.bytes };
}
