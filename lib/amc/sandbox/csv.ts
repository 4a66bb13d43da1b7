/**
 * RFC 4180 CSV: CRLF line ends; a field is quoted when it holds a comma, a double quote, CR or
 * LF, with quotes doubled. SQL NULL is an empty unquoted field and the empty string is `""`,
 * so a reader can tell them apart.
 */
export function csvField(value: string | null): string {
  if (value === null) return "";
  if (value === "" || /[",\r\n]/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const lines = [header.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
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
