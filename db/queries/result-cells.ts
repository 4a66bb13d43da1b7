import { sql, type SQL } from "drizzle-orm";
import { extraIndex, slotColumn, type ResultColumnSlot } from "../schema/result-slots";

/**
 * SQL for reading cells of execution_result_rows by a result's column slots (pure builders, no
 * I/O). `alias` is the rows' table alias in the surrounding statement.
 */

/** The cell's typed value (date, int8, numeric or text), for sorting, filtering and sums. */
export function cellValue(slot: ResultColumnSlot, alias = "r"): SQL {
  const x = extraIndex(slot.slot);
  if (x !== null) return sql.raw(`${alias}.extra[${x}]`);
  return sql.raw(`${alias}.${slotColumn(slot.slot)}`);
}

/**
 * The cell as text, exactly as the CSV had it: an integer or decimal is printed by PostgreSQL the
 * way it was written (ingest only types cells whose text round-trips), a date as YYYY-MM-DD.
 */
export function cellText(slot: ResultColumnSlot, alias = "r"): SQL {
  const v = cellValue(slot, alias);
  switch (slot.type) {
    case "date":
      return sql`to_char(${v}, 'YYYY-MM-DD')`;
    case "integer":
    case "decimal":
      return sql`(${v})::text`;
    default:
      return v;
  }
}

/**
 * The row's cells as a JSON array of strings and nulls in column order (what pages, exports and
 * the API show). JSON rather than text[]: every client parses it the same way, nulls included.
 */
export function cellsArray(slots: ResultColumnSlot[], alias = "r"): SQL {
  if (!slots.length) return sql`'[]'::json`;
  const cells = slots.map((s) => cellText(s, alias));
  if (cells.length <= 100) return sql`json_build_array(${sql.join(cells, sql`, `)})`;
  // A function takes at most 100 arguments: a wider result is built in pieces.
  const parts: SQL[] = [];
  for (let i = 0; i < cells.length; i += 100) parts.push(sql`jsonb_build_array(${sql.join(cells.slice(i, i + 100), sql`, `)})`);
  return sql`(${sql.join(parts, sql` || `)})::json`;
}

/**
 * The cell as numeric for aggregates. Integer and decimal columns are numbers already; in a text
 * column (a metric with an "n/a" among its values) each cell that reads as a number counts and
 * the rest count as no value; dates are no value.
 */
export function cellNumber(slot: ResultColumnSlot, alias = "r"): SQL {
  if (slot.type === "integer" || slot.type === "decimal") return sql`(${cellValue(slot, alias)})::numeric`;
  if (slot.type === "date") return sql`NULL::numeric`;
  const v = cellValue(slot, alias);
  return sql`CASE WHEN ${v} ~ '^-?[0-9]{1,31}([.][0-9]{1,31})?$' THEN (${v})::numeric END`;
}
