import { AmcError } from "./gateway";

/**
 * Streaming RFC 4180 reader for AMC result files. Holds only the current row (plus one decoded
 * chunk), so a file of any size streams through in constant memory.
 *
 * Lenient where files in the wild differ from the RFC: LF or lone CR ends a row as well as CRLF; a
 * quote inside an unquoted field, or text after a closing quote, is kept as text. Blank lines are
 * skipped, except in a one-column file where a blank line is a row with one empty cell. A BOM is
 * dropped. Broken input is an AmcError("transient"): the download is the likely culprit, and
 * downloading again is the remedy.
 */

export interface CsvOptions {
  /** Refuse rows longer than this (an unterminated quote would otherwise swallow the whole file). */
  maxRowChars?: number;
}

const DEFAULT_MAX_ROW_CHARS = 16 * 1024 * 1024;

/** CSV's bytes (also read by lib/results/csv-scan.ts, which walks the same grammar over bytes). */
export const COMMA = 0x2c;
export const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;

// Where the reader is within the current field.
export const FIELD_START = 0;
export const UNQUOTED = 1;
export const QUOTED = 2;
/** Just saw a `"` inside a quoted field: either half of `""` or the closing quote. */
export const QUOTED_QUOTE = 3;

export async function* parseCsv(
  stream: AsyncIterable<Uint8Array>,
  options: CsvOptions = {},
): AsyncGenerator<string[]> {
  const maxRowChars = options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS;
  // stream: true keeps a multi-byte character split across chunks for the next call; the BOM is
  // removed by the decoder (ignoreBOM: false).
  const decoder = new TextDecoder("utf-8");

  let row: string[] = [];
  let rowChars = 0;
  /** Text of the current field carried over from earlier chunks (or unescaped so far). */
  let field = "";
  let state = FIELD_START;
  /** The previous chunk ended on CR: a LF starting this one belongs to the same line break. */
  let afterCR = false;
  let columns = -1;
  let lineNo = 1;

  const tooLong = () =>
    new AmcError("transient", `Result CSV row ${lineNo} is longer than ${maxRowChars} characters; the file looks corrupt.`);

  function endField(text: string): void {
    rowChars += text.length;
    if (rowChars > maxRowChars) throw tooLong();
    row.push(text);
    field = "";
  }

  /** The finished row, or undefined for a blank line to skip. */
  function endRow(): string[] | undefined {
    const done = row;
    row = [];
    rowChars = 0;
    lineNo++;
    const blank = done.length === 1 && done[0] === "";
    if (columns === -1) {
      if (blank) return undefined;
      columns = done.length;
    }
    return blank && columns !== 1 ? undefined : done;
  }

  function* consume(s: string): Generator<string[]> {
    const n = s.length;
    let i = 0;
    /** Start of the current field's text within `s`. */
    let seg = 0;
    if (afterCR && n > 0) {
      afterCR = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (state === FIELD_START) {
        const c = s.charCodeAt(i);
        if (c === QUOTE) {
          state = QUOTED;
          seg = ++i;
          continue;
        }
        if (c === LF || c === CR) {
          endField("");
          const out = endRow();
          if (out) yield out;
          if (c === CR) {
            if (i + 1 < n) {
              if (s.charCodeAt(i + 1) === LF) i++;
            } else afterCR = true;
          }
          i++;
          continue;
        }
        if (c === COMMA) {
          endField("");
          i++;
          continue;
        }
        state = UNQUOTED;
        seg = i;
      }

      if (state === UNQUOTED) {
        // Scan to the end of the field in one go: this is the hot loop for large files.
        let j = i;
        let c = 0;
        while (j < n) {
          c = s.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        if (j === n) {
          field += s.slice(seg, n);
          if (field.length + rowChars > maxRowChars) throw tooLong();
          return;
        }
        endField(field + s.slice(seg, j));
        state = FIELD_START;
        i = j + 1;
        if (c !== COMMA) {
          const out = endRow();
          if (out) yield out;
          if (c === CR) {
            if (i < n) {
              if (s.charCodeAt(i) === LF) i++;
            } else afterCR = true;
          }
        }
        continue;
      }

      if (state === QUOTED) {
        const q = s.indexOf('"', i);
        if (q === -1) {
          field += s.slice(seg, n);
          if (field.length + rowChars > maxRowChars) throw tooLong();
          return;
        }
        field += s.slice(seg, q);
        state = QUOTED_QUOTE;
        i = q + 1;
        continue;
      }

      // QUOTED_QUOTE
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        field += '"';
        state = QUOTED;
        seg = ++i;
        continue;
      }
      if (c === COMMA) {
        endField(field);
        state = FIELD_START;
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        endField(field);
        state = FIELD_START;
        const out = endRow();
        if (out) yield out;
        i++;
        if (c === CR) {
          if (i < n) {
            if (s.charCodeAt(i) === LF) i++;
          } else afterCR = true;
        }
        continue;
      }
      // `"ab"c`: not RFC, but keep the text rather than lose the row.
      state = UNQUOTED;
      seg = i;
    }
  }

  try {
    for await (const chunk of stream) {
      yield* consume(decoder.decode(chunk, { stream: true }));
    }
  } catch (e) {
    if (e instanceof AmcError) throw e;
    throw new AmcError(
      "transient",
      `Reading the result CSV failed at row ${lineNo}: ${e instanceof Error ? e.message : "stream error"}.`,
    );
  }
  yield* consume(decoder.decode());

  if (state === QUOTED) {
    throw new AmcError("transient", `Result CSV ends inside a quoted field at row ${lineNo}; the download looks truncated.`);
  }
  if (state === UNQUOTED || state === QUOTED_QUOTE || row.length > 0) {
    endField(field);
    const out = endRow();
    if (out) yield out;
  }
}
