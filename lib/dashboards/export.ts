import type postgres from "postgres";
import { eq } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "../../db/client";
import { executionResults } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { cellsArray } from "../../db/queries/result-cells";
import type { ResultColumnSlot } from "../../db/schema/result-slots";
import { dashboardForUserOrThrow, executionForUserOrThrow } from "../auth/guards";
import { AppError } from "../errors";
import { consume } from "../limits/consume";
import { LIMITS } from "../limits/limits";
import { daysBetween, isValidTimeZone, localDate, windowDays } from "../params/zoned";
import { csvStream } from "../results/csv-writer";
import { expiredResult } from "../results/read";
import { comparedPeriods, deltaCells, matchRowsByKey, periodQueryFields, refinePeriods, rowKey, shiftDate, valueColumns, type Period } from "./compare";
import { combinedWindows, type CombinedWindow, type DateRange } from "./series";
import { xlsxStream } from "./xlsx";

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Cells = (string | null)[];

/** Rows of one execution's result, in row order, read with a server-side cursor in batches. */
export function executionRowBatches(sql: postgres.Sql, executionUuid: string): AsyncIterable<Cells[]> {
  return {
    async *[Symbol.asyncIterator]() {
      const [meta] = await sql<{ result_key: string; column_slots: ResultColumnSlot[] }[]>`
        SELECT result_key, column_slots FROM execution_results WHERE execution_id = ${executionUuid}`;
      if (!meta) return;
      // cellsArray is constant SQL (slot names are validated): no parameters of its own.
      const cells = new PgDialect().sqlToQuery(cellsArray(meta.column_slots)).sql;
      const cursor = sql
        .unsafe<{ cells: Cells }[]>(`SELECT ${cells} AS cells FROM execution_result_rows r WHERE r.result_key = $1 ORDER BY r.row_no`, [meta.result_key])
        .cursor(1000);
      for await (const batch of cursor) yield batch.map((r) => r.cells);
    },
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The dashboard's combined data: the rows of the newest execution of each window, oldest window
 * first, each prefixed with its window, its columns mapped by name onto the newest window's
 * columns (a template change that added or reordered columns still lines up). One execution
 * at a time, each through a cursor: memory stays at one batch.
 */
export function combinedRowBatches(sql: postgres.Sql, windows: CombinedWindow[], columns: string[]): AsyncIterable<Cells[]> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const w of windows) {
        const map = columns.map((c) => w.columns.indexOf(c));
        const prefix = [iso(w.start), iso(w.end), w.provisional ? "true" : "false"];
        for await (const batch of executionRowBatches(sql, w.executionUuid)) {
          yield batch.map((cells) => [...prefix, ...map.map((i) => (i < 0 ? null : (cells[i] ?? null)))]);
        }
      }
    },
  };
}

/** A file to download: the route turns it into a response (lib/http/file.ts). */
export interface ExportFile {
  name: string;
  format: ExportFormat;
  body: ReadableStream<Uint8Array>;
}

/**
 * The export's query: `?format=csv|xlsx` and the dashboard's period query (`from`, `to`,
 * `cmp_from`, `cmp_to` or `cmp=previous|last_year`; lib/dashboards/compare.ts); unknown keys ignored.
 */
export const exportQuerySchema = z
  .object({ format: z.enum(EXPORT_FORMATS, { error: "Use csv or xlsx." }), ...periodQueryFields })
  .superRefine(refinePeriods);
export type ExportQuery = z.output<typeof exportQuerySchema>;

/** Nothing to export is the caller's request being unanswerable, not a server failure (422). */
const noData = (message: string) => new AppError("UNPROCESSABLE", message);

/** `<report>_<first day>_<last day>_<suffix>`, the window's days in its own zone. */
function fileName(reportId: string, start: Date | null, end: Date | null, zone: string | null, suffix: string): string {
  const days = start && end ? windowDays(start, end, zone) : { first: "unknown", last: "unknown" };
  return `${reportId}_${days.first}_${days.last}_${suffix}`;
}

/** Exports are opened in spreadsheets by people, so both formats neutralise formula-like cells. */
function body(format: ExportFormat, header: string[], batches: AsyncIterable<Cells[]>, sheetName: string): ReadableStream<Uint8Array> {
  return format === "csv" ? csvStream(header, batches, { neutraliseFormulas: true }) : xlsxStream(header, batches, { sheetName });
}

/** A dashboard's combined data (newest run per window) over an optional date range. */
export async function exportDashboard(
  db: Database,
  sql: postgres.Sql,
  user: SessionUser,
  dashboardId: string,
  query: ExportQuery,
  now: Date,
): Promise<ExportFile> {
  const view = await dashboardForUserOrThrow(db, user, dashboardId);
  if (!view.reportUuid) throw noData("This dashboard has no report, so there is no data to export.");
  const range: DateRange = { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
  const periods = comparedPeriods(query);
  const [windows, baseWindows] = await Promise.all([
    combinedWindows(db, view.reportUuid, range, now),
    periods ? combinedWindows(db, view.reportUuid, periods.base, now) : Promise.resolve([]),
  ]);
  if (windows.length === 0) throw noData("No completed runs in this range: there is no data to export yet.");
  const reportId = view.reportId ?? "dashboard";
  if (periods) {
    const compared = await comparedRows(sql, windows, baseWindows, periods, view.reportTimezone);
    await consume(db, [LIMITS.exportHour, LIMITS.exportDay], user.id, now);
    return {
      name: fileName(reportId, windows[0]!.start, windows.at(-1)!.end, view.reportTimezone, `combined_vs_${periods.base.from}_${periods.base.to}`),
      format: query.format,
      body: body(query.format, compared.header, compared.batches, reportId),
    };
  }
  await consume(db, [LIMITS.exportHour, LIMITS.exportDay], user.id, now);
  const columns = newestColumns(windows);
  const header = ["window_start", "window_end", "provisional", ...columns];
  return {
    name: fileName(reportId, windows[0]!.start, windows.at(-1)!.end, view.reportTimezone, "combined"),
    format: query.format,
    body: body(query.format, header, combinedRowBatches(sql, windows, columns), reportId),
  };
}

const newestColumns = (windows: CombinedWindow[]) => windows.reduce((a, b) => ((b.completedAt?.getTime() ?? 0) >= (a.completedAt?.getTime() ?? 0) ? b : a)).columns;

/** The comparison period is held in memory to be matched; past this many rows it is refused. */
export const COMPARE_MAX_BASE_ROWS = 200_000;

/**
 * The combined rows of the current period, each with the comparison period's row of the same
 * key (lib/dashboards/compare.ts: its window's first day and its non-value cells, days moved by
 * the offset between the periods' starts): per value column the comparison's value, Δ and Δ%.
 * Comparison rows nothing matched follow, their key cells moved onto the current period's days.
 * Which columns are values comes from their stored types. The current period is streamed; the
 * comparison period is read once, into memory, up to COMPARE_MAX_BASE_ROWS rows.
 */
async function comparedRows(sql: postgres.Sql, windows: CombinedWindow[], baseWindows: CombinedWindow[], periods: { current: Period; base: Period }, zone: string | null) {
  const columns = newestColumns(baseWindows.length ? [...windows, ...baseWindows] : windows);
  const baseRows: Cells[] = [];
  for await (const batch of combinedRowBatches(sql, baseWindows, columns)) {
    baseRows.push(...batch);
    if (baseRows.length > COMPARE_MAX_BASE_ROWS)
      throw noData(`The comparison period has more than ${COMPARE_MAX_BASE_ROWS.toLocaleString("en-US")} rows; compare a shorter period.`);
  }
  const values = valueColumns(
    columns,
    [...windows, ...baseWindows].map((w) => ({ columns: w.columns, types: w.columnSlots.map((c) => c.type) })),
  );
  const valueSet = new Set(values);
  const shift = daysBetween(periods.base.from, periods.current.from);
  const tz = zone && isValidTimeZone(zone) ? zone : "UTC";
  const windowDay = (iso: string | null) => (iso ? localDate(new Date(iso), tz) : null);
  const key = (days: number) => (row: Cells) => rowKey(windowDay(row[0] ?? null), row.slice(3), valueSet, days);
  const header = [
    "window_start",
    "window_end",
    "provisional",
    ...columns,
    "cmp_window_start",
    "cmp_window_end",
    ...values.flatMap((i) => [`${columns[i]}_cmp`, `${columns[i]}_delta`, `${columns[i]}_delta_pct`]),
  ];
  const pairs = matchRowsByKey(combinedRowBatches(sql, windows, columns), baseRows, key(0), key(shift));
  return {
    header,
    batches: {
      async *[Symbol.asyncIterator]() {
        for await (const batch of pairs) {
          yield batch.map(({ current, base }): Cells => {
            const own = current ?? [null, null, null, ...columns.map((_, i) => (valueSet.has(i) ? null : base![3 + i] == null ? null : shiftDate(base![3 + i]!, shift)))];
            const cmp = values.flatMap((i) => {
              const b = base?.[3 + i] ?? null;
              return [b, ...deltaCells(current?.[3 + i] ?? null, b)];
            });
            return [...own, base?.[0] ?? null, base?.[1] ?? null, ...cmp];
          });
        }
      },
    },
  };
}

/** One run's stored result; 404 when the run is not visible or has no stored result. */
export async function exportExecution(
  db: Database,
  sql: postgres.Sql,
  user: SessionUser,
  executionId: string,
  format: ExportFormat,
  now: Date,
): Promise<ExportFile> {
  const { execution, reportId } = await executionForUserOrThrow(db, user, executionId);
  const [result] = await db
    .select({ columns: executionResults.columns, expiredAt: executionResults.expiredAt })
    .from(executionResults)
    .where(eq(executionResults.executionId, execution.id));
  if (!result) throw new AppError("NOT_FOUND", "This execution has no stored result.");
  if (result.expiredAt) throw expiredResult(result.expiredAt);
  // After the checks: a request for nothing costs nothing.
  await consume(db, [LIMITS.exportHour, LIMITS.exportDay], user.id, now);
  return {
    name: fileName(reportId, execution.timeWindowStart, execution.timeWindowEnd, execution.timeWindowTimezone, execution.executionId),
    format,
    body: body(format, result.columns, executionRowBatches(sql, execution.id), reportId),
  };
}
