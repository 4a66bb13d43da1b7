import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardWidgets, dashboards, reportDefinitions } from "@/db/schema";
import { freshDatabase } from "@/test/db";
import { makeReport } from "@/test/factories";
import { ensureReportDashboard, onExecutionCompleted } from "./create";
import { combinedMetric, combinedSeries, combinedWindows, WINDOW_COLUMN } from "./series";
import { addWidget, removeWidget, updateWidget } from "./widgets";
import { completedRun, DASHBOARD_COLUMNS, dashboardWorld } from "../../test/dashboards";

const t = await freshDatabase();
const db = t.db;
const NOW = new Date("2026-06-30T12:00:00Z");
const COLS = DASHBOARD_COLUMNS;

let instanceId: string;
let reportUuid: string;
let dashboardId: string;

beforeAll(async () => {
  ({ instanceId, reportUuid } = await dashboardWorld(db));
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
