import type postgres from "postgres";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { executionResults, reportDefinitions, reportExecutions } from "../../db/schema";
import { getDashboardForUser } from "../../db/queries/dashboards";
import type { SessionUser } from "../../db/queries/access";
import { canAccessInstance } from "../../db/queries/access";
import { csvLine } from "../executions/csv-export";
import { apiError } from "../http/api-error";
import { combinedWindows, type CombinedWindow, type DateRange } from "./series";
import { XLSX_CONTENT_TYPE, xlsxStream } from "./xlsx";

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

export function csvStream(header: string[], batches: AsyncIterable<Cells[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<Cells[]>;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(header)));
      iterator = batches[Symbol.asyncIterator]();
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}

function fileResponse(format: ExportFormat, name: string, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : XLSX_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${name}.${format}"`,
      "Cache-Control": "private, no-store",
    },
  });
}

/** The JSON error envelope with 422 (lib/errors has no code for "nothing to export"). */
function noData(message: string): Response {
  const r = apiError("VALIDATION_ERROR", message);
  return new Response(r.body, { status: 422, headers: r.headers });
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "unknown");
/** A window's first and last included day in the report's zone (windows are [start, end)). */
function zonedDays(start: Date | null, end: Date | null, timeZone: string | null): [string, string] {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-CA", { timeZone: timeZone ?? "UTC", year: "numeric", month: "2-digit", day: "2-digit" });
  } catch {
    fmt = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" });
  }
  return [start ? fmt.format(start) : "unknown", end ? fmt.format(new Date(end.getTime() - 1)) : "unknown"];
}

export function parseFormat(value: string | null): ExportFormat | null {
  return (EXPORT_FORMATS as readonly string[]).includes(value ?? "") ? (value as ExportFormat) : null;
}

/** GET|POST /api/dashboards/[id]/export?format=csv|xlsx&from=&to= */
export async function exportDashboard(
  db: Database,
  sql: postgres.Sql,
  user: SessionUser | null,
  dashboardId: string,
  params: URLSearchParams,
  now: Date,
): Promise<Response> {
  if (!user) return apiError("UNAUTHENTICATED", "Sign in to download dashboard data.");
  const format = parseFormat(params.get("format"));
  if (!format) {
    return apiError("VALIDATION_ERROR", "Unknown export format.", [{ field: "format", reason: "Use csv or xlsx." }]);
  }
  const dateRe = /^\d{4}-\d{2}-\d{2}$/;
  const range: DateRange = {};
  for (const k of ["from", "to"] as const) {
    const v = params.get(k);
    if (v === null || v === "") continue;
    if (!dateRe.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      return apiError("VALIDATION_ERROR", "Dates are YYYY-MM-DD.", [{ field: k, reason: "Not a date." }]);
    }
    range[k] = v;
  }
  const view = await getDashboardForUser(db, user, dashboardId);
  if (!view) return apiError("NOT_FOUND", "Dashboard was not found.");
  if (!view.reportUuid) return noData("This dashboard has no report, so there is no data to export.");
  const windows = await combinedWindows(db, view.reportUuid, range, now);
  if (windows.length === 0) return noData("No completed runs in this range: there is no data to export yet.");
  const columns = windows.reduce((a, b) => ((b.completedAt?.getTime() ?? 0) >= (a.completedAt?.getTime() ?? 0) ? b : a)).columns;
  const header = ["window_start", "window_end", "provisional", ...columns];
  const batches = combinedRowBatches(sql, windows, columns);
  const [first, last] = zonedDays(windows[0]!.start, windows.at(-1)!.end, view.reportTimezone);
  const name = `${view.reportId}_${first}_${last}_combined`;
  return fileResponse(format, name, format === "csv" ? csvStream(header, batches) : xlsxStream(header, batches, { sheetName: view.reportId ?? "Data" }));
}

/** GET /api/executions/[executionId]/xlsx (and the CSV twin's rules: 404 when not visible or no result). */
export async function exportExecution(
  db: Database,
  sql: postgres.Sql,
  user: SessionUser | null,
  executionId: string,
  format: ExportFormat,
): Promise<Response> {
  if (!user) return apiError("UNAUTHENTICATED", "Sign in to download results.");
  const [row] = await db
    .select({ run: reportExecutions, reportId: reportDefinitions.reportId, result: executionResults })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .leftJoin(executionResults, eq(executionResults.executionId, reportExecutions.id))
    .where(eq(reportExecutions.executionId, executionId));
  if (!row?.run.instanceId || !(await canAccessInstance(db, user, row.run.instanceId))) {
    return apiError("NOT_FOUND", "Execution was not found.");
  }
  if (!row.result) return apiError("NOT_FOUND", "This execution has no stored result.");
  const name = `${row.reportId}_${day(row.run.timeWindowStart)}_${day(row.run.timeWindowEnd)}_${row.run.executionId}`;
  const batches = executionRowBatches(sql, row.run.id);
  return fileResponse(
    format,
    name,
    format === "csv" ? csvStream(row.result.columns, batches) : xlsxStream(row.result.columns, batches, { sheetName: row.reportId }),
  );
}
