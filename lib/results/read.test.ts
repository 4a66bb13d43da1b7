import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { executionResults } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { completedRun } from "../../test/dashboards";
import { makeReport } from "../../test/factories";
import { RESULT_PAGE_SIZE, resultPage, SORT_IN_PLACE_MAX, type ResultRef } from "./read";

const t = await freshDatabase();
const db = t.db;

/** A result of `n` rows: id, a number with nulls and ties, a text, a date. */
async function result(n: number): Promise<ResultRef> {
  const report = await makeReport(db);
  const rows = Array.from({ length: n }, (_, i) => [
    String(i + 1),
    i % 7 === 0 ? null : String((i * 37) % 11),
    `name ${(i * 13) % 17}`,
    `2026-01-${String(1 + (i % 28)).padStart(2, "0")}`,
  ]);
  const run = await completedRun(db, report.id, { start: "2026-01-01T00:00:00Z", end: "2026-02-01T00:00:00Z" }, ["id", "n", "name", "day"], rows);
  const [ref] = await db.select().from(executionResults).where(eq(executionResults.executionId, run.id));
  return ref!;
}

/** Every row id in the order the pages give, page by page. */
async function allIds(ref: ResultRef, sortColumn: number | undefined, dir: "asc" | "desc") {
  const ids: string[] = [];
  for (let page = 1; page <= Math.ceil(ref.rowCount / RESULT_PAGE_SIZE); page++) {
    ids.push(...(await resultPage(db, ref, { page, sortColumn, dir })).map((r) => r.cells[0]!));
  }
  return ids;
}

/** The order a user expects: typed value, nulls last ascending (first descending), then row order. */
function expected(ref: ResultRef, rows: (string | null)[][], col: number, dir: "asc" | "desc") {
  const key = (r: (string | null)[]) => r[col] ?? null;
  const typed = (v: string | null) => (v === null ? null : ref.columnSlots[col]!.type === "text" || ref.columnSlots[col]!.type === "date" ? v : Number(v));
  const sorted = [...rows].sort((a, b) => {
    const x = typed(key(a));
    const y = typed(key(b));
    if (x === y) return Number(a[0]) - Number(b[0]);
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  });
  return (dir === "asc" ? sorted : sorted.reverse()).map((r) => r[0]!);
}

describe("result pages", () => {
  it.each([["sorted in place", 120], ["through a stored order", SORT_IN_PLACE_MAX + 130]])(
    "%s: every page of every sort, numbers as numbers, nulls last ascending",
    async (_, n) => {
      const ref = await result(n);
      const rows: (string | null)[][] = [];
      for (let page = 1; page <= Math.ceil(n / RESULT_PAGE_SIZE); page++) rows.push(...(await resultPage(db, ref, { page, dir: "asc" })).map((r) => r.cells));
      expect(rows.map((r) => r[0])).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)));
      for (const col of [1, 3]) {
        for (const dir of ["asc", "desc"] as const) expect(await allIds(ref, col, dir)).toEqual(expected(ref, rows, col, dir));
      }
    },
  );
});
