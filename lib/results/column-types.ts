import type { ResultColumnType } from "../../db/schema/result-slots";

/**
 * What a result column holds, inferred from every cell when the result is stored. A cell is
 * typed only when PostgreSQL prints the typed value back exactly as the CSV wrote it, so a typed
 * column never changes what the user sees or exports:
 *  - integer: `0` or an optional `-` and up to 18 digits without a leading zero (so ZIP-like
 *    `01234`, `+5`, `-0` and ` 5` stay text);
 *  - decimal: an integer or `-?digits.digits` (no exponent, no leading zeros, not `-0.0`), at most
 *    31 digits on each side;
 *  - date: `YYYY-MM-DD` that exists in the calendar (year 1 or later).
 * Empty cells are null and fit every type. A column with no value at all, or any cell that fits
 * none of the above, is text; integers mixed with decimals make a decimal column.
 */

/** A cell's class: what the cell alone could be. */
export const CellClass = { Null: 0, Integer: 1, Decimal: 2, Date: 3, Text: 4 } as const;
export type CellClass = (typeof CellClass)[keyof typeof CellClass];

const D0 = 0x30;
const D9 = 0x39;
const MINUS = 0x2d;
const DOT = 0x2e;
const isDigit = (c: number) => c >= D0 && c <= D9;

/** Longest cell worth classifying; anything longer is text. */
export const MAX_TYPED_CELL = 64;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digit at b[i] (0-9), or -1. */
const digit = (b: ArrayLike<number>, i: number) => {
  const v = b[i]! - D0;
  return v >= 0 && v <= 9 ? v : -1;
};

function isDate(b: ArrayLike<number>, n: number): boolean {
  if (n !== 10 || b[4] !== MINUS || b[7] !== MINUS) return false;
  // Unrolled (this runs once per date cell of a million-row file).
  const y0 = digit(b, 0), y1 = digit(b, 1), y2 = digit(b, 2), y3 = digit(b, 3);
  const m0 = digit(b, 5), m1 = digit(b, 6), d0 = digit(b, 8), d1 = digit(b, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && !leap ? 28 : DAYS_IN_MONTH[m - 1]!);
}

/** Classifies the cell in `b[0..n)` (bytes or char codes; typed cells are ASCII). */
export function classifyCodes(b: ArrayLike<number>, n: number): CellClass {
  if (n === 0) return CellClass.Null;
  if (n > MAX_TYPED_CELL) return CellClass.Text;
  const c0 = b[0]!;
  if (c0 !== MINUS && !isDigit(c0)) return CellClass.Text;
  if (n === 10 && b[4] === MINUS) return isDate(b, n) ? CellClass.Date : CellClass.Text;
  let i = c0 === MINUS ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(b[i]!)) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > 31) return CellClass.Text;
  if (intDigits > 1 && b[intStart] === D0) return CellClass.Text; // leading zero: keep as written
  const negative = intStart === 1;
  if (i === n) {
    if (negative && intDigits === 1 && b[1] === D0) return CellClass.Text; // "-0"
    return intDigits <= 18 ? CellClass.Integer : CellClass.Decimal;
  }
  if (b[i] !== DOT) return CellClass.Text;
  i++;
  const fracStart = i;
  let nonZero = false;
  while (i < n && isDigit(b[i]!)) {
    if (b[i] !== D0) nonZero = true;
    i++;
  }
  const fracDigits = i - fracStart;
  if (i !== n || fracDigits === 0 || fracDigits > 31) return CellClass.Text;
  // "-0.00" would print as "0.00": the sign would be lost.
  if (negative && intDigits === 1 && b[1] === D0 && !nonZero) return CellClass.Text;
  return CellClass.Decimal;
}

const scratch = new Uint8Array(MAX_TYPED_CELL);

/** Classifies a cell given as a string (null and "" are empty). */
export function classifyCell(cell: string | null): CellClass {
  if (cell === null) return CellClass.Null;
  const n = cell.length;
  if (n > MAX_TYPED_CELL) return CellClass.Text;
  for (let i = 0; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c > 0x7f) return CellClass.Text;
    scratch[i] = c;
  }
  return classifyCodes(scratch, n);
}

/** The column's class so far joined with one more cell's (a small lattice). */
export function joinClass(column: CellClass, cell: CellClass): CellClass {
  if (cell === CellClass.Null || cell === column) return column;
  if (column === CellClass.Null) return cell;
  if ((column === CellClass.Integer && cell === CellClass.Decimal) || (column === CellClass.Decimal && cell === CellClass.Integer)) {
    return CellClass.Decimal;
  }
  return CellClass.Text;
}

/** Whether a cell of class `cell` can be stored in a column of type `type`. */
export function fits(type: ResultColumnType, cell: CellClass): boolean {
  if (cell === CellClass.Null || type === "text") return true;
  if (type === "integer") return cell === CellClass.Integer;
  if (type === "decimal") return cell === CellClass.Integer || cell === CellClass.Decimal;
  return cell === CellClass.Date;
}

export function typeOfClass(c: CellClass): ResultColumnType {
  switch (c) {
    case CellClass.Integer:
      return "integer";
    case CellClass.Decimal:
      return "decimal";
    case CellClass.Date:
      return "date";
    default:
      return "text"; // no value at all, or text
  }
}

/** Column types inferred from whole rows of cells (the lenient path and tests). */
export class RowTypeInference {
  private classes: CellClass[];
  constructor(columns: number) {
    this.classes = new Array<CellClass>(columns).fill(CellClass.Null);
  }
  observe(cells: readonly (string | null)[]): void {
    const n = Math.min(cells.length, this.classes.length);
    for (let i = 0; i < n; i++) {
      const c = this.classes[i]!;
      if (c !== CellClass.Text) this.classes[i] = joinClass(c, classifyCell(cells[i] ?? null));
    }
  }
  types(): ResultColumnType[] {
    return this.classes.map(typeOfClass);
  }
}
