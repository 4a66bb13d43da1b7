import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { parentRef, tsDefaultNow, tsz } from "./common";
import { reportDefinitions, reportExecutions } from "./reports";

/**
 * A completed execution's stored result: written in the same transaction that marks the
 * execution completed, so "completed" always means "rows stored" (product.md pitfall 24).
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
  },
  (t) => [index("idx_execution_results_report_window").on(t.reportId, t.windowStart, t.windowEnd)],
);

/** One CSV row per record, as the array of its cells (text; typed when read). */
export const executionResultRows = pgTable(
  "execution_result_rows",
  {
    executionId: parentRef("execution_id", () => reportExecutions.id),
    rowNo: integer("row_no").notNull(),
    cells: jsonb("cells").$type<(string | null)[]>().notNull(),
  },
  (t) => [primaryKey({ name: "execution_result_rows_pkey", columns: [t.executionId, t.rowNo] })],
);
