import { sql } from "drizzle-orm";
import { bigint, date, index, integer, jsonb, numeric, pgSequence, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { tsDefaultNow, tsz } from "./common";
import { reportDefinitions, reportExecutions } from "./reports";
import { RESULT_SLOT_COUNTS, slotName, type ResultColumnSlot } from "./result-slots";

/** Numbers result row sets: a fresh key per ingest, so one ingest's rows are adjacent in the row index. */
export const executionResultKeySeq = pgSequence("execution_result_key_seq");

/**
 * A completed execution's stored result: written in the same transaction that marks the
 * execution completed, so "completed" always means "rows stored" (product.md pitfall 24).
 * `columns` are the CSV's header names; `column_slots` says, for each, its inferred type and the
 * typed column of execution_result_rows that holds it. Retention removes the rows and keeps
 * this row with `expired_at` set, so dashboards can show the window as expired.
 */
export const executionResults = pgTable(
  "execution_results",
  {
    executionId: uuid("execution_id")
      .primaryKey()
      .references(() => reportExecutions.id, { onDelete: "cascade" }),
    reportId: uuid("report_id").references(() => reportDefinitions.id, { onDelete: "cascade" }),
    columns: jsonb("columns").$type<string[]>().notNull(),
    rowCount: integer("row_count").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    windowStart: tsz("window_start"),
    windowEnd: tsz("window_end"),
    createdAt: tsDefaultNow("created_at").notNull(),
    /** Rows AMC (or the sandbox) dropped under the privacy threshold, when known. */
    note: text("note"),
    /** The key of this result's rows in execution_result_rows. */
    resultKey: bigint("result_key", { mode: "number" })
      .notNull()
      .unique("execution_results_result_key_key")
      .default(sql`nextval('execution_result_key_seq')`),
    columnSlots: jsonb("column_slots").$type<ResultColumnSlot[]>().notNull().default(sql`'[]'::jsonb`),
    /** How the rows got in: "copy" (PostgreSQL parsed the CSV), "copy-retyped", or "lenient". */
    ingestPath: text("ingest_path"),
    /** Set when retention removed the rows (product.md §3.9: 13 months by default). */
    expiredAt: tsz("expired_at"),
  },
  (t) => [
    index("idx_execution_results_report_window").on(t.reportId, t.windowStart, t.windowEnd),
    index("idx_execution_results_retention").on(t.windowEnd).where(sql`expired_at IS NULL`),
  ],
);

const slotColumns = () => {
  const cols: Record<string, ReturnType<typeof date> | ReturnType<typeof bigint> | ReturnType<typeof numeric> | ReturnType<typeof text>> = {};
  for (let i = 1; i <= RESULT_SLOT_COUNTS.date; i++) cols[slotName("date", i)] = date(slotName("date", i), { mode: "string" });
  for (let i = 1; i <= RESULT_SLOT_COUNTS.integer; i++) cols[slotName("integer", i)] = bigint(slotName("integer", i), { mode: "number" });
  for (let i = 1; i <= RESULT_SLOT_COUNTS.decimal; i++) cols[slotName("decimal", i)] = numeric(slotName("decimal", i));
  for (let i = 1; i <= RESULT_SLOT_COUNTS.text; i++) cols[slotName("text", i)] = text(slotName("text", i));
  return cols;
};

/**
 * One row of a result, its cells in typed columns (d1.. dates, i1.. integers, n1.. decimals,
 * t1.. text, `extra` for columns beyond those): sums, sorts and date filters are native
 * PostgreSQL, and COPY parses the CSV straight into them. Which column holds which result column
 * is the result's `column_slots`. No foreign key: a per-row check would cost COPY a third of its
 * speed; a statement trigger on execution_results deletes the rows with their result instead.
 * The ingest puts `result_key,row_no,` in front of each CSV record as it streams to COPY
 * (lib/results/store.ts): no column default, which would cost a sequence call per row.
 */
export const executionResultRows = pgTable(
  "execution_result_rows",
  {
    resultKey: bigint("result_key", { mode: "number" }).notNull(),
    rowNo: integer("row_no").notNull(),
    ...slotColumns(),
    extra: text("extra").array(),
  },
  (t) => [primaryKey({ name: "execution_result_rows_pkey", columns: [t.resultKey, t.rowNo] })],
);

/**
 * A result's rows in the order of one column, built the first time someone sorts by it
 * (lib/results/sort-order.ts): any page of any sort is then an index range, whatever the size.
 * `pos` is 1-based in ascending order (nulls last); descending pages read it backwards.
 */
export const executionResultOrders = pgTable(
  "execution_result_orders",
  {
    resultKey: bigint("result_key", { mode: "number" }).notNull(),
    columnNo: integer("column_no").notNull(),
    pos: integer("pos").notNull(),
    rowNo: integer("row_no").notNull(),
  },
  (t) => [primaryKey({ name: "execution_result_orders_pkey", columns: [t.resultKey, t.columnNo, t.pos] })],
);

/**
 * Per-widget rollups: for one widget shape (x, series, value columns: `spec`) and one result,
 * the sum, count and max of each value per (x, series) group. Results never change once stored,
 * so a rollup is computed once (lib/dashboards/rollups.ts), on first view, and a dashboard reads
 * a few hundred rollup rows instead of re-aggregating every stored row.
 */
export const resultRollups = pgTable(
  "result_rollups",
  {
    spec: text("spec").notNull(),
    resultKey: bigint("result_key", { mode: "number" }).notNull(),
    groupNo: integer("group_no").notNull(),
    x: text("x"),
    s: text("s"),
    sums: numeric("sums").array().notNull(),
    counts: bigint("counts", { mode: "number" }).array().notNull(),
    maxes: numeric("maxes").array().notNull(),
  },
  (t) => [primaryKey({ name: "result_rollups_pkey", columns: [t.spec, t.resultKey, t.groupNo] })],
);

/** Which (spec, result) rollups are complete: a result with no rows still gets its marker. */
export const resultRollupsDone = pgTable(
  "result_rollups_done",
  {
    spec: text("spec").notNull(),
    resultKey: bigint("result_key", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "result_rollups_done_pkey", columns: [t.spec, t.resultKey] })],
);

export type { ResultColumnSlot };
