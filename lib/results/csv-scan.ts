import type { ResultColumnType } from "../../db/schema/result-slots";
import { COMMA, CR, FIELD_START, LF, QUOTE, QUOTED, QUOTED_QUOTE, UNQUOTED } from "../amc/csv";
import { CellClass, classifyCodes, fits, joinClass, MAX_TYPED_CELL, typeOfClass } from "./column-types";

/** A cell that does not fit the type the COPY is loading its column as (or a file of another shape). */
export class ScanMismatch extends Error {
  constructor(
    message: string,
    readonly kind: "type" | "shape",
  ) {
    super(message);
    this.name = "ScanMismatch";
  }
}

/**
 * Walks one CSV file's bytes as they stream to PostgreSQL's COPY, without decoding or
 * allocating: finds field and record boundaries exactly as COPY's CSV mode does (see push) and
 * classifies the cells of the columns that matter. In "verify" mode it throws ScanMismatch at the
 * first cell that does not fit the type its column is being loaded as, before PostgreSQL could
 * store a value that prints differently from the CSV (`007` as 7); in "infer" mode it learns
 * every column's type. The first record is the header; it must have `columns` fields.
 */
export class CsvTypeScanner {
  private readonly check: boolean[];
  private readonly classes: CellClass[];
  /** Per verified column, a bit per cell class that fits its type (1 << class); 0 = learned instead. */
  private readonly allowed: number[];
  private state = FIELD_START;
  private field = 0;
  private record = 0;
  private skipLF = false;
  private readonly buf = new Uint8Array(MAX_TYPED_CELL);
  private len = 0;
  /** Data records seen (header excluded), counting a last record without a line break. */
  rows = 0;
  /** The next byte begins a record (a file's first byte, or the byte after a line break). */
  private startPending = true;
  /**
   * Where records begin in the chunk just pushed, each with its row number (0 for a file's
   * header): the ingest puts the row's key and number in front of it, so COPY numbers nothing.
   */
  readonly starts: { at: number; rowNo: number }[] = [];

  private constructor(
    private readonly columns: number,
    private readonly types: ResultColumnType[] | null,
    /** Columns loaded as text because the sample had no value in them: learn their type. */
    private readonly watched: boolean[] = [],
  ) {
    this.classes = new Array<CellClass>(columns).fill(CellClass.Null);
    this.check = types ? types.map((t, i) => t !== "text" || watched[i] === true) : new Array<boolean>(columns).fill(true);
    const classes = [CellClass.Null, CellClass.Integer, CellClass.Decimal, CellClass.Date, CellClass.Text];
    this.allowed = (types ?? []).map((t, i) =>
      watched[i] ? 0 : classes.reduce<number>((bits, c) => (fits(t, c) ? bits | (1 << c) : bits), 0),
    );
  }

  /**
   * Checks cells against `types`. A `watched` column is loaded as text for want of evidence; if
   * its cells turn out to fit a type after all, `finishAll` throws, since storing it as text would
   * not be what reading every cell first decides.
   */
  static verify(types: ResultColumnType[], watched: boolean[] = []) {
    return new CsvTypeScanner(types.length, types, watched);
  }

  static infer(columns: number) {
    return new CsvTypeScanner(columns, null);
  }

  inferred(): ResultColumnType[] {
    return this.classes.map(typeOfClass);
  }

  /** Columns with no value in what was scanned. */
  empty(): boolean[] {
    return this.classes.map((c) => c === CellClass.Null);
  }

  /** Whether the current field's bytes matter (a data row's column that is checked or learned). */
  private tracking(): boolean {
    return this.record > 0 && this.field < this.columns && this.check[this.field] === true;
  }

  private endField(): void {
    const f = this.field;
    if (this.record > 0 && f < this.columns && this.check[f]) {
      const cls = this.len > MAX_TYPED_CELL ? CellClass.Text : classifyCodes(this.buf, this.len);
      const allowed = this.allowed[f] ?? 0;
      if (allowed !== 0) {
        if (((allowed >> cls) & 1) === 0) {
          throw new ScanMismatch(`row ${this.record}, column ${f + 1}: a value that is not ${this.types?.[f] ?? "typed"}`, "type");
        }
      } else {
        const joined = joinClass(this.classes[f]!, cls);
        this.classes[f] = joined;
        if (joined === CellClass.Text) this.check[f] = false;
      }
    }
    this.field = f + 1;
    this.len = 0;
  }

  private endRecord(): void {
    this.endField();
    if (this.record === 0 && this.field !== this.columns) {
      throw new ScanMismatch(`the file's header has ${this.field} columns, not ${this.columns}`, "shape");
    }
    if (this.record > 0) this.rows++;
    this.record++;
    this.field = 0;
  }

  /**
   * One chunk. Quoting as PostgreSQL's COPY (FORMAT csv) reads it, not as RFC 4180: a quote
   * anywhere in a field opens a quoted section (`ab"c,d"e` is one field `abc,de`), `""` inside
   * one is a quote. The hot loop keeps its state in locals and skips the bytes of fields nobody
   * checks (text columns) without looking at them one by one in the object.
   */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    if (this.skipLF && n > 0) {
      this.skipLF = false;
      if (chunk[0] === LF) i = 1;
    }
    const buf = this.buf;
    const starts = this.starts;
    starts.length = 0;
    let state = this.state;
    let len = this.len;
    let track = this.tracking();
    while (i < n) {
      if (this.startPending) {
        this.startPending = false;
        starts.push({ at: i, rowNo: this.record === 0 ? 0 : this.rows + 1 });
      }
      if (!track && (state === FIELD_START || state === UNQUOTED)) {
        // Untracked unquoted bytes: find the next byte that means something.
        let c = 0;
        while (i < n) {
          c = chunk[i]!;
          if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
          i++;
        }
        if (i === n) {
          state = UNQUOTED;
          break;
        }
      }
      const c = chunk[i++]!;
      if (state === QUOTED) {
        if (c === QUOTE) state = QUOTED_QUOTE;
        else if (track) {
          if (len < MAX_TYPED_CELL) buf[len] = c;
          len++;
        }
        continue;
      }
      if (state === QUOTED_QUOTE) {
        if (c === QUOTE) {
          if (track) {
            if (len < MAX_TYPED_CELL) buf[len] = c;
            len++;
          }
          state = QUOTED;
          continue;
        }
        state = UNQUOTED;
      }
      if (c === COMMA) {
        this.len = len;
        this.endField();
        len = 0;
        track = this.tracking();
        state = FIELD_START;
      } else if (c === LF || c === CR) {
        this.len = len;
        this.endRecord();
        len = 0;
        track = this.tracking();
        state = FIELD_START;
        if (c === CR) {
          if (i < n) {
            if (chunk[i] === LF) i++;
          } else this.skipLF = true;
        }
        this.startPending = true;
      } else if (c === QUOTE) {
        state = QUOTED;
      } else {
        state = UNQUOTED;
        if (track) {
          if (len < MAX_TYPED_CELL) buf[len] = c;
          len++;
        }
      }
    }
    this.state = state;
    this.len = len;
  }

  /** The end of a file: a last record without a line break still counts. */
  finish(): void {
    if (this.state !== FIELD_START || this.field > 0 || this.len > 0) this.endRecord();
    this.state = FIELD_START;
  }

  /** The next file of the same result begins (with its own header). */
  nextFile(): void {
    this.state = FIELD_START;
    this.field = 0;
    this.record = 0;
    this.skipLF = false;
    this.len = 0;
    this.startPending = true;
  }

  /** After the last file: a watched column whose values all fit a type means the load must be redone. */
  finishAll(): void {
    this.watched.forEach((w, f) => {
      const c = this.classes[f]!;
      if (w && c !== CellClass.Null && c !== CellClass.Text) {
        throw new ScanMismatch(`column ${f + 1} holds ${typeOfClass(c)} values after an empty sample`, "type");
      }
    });
  }
}
