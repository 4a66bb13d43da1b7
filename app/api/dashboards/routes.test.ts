import { beforeAll, describe, expect, it, vi } from "vitest";
import { dashboardFavorites } from "@/db/schema";
import { listDashboards } from "@/db/queries/dashboards";
import { getDashboardForUser } from "@/db/queries/dashboard-view";
import type { SessionUser } from "@/db/queries/access";
import { ensureReportDashboard } from "@/lib/dashboards/create";
import { addFavorite } from "@/lib/dashboards/favorites";
import { combinedWindows } from "@/lib/dashboards/series";
import { listReportsOverview } from "@/lib/reports/overview";
import { parseOverviewQuery } from "@/lib/reports/overview-query";
import { completedRun, dashboardWorld, readWorkbook, readZip, sheetRows } from "@/test/dashboards";
import { callRoute, routeDatabase } from "@/test/http";
import * as exportRoute from "./[dashboardId]/export/route";
import * as favoriteRoute from "./[dashboardId]/favorite/route";
import * as executionFileRoute from "../executions/[executionId]/[format]/route";

// The HTTP side (favorite, exports) is exercised through the real route handlers and their
// wrapper; only the session and the database pool are this file's.
const app = vi.hoisted(() => ({ user: null as null | { id: string; email: string; name: string; role: "admin" | "member" }, db: null as unknown, sql: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => app.user }));
vi.mock("@/db/client", async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: () => app.db, getSql: () => app.sql }));

const NOW = new Date("2026-06-30T12:00:00Z");
// The routes read the wall clock; provisional windows depend on it.
const { db } = await routeDatabase(app, NOW);

const as = (u: SessionUser | null) => {
  app.user = u;
};
const favorite = (u: SessionUser | null, id: string, method: "POST" | "DELETE") => {
  as(u);
  return callRoute(method === "POST" ? favoriteRoute.POST : favoriteRoute.DELETE, `/api/dashboards/${id}/favorite`, { method, params: { dashboardId: id } });
};
const exportDashboard = (u: SessionUser | null, id: string, query: string) => {
  as(u);
  return callRoute(exportRoute.GET, `/api/dashboards/${id}/export?${query}`, { params: { dashboardId: id } });
};
const exportExecution = (u: SessionUser | null, id: string, format: string) => {
  as(u);
  return callRoute(executionFileRoute.GET, `/api/executions/${id}/${format}`, { params: { executionId: id, format } });
};

let admin: SessionUser;
let member: SessionUser;
let outsider: SessionUser;
let instanceId: string;
let reportUuid: string;
let reportHumanId: string;
let dashboardId: string;

beforeAll(async () => {
  ({ admin, member, outsider, instanceId, reportUuid, reportHumanId } = await dashboardWorld(db));
  const [uuid] = await Promise.all([ensureReportDashboard(db, reportUuid)]);
  const [d] = await listDashboards(db, admin);
  expect(uuid).toBeTruthy();
  dashboardId = d!.dashboardId;
});

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe("access", () => {
  it("a member without the instance gets nothing: page, list, favorite, export", async () => {
    expect(await getDashboardForUser(db, outsider, dashboardId)).toBeNull();
    expect(await getDashboardForUser(db, member, dashboardId)).not.toBeNull();
    expect(await listDashboards(db, outsider)).toEqual([]);
    const fav = await favorite(outsider, dashboardId, "POST");
    expect(fav.status).toBe(404);
    const exp = await exportDashboard(outsider, dashboardId, "format=csv");
    expect(exp.status).toBe(404);
    expect(JSON.stringify(await exp.json())).not.toContain("Campaigns");
    const run = (await combinedWindows(db, reportUuid, {}, NOW))[0]!;
    expect((await exportExecution(outsider, run.executionId, "xlsx")).status).toBe(404);
    expect((await db.select().from(dashboardFavorites)).length).toBe(0);
  });
});

describe("favorites", () => {
  it("one per user: 201, then 409; 204 on delete; per viewer in the list and the overview", async () => {
    expect((await favorite(member, dashboardId, "POST")).status).toBe(201);
    const again = await favorite(member, dashboardId, "POST");
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("CONFLICT");
    expect((await favorite(member, "dash_nope", "POST")).status).toBe(404);
    expect((await favorite(null, dashboardId, "POST")).status).toBe(401);

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
    expect((await favorite(member, dashboardId, "DELETE")).status).toBe(204);
    expect((await favorite(member, dashboardId, "DELETE")).status).toBe(204);
    expect(await overview(member)).toBe(false);
  });
});

describe("exports", () => {
  it("answers 400 for an unknown format, 422 without data", async () => {
    expect((await exportDashboard(member, dashboardId, "format=pdf")).status).toBe(400);
    expect((await exportDashboard(member, dashboardId, "")).status).toBe(400);
    const none = await exportDashboard(member, dashboardId, "format=csv&from=2020-01-01&to=2020-02-01");
    expect(none.status).toBe(422);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/no data/);
    expect((await exportDashboard(member, dashboardId, "format=csv&from=yesterday")).status).toBe(400);
  });

  it("streams the combined CSV: newest run per window, columns lined up by name", async () => {
    const res = await exportDashboard(member, dashboardId, "format=csv");
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
    const res = await exportDashboard(member, dashboardId, "format=xlsx&from=2026-06-01&to=2026-06-07");
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
    const res = await exportExecution(member, run.executionId, "xlsx");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(`${reportHumanId}_2026-05-01_2026-05-01_${run.executionId}.xlsx`);
    const sheet = readZip(await body(res)).get("xl/worksheets/sheet1.xml")!;
    expect(sheet).toContain("<v>-3.25</v>");
    expect(sheet).toContain('t="inlineStr"><is><t xml:space="preserve">0012</t>');
    expect(sheetRows(sheet)).toEqual([["name", "n"], ['a "quoted" <tag> & more', "0012"], ["plain", "-3.25"]]);
    expect((await exportExecution(member, "exec_nope", "xlsx")).status).toBe(404);
    expect((await exportExecution(null, run.executionId, "xlsx")).status).toBe(401);
  });

  it("neutralises formula-like cells in both formats, numbers stay numbers (read back by exceljs)", async () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', "@SUM(1)", "+cmd", "-2+3", "\t=1", "\r=1"];
    const run = await completedRun(db, reportUuid, { start: "2026-05-02T00:00:00Z", end: "2026-05-03T00:00:00Z" }, ["=name", "a", "b", "c", "d", "e"],
      // An empty cell is stored as null (AMC's empty cells): both come back as an empty field.
      [hostile, ["-3.25", "0012", "1e5", "ok", null, ""]], { instanceId });
    const csv = (await body(await exportExecution(member, run.executionId, "csv"))).toString("utf8");
    expect(csv).toBe(`'=name,a,b,c,d,e\r\n"'=HYPERLINK(""http://evil.example"",""x"")",'@SUM(1),'+cmd,'-2+3,'\t=1,"'\r=1"\r\n-3.25,0012,1e5,ok,,\r\n`);
    const { rows } = await readWorkbook(await body(await exportExecution(member, run.executionId, "xlsx")));
    expect(rows).toEqual([["'=name", "a", "b", "c", "d", "e"], hostile.map((v) => `'${v}`), [-3.25, "0012", "1e5", "ok"]]);
  });
});

describe("bad requests get a clear 4xx in the error envelope, and nothing in the log", () => {
  it("NUL bytes, malformed ids and dates, foreign origins", async () => {
    const { GET: listRoute } = await import("./route");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      as(member);
      const cases: [Promise<Response>, number, string][] = [
        [callRoute(listRoute, "/api/dashboards?report_id=%00"), 400, "VALIDATION_ERROR"],
        [callRoute(listRoute, "/api/dashboards?instance_id=amc%00x"), 400, "VALIDATION_ERROR"],
        [callRoute(listRoute, "/api/dashboards?report_id=not-a-report"), 400, "VALIDATION_ERROR"],
        [exportExecution(member, "exec_\u0000", "csv"), 400, "VALIDATION_ERROR"],
        [exportExecution(member, "exec_" + "x".repeat(5000), "csv"), 404, "NOT_FOUND"],
        [exportExecution(member, "exec_abc", "pdf"), 404, "NOT_FOUND"],
        [exportDashboard(member, dashboardId, "format=csv&from=2026-13-45"), 400, "VALIDATION_ERROR"],
        [exportDashboard(member, dashboardId, "format=csv&to=%00"), 400, "VALIDATION_ERROR"],
        [exportDashboard(member, "dash_%00", "format=csv"), 404, "NOT_FOUND"],
      ];
      for (const [res, status, code] of cases) {
        const r = await res;
        expect(r.status).toBe(status);
        const body = await r.json();
        expect(body).toMatchObject({ error: { code, message: expect.any(String) }, requestId: expect.any(String) });
        expect(r.headers.get("x-request-id")).toBe(body.requestId);
      }
      // Cookie-authenticated changes from another site: refused before anything happens.
      as(member);
      for (const origin of ["https://evil.example", "http://localhost.evil.example", "null"]) {
        const fav = await callRoute(favoriteRoute.POST, `/api/dashboards/${dashboardId}/favorite`, { method: "POST", params: { dashboardId }, headers: { origin } });
        expect(fav.status).toBe(403);
        const exp = await callRoute(exportRoute.POST, `/api/dashboards/${dashboardId}/export?format=csv`, { method: "POST", params: { dashboardId }, headers: { origin } });
        expect(exp.status).toBe(403);
      }
      expect(await db.select().from(dashboardFavorites)).toHaveLength(0);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});
