import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardFavorites, dashboardWidgets, dashboards, reportDefinitions } from "@/db/schema";
import { getDashboardForUser, listDashboards } from "@/db/queries/dashboards";
import { listReportsOverview } from "@/lib/reports/overview";
import { parseOverviewQuery } from "@/lib/reports/overview-query";
import type { SessionUser } from "@/db/queries/access";
import { freshDatabase } from "@/test/db";
import { grant, makeInstance, makeReport, makeTemplate, makeUser } from "@/test/factories";
import { ensureReportDashboard, onExecutionCompleted } from "./create";
import { exportDashboard, exportExecution } from "./export";
import { addFavorite, favoriteResponse } from "./favorites";
import { combinedMetric, combinedSeries, combinedWindows, WINDOW_COLUMN } from "./series";
import { addWidget, removeWidget, updateWidget } from "./widgets";
import { completedRun, readZip, sheetRows } from "../../test/dashboards";

const t = await freshDatabase();
const db = t.db;
const NOW = new Date("2026-06-30T12:00:00Z");
const COLS = ["day", "channel", "spend", "sales"];

const asUser = (u: { id: string; email: string; name: string; role: "admin" | "member" }): SessionUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

let admin: SessionUser;
let member: SessionUser;
let outsider: SessionUser;
let instanceId: string;
let reportUuid: string;
let reportHumanId: string;
let dashboardId: string;

beforeAll(async () => {
  admin = asUser(await makeUser(db, { role: "admin" }));
  member = asUser(await makeUser(db));
  outsider = asUser(await makeUser(db));
  const inst = await makeInstance(db, { instanceName: "Brand A" });
  instanceId = inst.id;
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
  reportUuid = report.id;
  reportHumanId = report.reportId;

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
});

describe("creating a report's dashboard", () => {
  it("creates it once from the template's report_config, even when called concurrently", async () => {
    const ids = await Promise.all([ensureReportDashboard(db, reportUuid), ensureReportDashboard(db, reportUuid), ensureReportDashboard(db, reportUuid)]);
    expect(new Set(ids).size).toBe(1);
    const [report] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, reportUuid));
    expect(report!.dashboardId).toBe(ids[0]);
    const all = await db.select().from(dashboards);
    expect(all).toHaveLength(1);
    expect(all[0]!.instanceId).toBe(instanceId);
    dashboardId = all[0]!.dashboardId;
    const widgets = await db.select().from(dashboardWidgets).where(eq(dashboardWidgets.dashboardId, ids[0]!)).orderBy(dashboardWidgets.position);
    expect(widgets.map((w) => w.widgetType)).toEqual(["line", "metric_card", "table"]);
    expect(widgets[0]!.config).toEqual({ x: "day", y: ["spend", "sales"] });
  });

  it("is hooked on a completed execution and ignores other reports' or unfinished runs", async () => {
    const other = await makeReport(db, { instanceId });
    const run = await completedRun(db, other.id, { start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z" }, COLS, []);
    const id = await onExecutionCompleted(db, run.id);
    expect(id).toBeTruthy();
    expect(await onExecutionCompleted(db, run.id)).toBe(id);
    expect(await onExecutionCompleted(db, "00000000-0000-0000-0000-000000000000")).toBeNull();
  });
});

describe("the combined series", () => {
  it("keeps only the newest execution per window", async () => {
    const windows = await combinedWindows(db, reportUuid, {}, NOW);
    expect(windows.map((w) => w.start!.toISOString().slice(0, 10))).toEqual(["2026-06-01", "2026-06-08", "2026-06-22"]);
    expect(windows[0]!.rowCount).toBe(2);
    expect(windows.map((w) => w.provisional)).toEqual([false, false, true]);
  });

  it("sums y by x in SQL, finding columns by name, ignoring non-numbers", async () => {
    const { points } = await combinedSeries(db, reportUuid, { x: "day", y: ["spend", "sales"] }, {}, NOW);
    expect(points).toEqual([
      { x: "2026-06-01", series: null, values: [10, 30], provisional: false },
      { x: "2026-06-02", series: null, values: [5, 5], provisional: false },
      { x: "2026-06-08", series: null, values: [4, 20], provisional: false },
      { x: "2026-06-09", series: null, values: [6, null], provisional: false },
      { x: "2026-06-22", series: null, values: [1.5, 3], provisional: true },
    ]);
    const byChannel = await combinedSeries(db, reportUuid, { x: "channel", y: ["spend"] }, {}, NOW);
    expect(byChannel.points.map((p) => [p.x, p.values[0], p.provisional])).toEqual([
      ["DSP", 20, false],
      ["SP", 6.5, true],
    ]);
    const bySeries = await combinedSeries(db, reportUuid, { x: WINDOW_COLUMN, series: "channel", y: ["spend"] }, {}, NOW);
    expect(bySeries.points.map((p) => [p.x, p.series, p.values[0]])).toEqual([
      ["2026-06-01", "DSP", 10],
      ["2026-06-01", "SP", 5],
      ["2026-06-08", "DSP", 10],
      ["2026-06-22", "SP", 1.5],
    ]);
  });

  it("filters by date range and computes metric cards", async () => {
    const { points } = await combinedSeries(db, reportUuid, { x: "day", y: ["spend"] }, { from: "2026-06-08", to: "2026-06-14" }, NOW);
    expect(points.map((p) => p.x)).toEqual(["2026-06-08", "2026-06-09"]);
    const roas = await combinedMetric(db, reportUuid, { y: ["sales", "spend"], aggregate: "ratio" }, {}, NOW);
    expect(roas.value).toBeCloseTo(58 / 26.5);
    expect(roas.provisional).toBe(true);
    const spend = await combinedMetric(db, reportUuid, { y: ["spend"] }, { to: "2026-06-07" }, NOW);
    expect(spend).toEqual({ value: 15, provisional: false });
    // A column the result does not have aggregates to nothing rather than failing.
    const missing = await combinedMetric(db, reportUuid, { y: ["nope"] }, {}, NOW);
    expect(missing.value).toBeNull();
  });
});

describe("access", () => {
  it("a member without the instance gets nothing: page, list, favorite, export", async () => {
    expect(await getDashboardForUser(db, outsider, dashboardId)).toBeNull();
    expect(await getDashboardForUser(db, member, dashboardId)).not.toBeNull();
    expect(await listDashboards(db, outsider)).toEqual([]);
    const fav = await favoriteResponse(db, outsider, dashboardId, "POST");
    expect(fav.status).toBe(404);
    const exp = await exportDashboard(db, t.sql, outsider, dashboardId, new URLSearchParams("format=csv"), NOW);
    expect(exp.status).toBe(404);
    expect(JSON.stringify(await exp.json())).not.toContain("Campaigns");
    const run = (await combinedWindows(db, reportUuid, {}, NOW))[0]!;
    expect((await exportExecution(db, t.sql, outsider, run.executionId, "xlsx")).status).toBe(404);
    expect((await db.select().from(dashboardFavorites)).length).toBe(0);
  });
});

describe("favorites", () => {
  it("one per user: 201, then 409; 204 on delete; per viewer in the list and the overview", async () => {
    expect((await favoriteResponse(db, member, dashboardId, "POST")).status).toBe(201);
    const again = await favoriteResponse(db, member, dashboardId, "POST");
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("CONFLICT");
    expect((await favoriteResponse(db, member, "dash_nope", "POST")).status).toBe(404);
    expect((await favoriteResponse(db, null, dashboardId, "POST")).status).toBe(401);

    const forMember = await listDashboards(db, member);
    expect(forMember[0]).toMatchObject({ dashboardId, isFavorite: true, reportId: reportHumanId, instanceName: "Brand A" });
    const forAdmin = await listDashboards(db, admin);
    expect(forAdmin.find((d) => d.dashboardId === dashboardId)!.isFavorite).toBe(false);

    const overview = async (u: SessionUser) => {
      const page = await listReportsOverview(db, u, parseOverviewQuery({ q: reportHumanId }));
      return page.rows.find((r) => r.reportId === reportHumanId)?.isFavorite;
    };
    expect(await overview(member)).toBe(true);
    expect(await overview(admin)).toBe(false);

    await expect(addFavorite(db, member, dashboardId)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await favoriteResponse(db, member, dashboardId, "DELETE")).status).toBe(204);
    expect((await favoriteResponse(db, member, dashboardId, "DELETE")).status).toBe(204);
    expect(await overview(member)).toBe(false);
  });
});

describe("widgets", () => {
  it("adds, changes and removes widgets of its own dashboard only", async () => {
    const [d] = await db.select().from(dashboards).where(eq(dashboards.dashboardId, dashboardId));
    const id = await addWidget(db, d!.id, { widgetType: "bar", title: "By channel", x: "channel", y: ["spend"] });
    const [w] = await db.select().from(dashboardWidgets).where(eq(dashboardWidgets.id, id));
    expect(w!.position).toBe(3);
    expect(await updateWidget(db, d!.id, id, { widgetType: "pie", title: "Share", x: "channel", y: ["sales"] })).toBe(true);
    const [w2] = await db.select().from(dashboardWidgets).where(eq(dashboardWidgets.id, id));
    expect(w2).toMatchObject({ widgetType: "pie", title: "Share", config: { x: "channel", y: ["sales"] } });
    const other = await db.select().from(dashboards);
    const foreign = other.find((o) => o.id !== d!.id)!;
    expect(await removeWidget(db, foreign.id, id)).toBe(false);
    expect(await removeWidget(db, d!.id, id)).toBe(true);
  });
});

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe("exports", () => {
  it("answers 400 for an unknown format, 422 without data", async () => {
    expect((await exportDashboard(db, t.sql, member, dashboardId, new URLSearchParams("format=pdf"), NOW)).status).toBe(400);
    expect((await exportDashboard(db, t.sql, member, dashboardId, new URLSearchParams(""), NOW)).status).toBe(400);
    const none = await exportDashboard(db, t.sql, member, dashboardId, new URLSearchParams("format=csv&from=2020-01-01&to=2020-02-01"), NOW);
    expect(none.status).toBe(422);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/no data/);
    expect((await exportDashboard(db, t.sql, member, dashboardId, new URLSearchParams("format=csv&from=yesterday"), NOW)).status).toBe(400);
  });

  it("streams the combined CSV: newest run per window, columns lined up by name", async () => {
    const res = await exportDashboard(db, t.sql, member, dashboardId, new URLSearchParams("format=csv"), NOW);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${reportHumanId}_2026-06-01_2026-06-28_combined.csv"`);
    const lines = (await body(res)).toString("utf8").trim().split("\r\n");
    expect(lines).toEqual([
      "window_start,window_end,provisional,day,channel,spend,sales",
      "2026-06-01T00:00:00.000Z,2026-06-08T00:00:00.000Z,false,2026-06-01,DSP,10,30",
      "2026-06-01T00:00:00.000Z,2026-06-08T00:00:00.000Z,false,2026-06-02,SP,5,5",
      "2026-06-08T00:00:00.000Z,2026-06-15T00:00:00.000Z,false,2026-06-08,DSP,4,20",
      "2026-06-08T00:00:00.000Z,2026-06-15T00:00:00.000Z,false,2026-06-09,DSP,6,n/a",
      "2026-06-22T00:00:00.000Z,2026-06-29T00:00:00.000Z,true,2026-06-22,SP,1.5,3",
    ]);
  });

  it("writes a valid XLSX (a zip with the workbook parts and the rows)", async () => {
    const res = await exportDashboard(db, t.sql, member, dashboardId, new URLSearchParams("format=xlsx&from=2026-06-01&to=2026-06-07"), NOW);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(res.headers.get("content-disposition")).toContain(`${reportHumanId}_2026-06-01_2026-06-07_combined.xlsx`);
    const zip = readZip(await body(res));
    expect([...zip.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]);
    expect(sheetRows(zip.get("xl/worksheets/sheet1.xml")!)).toEqual([
      ["window_start", "window_end", "provisional", "day", "channel", "spend", "sales"],
      ["2026-06-01T00:00:00.000Z", "2026-06-08T00:00:00.000Z", "false", "2026-06-01", "DSP", "10", "30"],
      ["2026-06-01T00:00:00.000Z", "2026-06-08T00:00:00.000Z", "false", "2026-06-02", "SP", "5", "5"],
    ]);
  });

  it("exports one execution's result as XLSX, 404 for unknown ids", async () => {
    const run = await completedRun(db, reportUuid, { start: "2026-05-01T00:00:00Z", end: "2026-05-02T00:00:00Z" }, ["name", "n"],
      [['a "quoted" <tag> & more', "0012"], ["plain", "-3.25"]], { instanceId });
    const res = await exportExecution(db, t.sql, member, run.executionId, "xlsx");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(`${reportHumanId}_2026-05-01_2026-05-02_${run.executionId}.xlsx`);
    const sheet = readZip(await body(res)).get("xl/worksheets/sheet1.xml")!;
    expect(sheet).toContain("<v>-3.25</v>");
    expect(sheet).toContain('t="inlineStr"><is><t xml:space="preserve">0012</t>');
    expect(sheetRows(sheet)).toEqual([["name", "n"], ['a "quoted" <tag> & more', "0012"], ["plain", "-3.25"]]);
    expect((await exportExecution(db, t.sql, member, "exec_nope", "xlsx")).status).toBe(404);
    expect((await exportExecution(db, t.sql, null, run.executionId, "xlsx")).status).toBe(401);
  });
});

describe("partial data", () => {
  it("counts runs in flight and failed windows without a newer success", async () => {
    const { pendingWork } = await import("./widget-data");
    const { makeExecution } = await import("@/test/factories");
    const r = await makeReport(db, { instanceId });
    await completedRun(db, r.id, { start: "2026-06-01T00:00:00Z", end: "2026-06-08T00:00:00Z" }, COLS, [["2026-06-01", "DSP", "1", "1"]]);
    // Failed, then re-run successfully: not missing. Failed alone: missing. One running.
    await makeExecution(db, r.id, { status: "failed", timeWindowStart: new Date("2026-06-01T00:00:00Z"), timeWindowEnd: new Date("2026-06-08T00:00:00Z") });
    await makeExecution(db, r.id, { status: "failed", timeWindowStart: new Date("2026-06-08T00:00:00Z"), timeWindowEnd: new Date("2026-06-15T00:00:00Z") });
    await makeExecution(db, r.id, { status: "running", timeWindowStart: new Date("2026-06-15T00:00:00Z"), timeWindowEnd: new Date("2026-06-22T00:00:00Z") });
    expect(await pendingWork(db, r.id)).toEqual({ inFlight: 1, failed: 1 });
  });
});

describe("xlsx crc32 fallback", () => {
  it("matches zlib's crc32", async () => {
    const zlib = await import("node:zlib");
    const data = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
    // Known value of this string, and chaining across chunks.
    expect(zlib.crc32(data)).toBe(0x414fa339);
    const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const js = (d: Uint8Array, v = 0) => {
      let c = (v ^ 0xffffffff) >>> 0;
      for (const b of d) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    expect(js(data)).toBe(0x414fa339);
    expect(js(data.subarray(10), js(data.subarray(0, 10)))).toBe(0x414fa339);
  });
});
