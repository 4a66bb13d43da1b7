import { csvLine } from "../../results/csv-writer";

// Cells exactly as AMC would send them: our own ingest parses this file, so no formula prefixes.
const EXACT = { neutraliseFormulas: false };

/** A whole result as CSV text, through the app's one CSV writer (AMC's downloads are RFC 4180 too). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return csvLine(header, EXACT) + rows.map((r) => csvLine(r, EXACT)).join("");
}

/** The CSV as UTF-8 chunks of at most `chunkSize` bytes (characters never split). */
export async function* csvChunks(csv: string, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  // Slice by characters, then encode: at most 4 bytes per UTF-16 code unit pair, so a quarter of
  // the byte budget in code units always fits; avoid splitting a surrogate pair.
  const step = Math.max(1, Math.floor(chunkSize / 4));
  for (let i = 0; i < csv.length; ) {
    let end = Math.min(csv.length, i + step);
    const last = csv.charCodeAt(end - 1);
    if (end < csv.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield encoder.encode(csv.slice(i, end));
    i = end;
  }
}
