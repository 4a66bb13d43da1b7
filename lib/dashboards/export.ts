import type postgres from "postgres";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { executionResults } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { dashboardForUserOrThrow, executionForUserOrThrow } from "../auth/guards";
import { AppError } from "../errors";
import { consume } from "../limits/consume";
import { LIMITS } from "../limits/limits";
import { windowDays } from "../params/zoned";
import { csvStream } from "../results/csv-writer";
import { combinedWindows, type CombinedWindow, type DateRange } from "./series";
import { xlsxStream } from "./xlsx";

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Cells = (string | null)[];

/** Rows of one execution's result, in row order, read with a server-side cursor in batches. */
export function executionRowBatches(sql: postgres.Sql, executionUuid: string): AsyncIterable<Cells[]> {
  return {
    async *[Symbol.asyncIterator]() {
      const cursor = sql<{ cells: Cells }[]>`
        SELECT cells FROM execution_result_rows WHERE execution_id = ${executionUuid} ORDER BY row_no`.cursor(1000);
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

const exportRange = z.iso.date({ error: "Use a date as YYYY-MM-DD." }).optional().or(z.literal("").transform(() => undefined));

/** The export's query: `?format=csv|xlsx[&from=YYYY-MM-DD&to=YYYY-MM-DD]`; unknown keys ignored. */
export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS, { error: "Use csv or xlsx." }),
  from: exportRange,
  to: exportRange,
});
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
  const windows = await combinedWindows(db, view.reportUuid, range, now);
  if (windows.length === 0) throw noData("No completed runs in this range: there is no data to export yet.");
  await consume(db, [LIMITS.exportHour, LIMITS.exportDay], user.id, now);
  const columns = windows.reduce((a, b) => ((b.completedAt?.getTime() ?? 0) >= (a.completedAt?.getTime() ?? 0) ? b : a)).columns;
  const header = ["window_start", "window_end", "provisional", ...columns];
  const reportId = view.reportId ?? "dashboard";
  return {
    name: fileName(reportId, windows[0]!.start, windows.at(-1)!.end, view.reportTimezone, "combined"),
    format: query.format,
    body: body(query.format, header, combinedRowBatches(sql, windows, columns), reportId),
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
  const [result] = await db.select({ columns: executionResults.columns }).from(executionResults).where(eq(executionResults.executionId, execution.id));
  if (!result) throw new AppError("NOT_FOUND", "This execution has no stored result.");
  // After the checks: a request for nothing costs nothing.
  await consume(db, [LIMITS.exportHour, LIMITS.exportDay], user.id, now);
  return {
    name: fileName(reportId, execution.timeWindowStart, execution.timeWindowEnd, execution.timeWindowTimezone, execution.executionId),
    format,
    body: body(format, result.columns, executionRowBatches(sql, execution.id), reportId),
  };
}
