import { beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { apiTokens, reportDefinitions, reportExecutions } from "@/db/schema";
import type { SessionUser } from "@/db/queries/access";
import { createApiToken } from "@/lib/api/tokens";
import { declaredResponse, ENDPOINTS, openApiDocument } from "@/lib/api/openapi";
import type { EndpointSpec } from "@/lib/api/endpoint";
import { cancelBackfillEndpoint, getBackfillEndpoint, retryBackfillEndpoint, startBackfillEndpoint } from "@/lib/api/backfills";
import { addFavoriteEndpoint, listDashboardsEndpoint, removeFavoriteEndpoint } from "@/lib/api/dashboards";
import { cancelExecutionEndpoint, exportEndpoint, getExecutionEndpoint, listExecutionsEndpoint, resultsEndpoint } from "@/lib/api/executions";
import { createReportEndpoint, deleteReportEndpoint, getReportEndpoint, listReportsEndpoint, runReportEndpoint, updateReportEndpoint } from "@/lib/api/reports";
import { createScheduleEndpoint, deleteScheduleEndpoint, updateScheduleEndpoint } from "@/lib/api/schedules";
import { getTemplateEndpoint, listTemplatesEndpoint, validateTemplateEndpoint } from "@/lib/api/templates";
import type { NextRouteArg } from "@/lib/http/handler";
import { backfillWorld } from "@/test/backfill-world";
import { completedRun } from "@/test/dashboards";
import { grant, makeDashboard, makeInstance, makeReport } from "@/test/factories";
import { callRoute, routeDatabase } from "@/test/http";
import * as templatesRoute from "./templates/route";
import * as templateRoute from "./templates/[templateId]/route";
import * as validateRoute from "./templates/[templateId]/validate-parameters/route";
import * as reportsRoute from "./reports/route";
import * as reportRoute from "./reports/[reportId]/route";
import * as runRoute from "./reports/[reportId]/run/route";
import * as createScheduleRoute from "./reports/[reportId]/schedules/route";
import * as scheduleRoute from "./schedules/[scheduleId]/route";
import * as startBackfillRoute from "./reports/[reportId]/backfills/route";
import * as backfillRoute from "./reports/[reportId]/backfills/[collectionId]/route";
import * as retryBackfillRoute from "./reports/[reportId]/backfills/[collectionId]/retry/route";
import * as cancelBackfillRoute from "./reports/[reportId]/backfills/[collectionId]/cancel/route";
import * as executionsRoute from "./executions/route";
import * as executionRoute from "./executions/[executionId]/route";
import * as cancelExecutionRoute from "./executions/[executionId]/cancel/route";
import * as resultsRoute from "./executions/[executionId]/results/route";
import * as exportRoute from "./executions/[executionId]/export/route";
import * as dashboardsRoute from "./dashboards/route";
import * as favoriteRoute from "./dashboards/[dashboardId]/favorite/route";
import * as openapiRoute from "./openapi.json/route";

// API v1 through the real route wrapper: token callers, real PostgreSQL. Every answer is checked
// against the schema the OpenAPI document declares for its endpoint and status.
const app = vi.hoisted(() => ({ db: null as unknown, sql: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => null }));
vi.mock("@/db/client", async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: () => app.db, getSql: () => app.sql }));

const NOW = new Date("2026-06-30T12:00:00Z");
const { db } = await routeDatabase(app, NOW);

type Spec = EndpointSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
type Handler = (req: Request, arg?: NextRouteArg) => Promise<Response>;
const seen = new Map<Spec, Set<number>>();

/** Calls an endpoint as `token` and checks the answer against what the document declares. */
async function call(
  spec: Spec,
  handler: Handler,
  token: string | null,
  opts: { params?: Record<string, string>; query?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; res: Response }> {
  let path = spec.path;
  for (const [k, v] of Object.entries(opts.params ?? {})) path = path.replace(`{${k}}`, v);
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await callRoute(handler, `${path}${opts.query ? `?${opts.query}` : ""}`, {
    method: spec.method,
    params: opts.params,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const declared = declaredResponse(spec, res.status);
  const documented = [...Object.keys(spec.responses).map(Number), 400, 401, 403, ...spec.errors];
  expect(documented, `${spec.method} ${spec.path} answered ${res.status}`).toContain(res.status);
  let body: unknown = null;
  if (declared === "file") body = await res.text();
  else if (declared === null) expect(await res.text()).toBe("");
  else {
    body = await res.json();
    const parsed = declared!.safeParse(body);
    expect(parsed.success, `${spec.method} ${spec.path} ${res.status}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
  if (res.status < 400) (seen.get(spec) ?? seen.set(spec, new Set()).get(spec)!).add(res.status);
  return { status: res.status, body, res };
}

let w: Awaited<ReturnType<typeof backfillWorld>>;
const tokens = { write: "", read: "", admin: "", stranger: "" };
const asUser = (u: { id: string; email: string; name: string; role: "admin" | "member" }): SessionUser => u;

beforeAll(async () => {
  w = await backfillWorld(db);
  tokens.write = (await createApiToken(db, w.member, { name: "ci", scope: "write" }, NOW)).token;
  tokens.read = (await createApiToken(db, w.member, { name: "read", scope: "read" }, NOW)).token;
  tokens.admin = (await createApiToken(db, w.admin, { name: "admin", scope: "write" }, NOW)).token;
  tokens.stranger = (await createApiToken(db, w.stranger, { name: "s", scope: "write" }, NOW)).token;
});

describe("tokens", () => {
  it("401 without, with a malformed, an unknown, a revoked or an expired token; takes effect on the next request", async () => {
    for (const token of [null, "nope", "amc_" + "x".repeat(43)]) {
      const r = await call(listTemplatesEndpoint, templatesRoute.GET, token);
      expect(r.status).toBe(401);
    }
    const { token, view } = await createApiToken(db, w.member, { name: "short", scope: "read", expiresAt: "2026-06-30T12:05:00Z" }, NOW);
    expect((await call(listTemplatesEndpoint, templatesRoute.GET, token)).status).toBe(200);
    const [used] = await db.select().from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(used!.lastUsedAt?.toISOString()).toBe(NOW.toISOString());
    vi.setSystemTime(new Date("2026-06-30T12:05:00Z"));
    try {
      expect((await call(listTemplatesEndpoint, templatesRoute.GET, token)).status).toBe(401);
    } finally {
      vi.setSystemTime(NOW);
    }
    const { token: other, view: otherView } = await createApiToken(db, w.member, { name: "to revoke", scope: "read" }, NOW);
    expect((await call(listTemplatesEndpoint, templatesRoute.GET, other)).status).toBe(200);
    const { revokeApiToken } = await import("@/lib/api/tokens");
    await expect(revokeApiToken(db, asUser(w.stranger), otherView.id, NOW)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await revokeApiToken(db, asUser(w.member), otherView.id, NOW);
    expect((await call(listTemplatesEndpoint, templatesRoute.GET, other)).status).toBe(401);
  });

  it("a read token may read but not run (403); no Origin check for tokens", async () => {
    const params = { reportId: w.report.reportId };
    expect((await call(getReportEndpoint, reportRoute.GET, tokens.read, { params })).status).toBe(200);
    const run = await call(runReportEndpoint, runRoute.POST, tokens.read, { params });
    expect(run.status).toBe(403);
    const ok = await call(runReportEndpoint, runRoute.POST, tokens.write, { params, headers: { origin: "https://elsewhere.example" } });
    expect(ok.status).toBe(202);
  });

  it("a member's token gets 404 for another instance's report; an admin's sees it", async () => {
    const other = await makeInstance(db, { instanceType: "STANDARD" });
    const foreign = await makeReport(db, { instanceId: other.id, templateId: w.template.id, parameters: { campaigns: ["c1"] }, windowSpec: { kind: "last_days", n: 7 } });
    const params = { reportId: foreign.reportId };
    expect((await call(getReportEndpoint, reportRoute.GET, tokens.write, { params })).status).toBe(404);
    expect((await call(runReportEndpoint, runRoute.POST, tokens.write, { params })).status).toBe(404);
    expect((await call(deleteReportEndpoint, reportRoute.DELETE, tokens.write, { params })).status).toBe(404);
    expect((await call(getReportEndpoint, reportRoute.GET, tokens.admin, { params })).status).toBe(200);
    const list = await call(listReportsEndpoint, reportsRoute.GET, tokens.write, { query: "limit=100" });
    expect((list.body as { reports: { reportId: string }[] }).reports.map((r) => r.reportId)).not.toContain(foreign.reportId);
  });
});

describe("templates", () => {
  it("lists with filters and paging, gets one, validates parameters", async () => {
    const list = await call(listTemplatesEndpoint, templatesRoute.GET, tokens.read, { query: "limit=1&page=1" });
    expect(list.body).toMatchObject({ total: 1, page: 1, limit: 1 });
    expect((await call(listTemplatesEndpoint, templatesRoute.GET, tokens.read, { query: "search=zzznothing" })).body).toMatchObject({ total: 0 });
    expect((await call(listTemplatesEndpoint, templatesRoute.GET, tokens.read, { query: "limit=0" })).status).toBe(400);
    expect((await call(listTemplatesEndpoint, templatesRoute.GET, tokens.read, { query: "bogus=1" })).status).toBe(400);
    const one = await call(getTemplateEndpoint, templateRoute.GET, tokens.read, { params: { templateId: w.template.templateId } });
    expect(one.body).toMatchObject({ templateId: w.template.templateId, parameters: [{ name: "campaigns" }] });
    expect((await call(getTemplateEndpoint, templateRoute.GET, tokens.read, { params: { templateId: "missing" } })).status).toBe(404);
    const params = { templateId: w.template.templateId };
    const valid = await call(validateTemplateEndpoint, validateRoute.POST, tokens.write, { params, body: { instanceId: w.instance.instanceId, values: { campaigns: ["c1"] } } });
    expect(valid.body).toMatchObject({ valid: true });
    const invalid = await call(validateTemplateEndpoint, validateRoute.POST, tokens.write, { params, body: { instanceId: w.instance.instanceId, values: {} } });
    expect(invalid.body).toMatchObject({ valid: false });
    const foreign = await call(validateTemplateEndpoint, validateRoute.POST, tokens.stranger, { params, body: { instanceId: w.instance.instanceId } });
    expect(foreign.status).toBe(403);
    expect((await call(validateTemplateEndpoint, validateRoute.POST, tokens.write, { params, body: { instanceId: "x", extra: 1 } })).status).toBe(400);
  });
});

describe("reports", () => {
  const base = () => ({ templateId: w.template.templateId, instanceId: w.instance.instanceId, values: { campaigns: ["c1"] }, timezone: "UTC" });

  it("creates once (run triggered by api), recurring and backfill; refuses unknown fields; 400 with field errors for bad values; 403 for read tokens and foreign instances", async () => {
    const once = await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body: { ...base(), name: "Once", run: { kind: "once" } } });
    expect(once.status).toBe(201);
    const created = once.body as { reportId: string; executionId: string };
    const [run] = await db.select().from(reportExecutions).where(eq(reportExecutions.executionId, created.executionId));
    expect(run!.triggeredBy).toBe("api");
    const rec = await call(createReportEndpoint, reportsRoute.POST, tokens.write, {
      body: { ...base(), name: "Weekly", run: { kind: "recurring", schedule: { preset: "weekly", time: "03:00", weekday: 1 } } },
    });
    expect(rec.status).toBe(201);
    expect((rec.body as { scheduleId: string | null }).scheduleId).toMatch(/^sch_/);
    const bf = await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body: { ...base(), name: "Back", run: { kind: "backfill", lookbackDays: 30, segmentType: "weekly" } } });
    expect(bf.status).toBe(201);
    expect((bf.body as { collectionId: string | null }).collectionId).toMatch(/^col_/);
    expect((await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body: { ...base(), name: "X", run: { kind: "once" }, owner: "me" } })).status).toBe(400);
    const bad = await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body: { ...base(), values: {}, name: "Bad", run: { kind: "once" } } });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { details: { fieldErrors: Record<string, string[]> } } }).error.details.fieldErrors).toHaveProperty("values.campaigns");
    expect((await call(createReportEndpoint, reportsRoute.POST, tokens.stranger, { body: { ...base(), name: "No", run: { kind: "once" } } })).status).toBe(403);
    expect((await call(createReportEndpoint, reportsRoute.POST, tokens.read, { body: { ...base(), name: "No", run: { kind: "once" } } })).status).toBe(403);
  });

  it("Idempotency-Key on create: a retry answers the first report; another body with the key is 422", async () => {
    const body = { ...base(), name: "Idem", run: { kind: "once" } };
    const headers = { "idempotency-key": "create-1" };
    const first = await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body, headers });
    const again = await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(await db.select().from(reportDefinitions).where(eq(reportDefinitions.name, "Idem"))).toHaveLength(1);
    expect((await call(createReportEndpoint, reportsRoute.POST, tokens.write, { body: { ...body, name: "Other" }, headers })).status).toBe(422);
    // Per user: the admin's same key is a new report.
    const admins = await call(createReportEndpoint, reportsRoute.POST, tokens.admin, { body, headers });
    expect((admins.body as { reportId: string }).reportId).not.toBe((first.body as { reportId: string }).reportId);
  });

  it("lists with the overview's filters and sorting, gets, patches, deletes", async () => {
    const list = await call(listReportsEndpoint, reportsRoute.GET, tokens.read, { query: "sort=name&dir=asc&limit=25" });
    const names = (list.body as { reports: { name: string }[] }).reports.map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect((list.body as { total: number }).total).toBeGreaterThan(3);
    const weekly = await call(listReportsEndpoint, reportsRoute.GET, tokens.read, { query: `frequency=weekly&instanceId=${w.instance.instanceId}` });
    expect((weekly.body as { reports: { name: string }[] }).reports.map((r) => r.name)).toEqual(["Weekly"]);
    expect((await call(listReportsEndpoint, reportsRoute.GET, tokens.read, { query: "search=Idem&status=pending" })).body).toMatchObject({ total: 2 });
    expect((await call(listReportsEndpoint, reportsRoute.GET, tokens.read, { query: "instanceId=nothere" })).body).toMatchObject({ total: 0 });
    expect((await call(listReportsEndpoint, reportsRoute.GET, tokens.read, { query: "limit=7" })).status).toBe(400);
    expect((await call(listReportsEndpoint, reportsRoute.GET, tokens.read, { query: "sort=owner" })).status).toBe(400);

    const params = { reportId: w.report.reportId };
    const patched = await call(updateReportEndpoint, reportRoute.PATCH, tokens.write, { params, body: { name: "Renamed" } });
    expect(patched.body).toMatchObject({ name: "Renamed", values: { campaigns: ["c1"] } });
    expect((await call(updateReportEndpoint, reportRoute.PATCH, tokens.write, { params, body: { values: {} } })).status).toBe(400);
    expect((await call(updateReportEndpoint, reportRoute.PATCH, tokens.write, { params, body: { templateId: "x" } })).status).toBe(400);
    const doomed = await makeReport(db, { instanceId: w.instance.id, templateId: w.template.id });
    expect((await call(deleteReportEndpoint, reportRoute.DELETE, tokens.write, { params: { reportId: doomed.reportId } })).status).toBe(204);
    expect((await call(getReportEndpoint, reportRoute.GET, tokens.write, { params: { reportId: doomed.reportId } })).status).toBe(404);
    expect((await call(getReportEndpoint, reportRoute.GET, tokens.write, { params: { reportId: "rpt_%00" } })).status).toBe(404);
  });

  it("run now: overrides, Idempotency-Key returns the same run, bad window 400", async () => {
    const params = { reportId: w.report.reportId };
    const headers = { "idempotency-key": "run-1" };
    const a = await call(runReportEndpoint, runRoute.POST, tokens.write, { params, headers, body: { window: { kind: "last_days", n: 3 } } });
    const b = await call(runReportEndpoint, runRoute.POST, tokens.write, { params, headers, body: { window: { kind: "last_days", n: 3 } } });
    expect(a.status).toBe(202);
    expect((b.body as { executionId: string }).executionId).toBe((a.body as { executionId: string }).executionId);
    expect(a.body).toMatchObject({ status: "pending", triggeredBy: "api", reportId: w.report.reportId });
    const c = await call(runReportEndpoint, runRoute.POST, tokens.write, { params });
    expect((c.body as { executionId: string }).executionId).not.toBe((a.body as { executionId: string }).executionId);
    expect((await call(runReportEndpoint, runRoute.POST, tokens.write, { params, body: { window: { kind: "nope" } } })).status).toBe(400);
    expect((await call(runReportEndpoint, runRoute.POST, tokens.write, { params, headers: { "idempotency-key": "bad key" } })).status).toBe(400);
  });
});

describe("schedules", () => {
  it("create (409 twice), patch pause/cron/zone/defaults, delete", async () => {
    const report = await w.makeOne();
    const params = { reportId: report.reportId };
    const made = await call(createScheduleEndpoint, createScheduleRoute.POST, tokens.write, { params, body: { preset: "daily", time: "02:00", timezone: "America/New_York" } });
    expect(made.status).toBe(201);
    const scheduleId = (made.body as { scheduleId: string }).scheduleId;
    expect((await call(createScheduleEndpoint, createScheduleRoute.POST, tokens.write, { params, body: { preset: "daily", time: "02:00", timezone: "UTC" } })).status).toBe(409);
    expect((await call(createScheduleEndpoint, createScheduleRoute.POST, tokens.write, { params, body: { preset: "daily", time: "25:00", timezone: "UTC" } })).status).toBe(400);
    const sp = { scheduleId };
    expect((await call(updateScheduleEndpoint, scheduleRoute.PATCH, tokens.write, { params: sp, body: { isPaused: true } })).body).toMatchObject({ isPaused: true });
    const edited = await call(updateScheduleEndpoint, scheduleRoute.PATCH, tokens.write, { params: sp, body: { cron: "0 4 * * 1", timezone: "Europe/Berlin", isPaused: false } });
    expect(edited.body).toMatchObject({ cron: "0 4 * * 1", timezone: "Europe/Berlin", isPaused: false });
    expect((await call(updateScheduleEndpoint, scheduleRoute.PATCH, tokens.write, { params: sp, body: { cron: "every day" } })).status).toBe(400);
    expect((await call(updateScheduleEndpoint, scheduleRoute.PATCH, tokens.write, { params: sp, body: {} })).status).toBe(400);
    expect((await call(updateScheduleEndpoint, scheduleRoute.PATCH, tokens.stranger, { params: sp, body: { isPaused: true } })).status).toBe(404);
    expect((await call(deleteScheduleEndpoint, scheduleRoute.DELETE, tokens.write, { params: sp })).status).toBe(204);
    expect((await call(deleteScheduleEndpoint, scheduleRoute.DELETE, tokens.write, { params: sp })).status).toBe(404);
  });
});

describe("backfills", () => {
  it("start (409 while one runs), progress, cancel, retry", async () => {
    const report = await w.makeOne();
    const params = { reportId: report.reportId };
    const started = await call(startBackfillEndpoint, startBackfillRoute.POST, tokens.write, { params, body: { lookbackDays: 28, segmentType: "weekly" } });
    expect(started.status).toBe(201);
    const collectionId = (started.body as { collectionId: string }).collectionId;
    expect(started.body).toMatchObject({ total: 4, pending: 4 });
    expect((await call(startBackfillEndpoint, startBackfillRoute.POST, tokens.write, { params, body: { lookbackDays: 28, segmentType: "weekly" } })).status).toBe(409);
    expect((await call(startBackfillEndpoint, startBackfillRoute.POST, tokens.write, { params, body: { lookbackDays: 400, segmentType: "weekly" } })).status).toBe(400);
    const ref = { reportId: report.reportId, collectionId };
    expect((await call(getBackfillEndpoint, backfillRoute.GET, tokens.read, { params: ref })).body).toMatchObject({ collectionId, total: 4, pending: 4 });
    expect((await call(getBackfillEndpoint, backfillRoute.GET, tokens.stranger, { params: ref })).status).toBe(404);
    // Nothing failed yet: nothing to retry.
    expect((await call(retryBackfillEndpoint, retryBackfillRoute.POST, tokens.write, { params: ref })).status).toBe(400);
    const [seg] = await db.select().from(reportExecutions).where(eq(reportExecutions.reportId, report.id)).limit(1);
    await db.update(reportExecutions).set({ status: "failed", errorMessage: "AMC said no" }).where(eq(reportExecutions.id, seg!.id));
    // A minute later, so the retry is the window's newest run (the clock is frozen otherwise).
    vi.setSystemTime(new Date(NOW.getTime() + 60_000));
    const retried = await call(retryBackfillEndpoint, retryBackfillRoute.POST, tokens.write, { params: ref }).finally(() => vi.setSystemTime(NOW));
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ status: "running", failed: 0 });
    const cancelled = await call(cancelBackfillEndpoint, cancelBackfillRoute.POST, tokens.write, { params: ref });
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelled: 4 });
    expect((await call(cancelBackfillEndpoint, cancelBackfillRoute.POST, tokens.write, { params: ref })).status).toBe(400);
    expect((await call(retryBackfillEndpoint, retryBackfillRoute.POST, tokens.write, { params: ref })).status).toBe(409);
  });
});

describe("executions", () => {
  it("list with filters, get, cancel, results as JSON pages and files", async () => {
    const list = await call(listExecutionsEndpoint, executionsRoute.GET, tokens.read, { query: `triggeredBy=api&reportId=${w.report.reportId}` });
    const runs = (list.body as { executions: { executionId: string; triggeredBy: string }[]; total: number }).executions;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.triggeredBy === "api")).toBe(true);
    expect((await call(listExecutionsEndpoint, executionsRoute.GET, tokens.stranger, {})).body).toMatchObject({ total: 0 });
    expect((await call(listExecutionsEndpoint, executionsRoute.GET, tokens.read, { query: "status=bogus" })).status).toBe(400);
    expect((await call(listExecutionsEndpoint, executionsRoute.GET, tokens.read, { query: "from=2099-01-01T00:00:00Z" })).body).toMatchObject({ total: 0 });

    const id = runs[0]!.executionId;
    expect((await call(getExecutionEndpoint, executionRoute.GET, tokens.read, { params: { executionId: id } })).body).toMatchObject({ executionId: id });
    expect((await call(getExecutionEndpoint, executionRoute.GET, tokens.stranger, { params: { executionId: id } })).status).toBe(404);
    const cancel = await call(cancelExecutionEndpoint, cancelExecutionRoute.POST, tokens.write, { params: { executionId: id } });
    expect(cancel.body).toMatchObject({ executionId: id, status: "cancelled" });
    expect((await call(cancelExecutionEndpoint, cancelExecutionRoute.POST, tokens.write, { params: { executionId: id } })).status).toBe(409);

    const done = await completedRun(db, w.report.id, { start: "2026-06-01T00:00:00Z", end: "2026-06-08T00:00:00Z" }, ["campaign", "users"], [["a", "1"], ["b", null], ["c", "3"]], { instanceId: w.instance.id });
    const p = { executionId: done.executionId };
    const page = await call(resultsEndpoint, resultsRoute.GET, tokens.read, { params: p, query: "limit=2&page=2" });
    expect(page.body).toEqual({ executionId: done.executionId, columns: ["campaign", "users"], rows: [["c", "3"]], total: 3, page: 2, limit: 2 });
    expect((await call(resultsEndpoint, resultsRoute.GET, tokens.read, { params: { executionId: id } })).status).toBe(404);
    const csv = await call(exportEndpoint, exportRoute.GET, tokens.read, { params: p, query: "format=csv" });
    expect(csv.res.headers.get("content-type")).toContain("text/csv");
    expect((csv.body as string).split("\r\n")[0]).toBe("campaign,users");
    const xlsx = await call(exportEndpoint, exportRoute.GET, tokens.read, { params: p, query: "format=xlsx" });
    expect(xlsx.status).toBe(200);
    expect((await call(exportEndpoint, exportRoute.GET, tokens.read, { params: p, query: "format=pdf" })).status).toBe(400);
  });
});

describe("dashboards", () => {
  it("list, favorite (201, 409), unfavorite (204), 404 for a foreign one", async () => {
    const dash = await makeDashboard(db, { instanceId: w.instance.id });
    const other = await makeDashboard(db, { instanceId: (await makeInstance(db)).id });
    const list = await call(listDashboardsEndpoint, dashboardsRoute.GET, tokens.read, {});
    expect((list.body as { dashboards: { dashboardId: string }[] }).dashboards.map((d) => d.dashboardId)).toEqual([dash.dashboardId]);
    const params = { dashboardId: dash.dashboardId };
    expect((await call(addFavoriteEndpoint, favoriteRoute.POST, tokens.write, { params })).status).toBe(201);
    expect((await call(addFavoriteEndpoint, favoriteRoute.POST, tokens.write, { params })).status).toBe(409);
    expect((await call(listDashboardsEndpoint, dashboardsRoute.GET, tokens.read, {})).body).toMatchObject({ dashboards: [{ isFavorite: true }] });
    expect((await call(removeFavoriteEndpoint, favoriteRoute.DELETE, tokens.write, { params })).status).toBe(204);
    expect((await call(addFavoriteEndpoint, favoriteRoute.POST, tokens.write, { params: { dashboardId: other.dashboardId } })).status).toBe(404);
    await grant(db, w.stranger.id, w.instance.id);
  });
});

describe("the OpenAPI document", () => {
  it("is served publicly and lists every endpoint with its responses", async () => {
    const res = await callRoute(openapiRoute.GET, "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as ReturnType<typeof openApiDocument>;
    expect(doc.openapi).toBe("3.0.3");
    for (const e of ENDPOINTS) {
      const op = (doc.paths[e.path] as Record<string, { responses: Record<string, unknown> }>)[e.method.toLowerCase()];
      expect(op, `${e.method} ${e.path}`).toBeDefined();
      for (const status of Object.keys(e.responses)) expect(op!.responses).toHaveProperty(status);
    }
  });

  it("every documented success answer was seen and matched its schema", () => {
    for (const e of ENDPOINTS) {
      for (const status of Object.keys(e.responses).map(Number)) {
        expect(seen.get(e)?.has(status), `${e.method} ${e.path} ${status} never exercised`).toBe(true);
      }
    }
  });
});
