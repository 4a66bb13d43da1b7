import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { cellsArray, cellValue } from "../../db/queries/result-cells";
import type { ResultColumnSlot } from "../../db/schema/result-slots";
import { AppError } from "../errors";

/** What a reader needs of a stored result (execution_results' row). */
export interface ResultRef {
  resultKey: number;
  columns: string[];
  columnSlots: ResultColumnSlot[];
  rowCount: number;
}

export const RESULT_PAGE_SIZE = 50;

/** 410 for a result retention removed: it existed, and running the window again is the way back. */
export const expiredResult = (at: Date) =>
  new AppError("GONE", `This result's rows were removed on ${at.toISOString().slice(0, 10)} by retention; run the window again to get it back.`);
/** Up to this many rows a sorted page is sorted on the spot; above, through a stored order. */
export const SORT_IN_PLACE_MAX = 2_000;

export type ResultPageRow = {
  rowNo: number;
  cells: (string | null)[];
};

/**
 * One page of a stored result, in AMC's row order or sorted by a column (typed: numbers as
 * numbers, dates as dates, nulls last). Any page of any sort is an index range: row order by
 * row_no, a sort through execution_result_orders (built on first use for a large result).
 */
export async function resultPage(
  db: Database,
  ref: ResultRef,
  opts: { page: number; sortColumn?: number; dir: "asc" | "desc" },
): Promise<ResultPageRow[]> {
  const offset = (opts.page - 1) * RESULT_PAGE_SIZE;
  const cells = cellsArray(ref.columnSlots);
  const slot = opts.sortColumn === undefined ? undefined : ref.columnSlots[opts.sortColumn];
  if (!slot) {
    return db.execute<ResultPageRow>(sql`
      SELECT r.row_no AS "rowNo", ${cells} AS cells FROM execution_result_rows r
      WHERE r.result_key = ${ref.resultKey} AND r.row_no > ${offset} AND r.row_no <= ${offset + RESULT_PAGE_SIZE}
      ORDER BY r.row_no`);
  }
  const dir = opts.dir === "desc" ? sql.raw("DESC") : sql.raw("ASC");
  if (ref.rowCount <= SORT_IN_PLACE_MAX) {
    const nulls = opts.dir === "desc" ? sql.raw("NULLS FIRST") : sql.raw("NULLS LAST");
    return db.execute<ResultPageRow>(sql`
      SELECT r.row_no AS "rowNo", ${cells} AS cells FROM execution_result_rows r
      WHERE r.result_key = ${ref.resultKey}
      ORDER BY ${cellValue(slot)} ${dir} ${nulls}, r.row_no ${dir}
      LIMIT ${RESULT_PAGE_SIZE} OFFSET ${offset}`);
  }
  await ensureSortOrder(db, ref, opts.sortColumn!);
  // Descending reads the ascending order backwards: positions n - offset down to n - offset - 49.
  const [lo, hi] =
    opts.dir === "desc"
      ? [ref.rowCount - offset - RESULT_PAGE_SIZE + 1, ref.rowCount - offset]
      : [offset + 1, offset + RESULT_PAGE_SIZE];
  return db.execute<ResultPageRow>(sql`
    SELECT r.row_no AS "rowNo", ${cells} AS cells
    FROM execution_result_orders o
    JOIN execution_result_rows r ON r.result_key = o.result_key AND r.row_no = o.row_no
    WHERE o.result_key = ${ref.resultKey} AND o.column_no = ${opts.sortColumn!} AND o.pos BETWEEN ${lo} AND ${hi}
    ORDER BY o.pos ${dir}`);
}

/**
 * The rows of `ref` in the order of one column, stored once (results never change): one
 * set-based statement; a concurrent builder of the same order simply finds it done.
 */
export async function ensureSortOrder(db: Database, ref: ResultRef, column: number): Promise<void> {
  const slot = ref.columnSlots[column];
  if (!slot || ref.rowCount === 0) return;
  const [done] = await db.execute<{ done: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM execution_result_orders WHERE result_key = ${ref.resultKey} AND column_no = ${column} AND pos = 1) AS done`);
  if (done?.done) return;
  await db.execute(sql`
    INSERT INTO execution_result_orders (result_key, column_no, pos, row_no)
    SELECT ${ref.resultKey}, ${column}, row_number() OVER (ORDER BY ${cellValue(slot)} ASC NULLS LAST, r.row_no), r.row_no
    FROM execution_result_rows r WHERE r.result_key = ${ref.resultKey}
    ON CONFLICT DO NOTHING`);
}

/** Every row of a result as cells, in AMC's order, BATCH rows at a time (exports, the API). */
export async function* resultRowBatches(db: Database, ref: ResultRef, batch = 5000): AsyncGenerator<(string | null)[][]> {
  const cells = cellsArray(ref.columnSlots);
  for (let after = 0; ; after += batch) {
    const rows = await db.execute<{ cells: (string | null)[] }>(sql`
      SELECT ${cells} AS cells FROM execution_result_rows r
      WHERE r.result_key = ${ref.resultKey} AND r.row_no > ${after} AND r.row_no <= ${after + batch}
      ORDER BY r.row_no`);
    if (rows.length) yield rows.map((r) => r.cells);
    if (after + batch >= ref.rowCount) return;
  }
}

/** Rows `offset + 1 .. offset + limit` of a result (the API's paged results). */
export async function resultRowsAt(db: Database, ref: ResultRef, offset: number, limit: number) {
  const rows = await db.execute<{ cells: (string | null)[] }>(sql`
    SELECT ${cellsArray(ref.columnSlots)} AS cells FROM execution_result_rows r
    WHERE r.result_key = ${ref.resultKey} AND r.row_no > ${offset} AND r.row_no <= ${offset + limit}
    ORDER BY r.row_no`);
  return rows.map((r) => r.cells);
}
