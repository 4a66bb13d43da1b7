import ExcelJS from "exceljs";
import { strFromU8, unzipSync } from "fflate";
import type { Database } from "../db/client";
import type postgres from "postgres";
import type { ResultFile } from "../lib/amc/gateway";
import { csvLine } from "../lib/results/csv-writer";
import { storeResult } from "../lib/results/store";
import type { SessionUser } from "../db/queries/access";
import { grant, makeExecution, makeInstance, makeReport, makeTemplate, makeUser } from "./factories";

/** A completed execution of `reportUuid` over [start, end) with the given result. Test-only. */
export async function completedRun(
  db: Database,
  reportUuid: string,
  window: { start: string; end: string },
  columns: string[],
  rows: (string | null)[][],
  opts: { completedAt?: Date; instanceId?: string | null; triggeredBy?: "manual" | "schedule" | "backfill" } = {},
) {
  const start = new Date(window.start);
  const end = new Date(window.end);
  const run = await makeExecution(db, reportUuid, {
    status: "completed",
    triggeredBy: opts.triggeredBy ?? "manual",
    instanceId: opts.instanceId ?? null,
    timeWindowStart: start,
    timeWindowEnd: end,
    completedAt: opts.completedAt ?? new Date(),
    rowCount: rows.length,
  });
  // Through the real ingest (typed columns, as the engine stores a CSV from AMC).
  const csv = [columns, ...rows].map((cells) => csvLine(cells)).join("");
  const file: ResultFile = { open: async () => (async function* () { yield new TextEncoder().encode(csv); })() };
  const client = (db as unknown as { $client: postgres.Sql }).$client;
  await client.begin((tx) => storeResult(tx, { executionUuid: run.id, reportUuid, windowStart: start, windowEnd: end }, [file]));
  return run;
}

/** A ZIP's entries as name → text, in the archive's order (fflate's reader). Test-only. */
export function readZip(buf: Uint8Array): Map<string, string> {
  return new Map(Object.entries(unzipSync(buf)).map(([name, data]) => [name, strFromU8(data)]));
}

/**
 * An XLSX read back by exceljs, as a spreadsheet program would: the first sheet's name and each
 * row's cell values (numbers as numbers, empty cells undefined, trailing ones dropped). Test-only.
 */
export async function readWorkbook(buf: Uint8Array): Promise<{ name: string; rows: unknown[][] }> {
  const wb = new ExcelJS.Workbook();
  // exceljs types its input as its own Buffer (an ArrayBuffer): hand it a copy of exactly these bytes.
  await wb.xlsx.load(buf.slice().buffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return { name: ws.name, rows };
}

/** The cell texts of sheet1's rows (inline strings and numbers). Test-only. */
export function sheetRows(xml: string): string[][] {
  return [...xml.matchAll(/<row[^>]*>(.*?)<\/row>/g)].map((m) =>
    [...m[1]!.matchAll(/<c [^>]*>(?:<v>(.*?)<\/v>|<is><t[^>]*>(.*?)<\/t><\/is>)<\/c>/g)].map((c) =>
      (c[1] ?? c[2] ?? "").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&"),
    ),
  );
}

export const DASHBOARD_COLUMNS = ["day", "channel", "spend", "sales"];

const asUser = (u: { id: string; email: string; name: string; role: "admin" | "member" }): SessionUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

/**
 * A report on "Brand A" with four completed runs over three weekly windows in June 2026 (a re-run
 * of week 1 that wins, week 2 with its columns reordered, a provisional week 4), and three users:
 * an admin, a member granted the instance, an outsider. Shared by the dashboards' domain tests
 * and their routes' tests.
 */
export async function dashboardWorld(db: Database) {
  const COLS = DASHBOARD_COLUMNS;
  const admin = asUser(await makeUser(db, { role: "admin" }));
  const member = asUser(await makeUser(db));
  const outsider = asUser(await makeUser(db));
  const inst = await makeInstance(db, { instanceName: "Brand A" });
  const instanceId = inst.id;
  await grant(db, member.id, inst.id);
  const tpl = await makeTemplate(db, {
    reportConfig: {
      widgets: [
        { type: "line", title: "Spend by day", x: "day", y: ["spend", "sales"] },
        { type: "metric_card", title: "ROAS", y: ["sales", "spend"], aggregate: "ratio" },
        { type: "heatmap", title: "Heat" },
      ],
    },
  });
  const report = await makeReport(db, { name: "Campaigns", templateId: tpl.id, instanceId: inst.id, ownerId: member.id });
  const reportUuid = report.id;
  const reportHumanId = report.reportId;

  // Week 1: an old run, then a re-run of the same window (newest wins), plus a backfill of week 2
  // and a scheduled run of week 3 (inside the last 14 days → provisional).
  await completedRun(db, reportUuid, { start: "2026-06-01T00:00:00Z", end: "2026-06-08T00:00:00Z" }, COLS,
    [["2026-06-01", "DSP", "999", "999"]], { completedAt: new Date("2026-06-09T00:00:00Z"), instanceId });
  await completedRun(db, reportUuid, { start: "2026-06-01T00:00:00Z", end: "2026-06-08T00:00:00Z" }, COLS,
    [["2026-06-01", "DSP", "10", "30"], ["2026-06-02", "SP", "5", "5"]], { completedAt: new Date("2026-06-10T00:00:00Z"), instanceId });
  // Different column order in a later template version: found by name.
  await completedRun(db, reportUuid, { start: "2026-06-08T00:00:00Z", end: "2026-06-15T00:00:00Z" }, ["channel", "sales", "day", "spend"],
    [["DSP", "20", "2026-06-08", "4"], ["DSP", "n/a", "2026-06-09", "6"]], { completedAt: new Date("2026-06-16T00:00:00Z"), instanceId, triggeredBy: "backfill" });
  await completedRun(db, reportUuid, { start: "2026-06-22T00:00:00Z", end: "2026-06-29T00:00:00Z" }, COLS,
    [["2026-06-22", "SP", "1.5", "3"]], { completedAt: new Date("2026-06-29T01:00:00Z"), instanceId, triggeredBy: "schedule" });
  return { admin, member, outsider, instanceId, reportUuid, reportHumanId };
}
