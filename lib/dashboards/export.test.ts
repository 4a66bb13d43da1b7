import { beforeAll, describe, expect, it } from "vitest";
import { listDashboards } from "@/db/queries/dashboards";
import type { SessionUser } from "@/db/queries/access";
import { freshDatabase } from "@/test/db";
import { dashboardWorld, readWorkbook } from "@/test/dashboards";
import { ensureReportDashboard } from "./create";
import { exportDashboard, exportQuerySchema } from "./export";

const t = await freshDatabase();
const NOW = new Date("2026-06-30T12:00:00Z");

let member: SessionUser;
let reportHumanId: string;
let dashboardId: string;

beforeAll(async () => {
  let admin: SessionUser;
  let reportUuid: string;
  ({ admin, member, reportUuid, reportHumanId } = await dashboardWorld(t.db));
  await ensureReportDashboard(t.db, reportUuid);
  dashboardId = (await listDashboards(t.db, admin))[0]!.dashboardId;
});

const run = async (query: Record<string, string>) => {
  const file = await exportDashboard(t.db, t.sql, member, dashboardId, exportQuerySchema.parse(query), NOW);
  return { name: file.name, bytes: new Uint8Array(await new Response(file.body).arrayBuffer()) };
};
const csvLines = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8").trim().split("\r\n");

// The world: week 1 (06-01..06-07) DSP 06-01 spend 10 sales 30, SP 06-02 spend 5 sales 5;
// week 2 (06-08..06-14, columns reordered) DSP 06-08 spend 4 sales 20, DSP 06-09 spend 6 sales "n/a".
describe("exporting a dashboard with a comparison period", () => {
  it("adds the comparison's values, Δ and Δ% per value column, rows matched by key on the same day offset", async () => {
    const { name, bytes } = await run({ format: "csv", from: "2026-06-08", to: "2026-06-14", cmp_from: "2026-06-01", cmp_to: "2026-06-07" });
    expect(name).toBe(`${reportHumanId}_2026-06-08_2026-06-14_combined_vs_2026-06-01_2026-06-07`);
    expect(csvLines(bytes)).toEqual([
      // sales is a value despite one "n/a"; day (by name) and channel (text) are the key.
      "window_start,window_end,provisional,channel,sales,day,spend,cmp_window_start,cmp_window_end,sales_cmp,sales_delta,sales_delta_pct,spend_cmp,spend_delta,spend_delta_pct",
      "2026-06-08T00:00:00.000Z,2026-06-15T00:00:00.000Z,false,DSP,20,2026-06-08,4,2026-06-01T00:00:00.000Z,2026-06-08T00:00:00.000Z,30,-10,-33.33,10,-6,-60",
      // Nothing on the comparison's 06-02 for DSP: no comparison, no delta.
      "2026-06-08T00:00:00.000Z,2026-06-15T00:00:00.000Z,false,DSP,n/a,2026-06-09,6,,,,,,,,",
      // The comparison's SP row has no partner: listed after, on the current period's day.
      ",,,SP,,2026-06-09,,2026-06-01T00:00:00.000Z,2026-06-08T00:00:00.000Z,5,,,5,,",
    ]);
  });

  it("resolves a preset, and writes the comparison columns as numbers in the XLSX (read back by exceljs)", async () => {
    const { name, bytes } = await run({ format: "xlsx", from: "2026-06-08", to: "2026-06-14", cmp: "previous" });
    expect(name).toContain("_combined_vs_2026-06-01_2026-06-07");
    const { rows } = await readWorkbook(bytes);
    expect(rows[0]).toEqual([
      "window_start", "window_end", "provisional", "channel", "sales", "day", "spend",
      "cmp_window_start", "cmp_window_end", "sales_cmp", "sales_delta", "sales_delta_pct", "spend_cmp", "spend_delta", "spend_delta_pct",
    ]);
    expect(rows[1]!.slice(3)).toEqual(["DSP", 20, "2026-06-08", 4, "2026-06-01T00:00:00.000Z", "2026-06-08T00:00:00.000Z", 30, -10, -33.33, 10, -6, -60]);
    expect(rows).toHaveLength(4);
  });

  it("keeps its columns when the comparison period has no runs: the comparison cells are empty", async () => {
    const { bytes } = await run({ format: "csv", from: "2026-06-01", to: "2026-06-07", cmp_from: "2025-06-01", cmp_to: "2025-06-07" });
    const lines = csvLines(bytes);
    expect(lines[0]).toBe(
      "window_start,window_end,provisional,day,channel,spend,sales,cmp_window_start,cmp_window_end,spend_cmp,spend_delta,spend_delta_pct,sales_cmp,sales_delta,sales_delta_pct",
    );
    expect(lines.slice(1)).toEqual([
      "2026-06-01T00:00:00.000Z,2026-06-08T00:00:00.000Z,false,2026-06-01,DSP,10,30,,,,,,,,",
      "2026-06-01T00:00:00.000Z,2026-06-08T00:00:00.000Z,false,2026-06-02,SP,5,5,,,,,,,,",
    ]);
  });

  it("refuses bad periods with the field's message", () => {
    const issues = (q: Record<string, string>) => exportQuerySchema.safeParse({ format: "csv", ...q }).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues({ from: "2026-06-08", to: "2026-06-14", cmp_from: "2026-06-07" })).toEqual([["cmp_to", "Give both dates of the period to compare with."]]);
    expect(issues({ cmp_from: "2026-06-01", cmp_to: "2026-06-07" })).toEqual([["from", "Choose the date range (from and to) to compare."]]);
    expect(issues({ from: "2026-06-08", to: "2026-06-14", cmp_from: "2026-06-07", cmp_to: "2026-06-01" })).toEqual([["cmp_to", "The comparison's end date is before its start date."]]);
    expect(issues({ from: "2026-06-08", to: "2026-06-14", cmp: "tomorrow" })![0]![0]).toBe("cmp");
  });
});
