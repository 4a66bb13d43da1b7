import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { dashboardFavorites, dashboards, reportDefinitions, reportExecutions, reportSchedules, type ExecutionStatus } from "../../db/schema";
import { asSessionUser, grant, makeInstance, makeTemplate, makeUser } from "../../test/factories";
import { instanceScope, type SessionUser } from "../../db/queries/access";
import {
  OVERVIEW_SORTS,
  SORT_DIRS,
  parseOverviewQuery,
  type OverviewQuery,
  type OverviewSort,
  type SortDir,
} from "./overview-query";
import {
  likeContains,
  listInstancesForFilter,
  listReportsOverview,
  overviewStatements,
} from "./overview";

const BASE = Date.parse("2025-03-01T12:00:00Z");
const HOUR = 3_600_000;
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
const STATUSES: ExecutionStatus[] = ["completed", "failed", "running", "pending", "cancelled"];
const GENERATED = 60;

describe("listReportsOverview", async () => {
  const { db } = await freshDatabase();

  // ---------- fixtures ----------
  const admin = asSessionUser(await makeUser(db, { email: "admin@example.com", name: "Admin", role: "admin" }));
  const member = asSessionUser(await makeUser(db, { email: "member@example.com", name: "Member" }));
  const lone = asSessionUser(await makeUser(db, { email: "lone@example.com", name: "No Grants" }));

  const instA = await makeInstance(db, { instanceId: "amcgranted01", instanceName: "Granted Client", instanceType: "STANDARD" });
  const instB = await makeInstance(db, { instanceId: "amcsecret02", instanceName: "Other Client", instanceType: "STANDARD" });
  await grant(db, member.id, instA.id);
  const template = await makeTemplate(db, { templateId: "tpl_overview", name: "Campaign Performance", reportType: "performance" });

  interface Spec {
    reportId: string;
    name: string;
    instanceId: string;
    description: string | null;
    createdAt: Date | null;
    isActive: boolean;
    executionCount?: number | null;
    runs: { status: ExecutionStatus; startedAt: Date | null }[];
    schedule?: { nextRunAt: Date | null; isPaused: boolean };
    inactiveSchedule?: boolean;
  }

  const specs: Spec[] = [];
  for (let i = 0; i < GENERATED; i++) {
    const runCount = i % 5 === 0 ? 0 : 1 + (i % 4);
    const runs: Spec["runs"] = [];
    for (let k = 0; k < runCount; k++) {
      const status = k === runCount - 1 ? STATUSES[(i * 7) % 5]! : k % 3 === 0 ? "failed" : "completed";
      // Same hour for reports with equal i % 6: ties that only the id orders.
      runs.push({ status, startedAt: status === "pending" ? null : new Date(BASE - (i % 6) * HOUR + k * 60_000) });
    }
    specs.push({
      reportId: `rpt_x${i}`,
      name: WORDS[i % WORDS.length]!,
      instanceId: i % 3 === 0 ? instB.id : instA.id,
      description: i % 2 === 1 ? `about ${WORDS[(i + 3) % WORDS.length]}` : null,
      // Pairs share a creation time; two have none (created_at is nullable in the seed).
      createdAt: i === 7 || i === 8 ? null : new Date(BASE - Math.floor(i / 2) * HOUR),
      isActive: i % 9 !== 0,
      executionCount: i === 10 ? null : undefined,
      runs,
      schedule:
        i % 4 === 0
          ? { nextRunAt: i % 12 === 0 ? null : new Date(BASE + (i % 6) * HOUR), isPaused: i % 8 === 0 }
          : undefined,
      inactiveSchedule: i % 4 === 2,
    });
  }
  // Search targets: LIKE wildcards and the escape character must match only themselves.
  specs.push(
    { reportId: "rpt_x_pct", name: "promo 50% off", instanceId: instA.id, description: null, createdAt: new Date(BASE + HOUR), isActive: true, runs: [] },
    { reportId: "rpt_xpct", name: "promo 50x off", instanceId: instA.id, description: null, createdAt: new Date(BASE + HOUR), isActive: true, runs: [] },
    { reportId: "rpt_a_b", name: "back\\slash", instanceId: instA.id, description: null, createdAt: new Date(BASE + 2 * HOUR), isActive: true, runs: [] },
    { reportId: "rpt_aXb", name: "plain", instanceId: instA.id, description: "nothing special", createdAt: new Date(BASE + 2 * HOUR), isActive: true, runs: [] },
  );

  const uuidOf = new Map<string, string>();
  for (const s of specs) {
    const [r] = await db
      .insert(reportDefinitions)
      .values({
        reportId: s.reportId,
        name: s.name,
        description: s.description,
        templateId: template.id,
        instanceId: s.instanceId,
        ownerId: admin.id,
        isActive: s.isActive,
        createdAt: s.createdAt,
        ...(s.executionCount !== undefined ? { executionCount: s.executionCount } : {}),
      })
      .returning({ id: reportDefinitions.id });
    uuidOf.set(s.reportId, r!.id);
    // A daily 02:00 schedule of this report; `state` says whether it is active, paused and due when.
    const schedule = (scheduleId: string, state: { isActive?: boolean; isPaused: boolean; nextRunAt: Date | null }) =>
      db.insert(reportSchedules).values({ scheduleId, reportId: r!.id, scheduleType: "daily", cronExpression: "0 2 * * *", ...state });
    // An ended schedule must not count: only the active one sets next run / paused.
    if (s.inactiveSchedule) await schedule(`sch_old_${s.reportId}`, { isActive: false, isPaused: true, nextRunAt: new Date(BASE - 999 * HOUR) });
    if (s.schedule) await schedule(`sch_${s.reportId}`, s.schedule);
    if (s.runs.length > 0) {
      // In order: the tracking trigger makes the last inserted execution the latest.
      await db.insert(reportExecutions).values(
        s.runs.map((run, k) => ({
          executionId: `exec_${s.reportId}_${k}`,
          reportId: r!.id,
          instanceId: s.instanceId,
          triggeredBy: "manual" as const,
          status: run.status,
          startedAt: run.startedAt,
          completedAt: run.startedAt && ["completed", "failed", "cancelled"].includes(run.status)
            ? new Date(run.startedAt.getTime() + 600_000)
            : null,
        })),
      );
    }
  }
  const id = (reportId: string) => uuidOf.get(reportId)!;

  // Favorites are per viewer: the member starred rpt_x1's dashboard, the admin rpt_x2's.
  const [dash1, dash2] = await db
    .insert(dashboards)
    .values([
      { dashboardId: "dash_x1", name: "One", instanceId: instA.id },
      { dashboardId: "dash_x2", name: "Two", instanceId: instA.id },
    ])
    .returning();
  await db.update(reportDefinitions).set({ dashboardId: dash1!.id }).where(eq(reportDefinitions.id, id("rpt_x1")));
  await db.update(reportDefinitions).set({ dashboardId: dash2!.id }).where(eq(reportDefinitions.id, id("rpt_x2")));
  await db.insert(dashboardFavorites).values([
    { dashboardId: dash1!.id, userId: member.id },
    { dashboardId: dash2!.id, userId: admin.id },
  ]);

  // ---------- expected values, computed here rather than by SQL ----------
  const stored = await db
    .select({
      id: reportDefinitions.id,
      reportId: reportDefinitions.reportId,
      name: reportDefinitions.name,
      instanceId: reportDefinitions.instanceId,
      createdAt: reportDefinitions.createdAt,
      lastRunAt: reportDefinitions.lastRunAt,
      nextRunAt: reportDefinitions.nextRunAt,
      executionCount: reportDefinitions.executionCount,
      lastStatus: reportDefinitions.lastStatus,
      schedulePaused: reportDefinitions.schedulePaused,
      isActive: reportDefinitions.isActive,
    })
    .from(reportDefinitions);
  type Stored = (typeof stored)[number];
  // Name order is the database's collation; everything else (nulls, ties, pages) is checked here.
  const nameRank = new Map(
    (
      await db
        .selectDistinct({ name: reportDefinitions.name })
        .from(reportDefinitions)
        .orderBy(asc(reportDefinitions.name))
    ).map((r, i) => [r.name, i]),
  );

  const sortKey: Record<OverviewSort, (r: Stored) => number | null> = {
    created: (r) => r.createdAt?.getTime() ?? null,
    name: (r) => nameRank.get(r.name)!,
    last_run: (r) => r.lastRunAt?.getTime() ?? null,
    next_run: (r) => r.nextRunAt?.getTime() ?? null,
    executions: (r) => r.executionCount,
  };
  // Where NULLs go when sorting descending (the indexes' orders; ascending is the reverse).
  const nullsFirstWhenDesc: Record<OverviewSort, boolean> = {
    created: true,
    name: true,
    last_run: false,
    next_run: true,
    executions: false,
  };

  function expectedOrder(rows: Stored[], sort: OverviewSort, dir: SortDir): string[] {
    const nullsFirst = dir === "desc" ? nullsFirstWhenDesc[sort] : !nullsFirstWhenDesc[sort];
    const sign = dir === "asc" ? 1 : -1;
    return [...rows]
      .sort((a, b) => {
        const ka = sortKey[sort](a);
        const kb = sortKey[sort](b);
        if (ka === null || kb === null) {
          if (ka !== kb) return (ka === null) === nullsFirst ? -1 : 1;
        } else if (ka !== kb) {
          return sign * (ka - kb);
        }
        return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      })
      .map((r) => r.id);
  }

  async function allPages(viewer: SessionUser, params: Record<string, string>) {
    const ids: string[] = [];
    let total = -1;
    for (let page = 1; page < 100; page++) {
      const result = await listReportsOverview(db, viewer, parseOverviewQuery({ ...params, size: "25", page: String(page) }));
      total = result.total;
      expect(result.rows.length).toBeLessThanOrEqual(25);
      ids.push(...result.rows.map((r) => r.reportUuid));
      if (result.rows.length < 25) break;
    }
    return { ids, total };
  }

  const visibleToMember = stored.filter((r) => r.instanceId === instA.id);

  it("builds the fixture it means to (sanity)", () => {
    expect(stored).toHaveLength(GENERATED + 4);
    expect(stored.some((r) => r.createdAt === null)).toBe(true);
    expect(stored.some((r) => r.lastRunAt === null && r.lastStatus !== null)).toBe(true); // only pending
    expect(stored.some((r) => r.nextRunAt === null)).toBe(true);
    expect(stored.some((r) => r.executionCount === null)).toBe(true);
    expect(stored.filter((r) => r.schedulePaused).length).toBeGreaterThan(1);
    expect(new Set(stored.map((r) => r.name)).size).toBeLessThan(stored.length);
  });

  describe("access", () => {
    it("shows a member only the reports of granted instances", async () => {
      const { ids, total } = await allPages(member, {});
      expect(total).toBe(visibleToMember.length);
      expect(new Set(ids)).toEqual(new Set(visibleToMember.map((r) => r.id)));
    });

    it("does not leak another instance through the instance filter", async () => {
      const result = await listReportsOverview(db, member, parseOverviewQuery({ instance: instB.id }));
      expect(result).toMatchObject({ rows: [], total: 0 });
      const own = await listReportsOverview(db, member, parseOverviewQuery({ instance: instA.id, size: "100" }));
      expect(own.total).toBe(visibleToMember.length);
    });

    it("does not leak through search or status filters either", async () => {
      const cases: Record<string, string>[] = [
        { q: "rpt_x3" },
        { status: "never" },
        { state: "paused" },
        { q: "alpha", sort: "name" },
      ];
      for (const params of cases) {
        const { ids } = await allPages(member, params);
        for (const reportUuid of ids) {
          expect(visibleToMember.some((r) => r.id === reportUuid)).toBe(true);
        }
      }
    });

    it("shows a member without grants nothing", async () => {
      expect(await listReportsOverview(db, lone, parseOverviewQuery({}))).toMatchObject({ rows: [], total: 0 });
      expect(await listInstancesForFilter(db, lone)).toEqual([]);
    });

    it("shows an admin everything", async () => {
      const { ids, total } = await allPages(admin, {});
      expect(total).toBe(stored.length);
      expect(ids).toHaveLength(stored.length);
    });

    it("lists the instances a viewer may filter on", async () => {
      expect((await listInstancesForFilter(db, admin)).map((i) => i.instanceId)).toEqual(["amcgranted01", "amcsecret02"]);
      expect(await listInstancesForFilter(db, member)).toEqual([
        { id: instA.id, instanceId: "amcgranted01", instanceName: "Granted Client" },
      ]);
    });
  });

  describe("sorting and pagination", () => {
    for (const sort of OVERVIEW_SORTS) {
      for (const dir of SORT_DIRS) {
        it(`${sort} ${dir}: exact order, nulls and ties included, stable across pages (admin)`, async () => {
          const { ids, total } = await allPages(admin, { sort, dir });
          expect(total).toBe(stored.length);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toEqual(expectedOrder(stored, sort, dir));
        });

        it(`${sort} ${dir}: same for a member`, async () => {
          const { ids } = await allPages(member, { sort, dir });
          expect(ids).toEqual(expectedOrder(visibleToMember, sort, dir));
        });
      }
    }

    it("returns the same page whichever way the ids are found", async () => {
      for (const viewer of [admin, member]) {
        const scope = await instanceScope(db, viewer);
        for (const sort of OVERVIEW_SORTS) {
          for (const dir of SORT_DIRS) {
            for (const page of ["1", "2", "3"]) {
              const query = parseOverviewQuery({ sort, dir, page, size: "25" });
              const walk = await overviewStatements(db, viewer.id, scope, query, "index-walk").page;
              const sorted = await overviewStatements(db, viewer.id, scope, query, "sort-matches").page;
              expect(sorted.map((r) => r.reportUuid)).toEqual(walk.map((r) => r.reportUuid));
            }
          }
        }
      }
    });

    it("returns no rows past the last page", async () => {
      const result = await listReportsOverview(db, admin, parseOverviewQuery({ page: "99" }));
      expect(result.rows).toEqual([]);
      expect(result.total).toBe(stored.length);
      const filtered = await listReportsOverview(db, member, parseOverviewQuery({ page: "99", status: "never" }));
      expect(filtered.rows).toEqual([]);
    });
  });

  describe("filters", () => {
    const idsOf = (rows: Stored[]) => new Set(rows.map((r) => r.id));

    it("filters on the latest status, 'never' meaning no executions", async () => {
      const never = await allPages(admin, { status: "never" });
      expect(new Set(never.ids)).toEqual(idsOf(stored.filter((r) => r.lastStatus === null)));
      expect(never.total).toBe(never.ids.length);
      expect(never.ids).toContain(id("rpt_x0"));

      const failedOrNever = await allPages(admin, { status: "failed,never" });
      expect(new Set(failedOrNever.ids)).toEqual(
        idsOf(stored.filter((r) => r.lastStatus === null || r.lastStatus === "failed")),
      );

      const pending = await allPages(member, { status: "pending,running" });
      expect(new Set(pending.ids)).toEqual(
        idsOf(visibleToMember.filter((r) => r.lastStatus === "pending" || r.lastStatus === "running")),
      );
      expect(pending.ids.length).toBeGreaterThan(0);
    });

    it("filters on state: paused (from the active schedule) wins over inactive", async () => {
      const paused = await allPages(admin, { state: "paused" });
      expect(new Set(paused.ids)).toEqual(idsOf(stored.filter((r) => r.schedulePaused)));
      // rpt_x0: inactive report with a paused schedule; rpt_x2: only an ended, paused schedule.
      expect(paused.ids).toContain(id("rpt_x0"));
      expect(paused.ids).not.toContain(id("rpt_x2"));

      const active = await allPages(admin, { state: "active" });
      expect(new Set(active.ids)).toEqual(idsOf(stored.filter((r) => !r.schedulePaused && r.isActive)));
      const inactive = await allPages(admin, { state: "inactive" });
      expect(new Set(inactive.ids)).toEqual(idsOf(stored.filter((r) => !r.schedulePaused && !r.isActive)));
      expect(paused.total + active.total + inactive.total).toBe(stored.length);
    });

    it("reports state and the row's columns like the view does", async () => {
      const { rows } = await listReportsOverview(db, admin, parseOverviewQuery({ q: "rpt_x16", size: "100" }));
      const row = rows.find((r) => r.reportId === "rpt_x16")!;
      expect(row).toMatchObject({
        name: "alpha",
        amcInstanceId: "amcgranted01",
        instanceName: "Granted Client",
        ownerEmail: "admin@example.com",
        templateName: "Campaign Performance",
        reportType: "performance",
        frequency: "once",
        state: "paused",
        executionCount: 1,
        latestStatus: STATUSES[(16 * 7) % 5],
      });
      expect(row.nextRunAt?.toISOString()).toBe(new Date(BASE + (16 % 6) * HOUR).toISOString());
      const never = (await listReportsOverview(db, admin, parseOverviewQuery({ q: "rpt_x5" }))).rows.find(
        (r) => r.reportId === "rpt_x5",
      )!;
      expect(never).toMatchObject({ latestStatus: null, lastRunAt: null, lastCompletedAt: null, executionCount: 0 });
    });

    it("filters on instance and frequency", async () => {
      const b = await allPages(admin, { instance: instB.id });
      expect(new Set(b.ids)).toEqual(idsOf(stored.filter((r) => r.instanceId === instB.id)));
      const weekly = await listReportsOverview(db, admin, parseOverviewQuery({ frequency: "weekly" }));
      expect(weekly.total).toBe(0);
      const once = await listReportsOverview(db, admin, parseOverviewQuery({ frequency: "once" }));
      expect(once.total).toBe(stored.length);
    });

    it("searches name, report id and description, case-insensitively", async () => {
      const search = async (viewer: SessionUser, q: string) =>
        (await allPages(viewer, { q })).ids.map((u) => stored.find((r) => r.id === u)!.reportId).sort();

      expect(await search(admin, "PROMO")).toEqual(["rpt_x_pct", "rpt_xpct"]);
      expect(await search(admin, "rpt_x1")).toEqual(
        ["rpt_x1", ...Array.from({ length: 10 }, (_, i) => `rpt_x1${i}`)].sort(),
      );
      expect(await search(member, "rpt_x1")).toEqual(
        ["rpt_x1", "rpt_x10", "rpt_x11", "rpt_x13", "rpt_x14", "rpt_x16", "rpt_x17", "rpt_x19"].sort(),
      );
      expect(await search(admin, "special")).toEqual(["rpt_aXb"]);
      expect(await search(admin, "about golf")).toEqual(
        stored
          .filter((r) => /^rpt_x\d+$/.test(r.reportId) && Number(r.reportId.slice(5)) % 2 === 1)
          .filter((r) => WORDS[(Number(r.reportId.slice(5)) + 3) % WORDS.length] === "golf")
          .map((r) => r.reportId)
          .sort(),
      );
    });

    it("matches %, _ and \\ literally", async () => {
      const search = async (q: string) =>
        (await allPages(admin, { q })).ids.map((u) => stored.find((r) => r.id === u)!.reportId).sort();
      expect(await search("50%")).toEqual(["rpt_x_pct"]);
      expect(await search("50% off")).toEqual(["rpt_x_pct"]);
      expect(await search("a_b")).toEqual(["rpt_a_b"]);
      expect(await search("x_p")).toEqual(["rpt_x_pct"]);
      expect(await search("back\\slash")).toEqual(["rpt_a_b"]);
      expect(await search("%")).toEqual(["rpt_x_pct"]);
      expect(await search("_")).toHaveLength(stored.length); // every report id has one
      expect(likeContains("a%b_c\\d")).toBe("%a\\%b\\_c\\\\d%");
    });

    it("combines filters", async () => {
      const { ids } = await allPages(member, { status: "never", state: "active", q: "rpt_x" });
      expect(new Set(ids)).toEqual(
        idsOf(
          visibleToMember.filter(
            (r) => r.lastStatus === null && !r.schedulePaused && r.isActive && r.reportId.includes("rpt_x"),
          ),
        ),
      );
      expect(ids.length).toBeGreaterThan(0);
    });
  });

  describe("favorites", () => {
    it("are the viewer's, not the owner's", async () => {
      const byViewer = async (viewer: SessionUser) => {
        const { rows } = await listReportsOverview(db, viewer, parseOverviewQuery({ q: "rpt_x", size: "100" }));
        return new Map(rows.map((r) => [r.reportId, r.isFavorite]));
      };
      const forMember = await byViewer(member);
      const forAdmin = await byViewer(admin);
      expect(forMember.get("rpt_x1")).toBe(true);
      expect(forAdmin.get("rpt_x1")).toBe(false);
      expect(forAdmin.get("rpt_x2")).toBe(true);
      expect(forMember.get("rpt_x2")).toBe(false);
      expect([...forMember.values()].filter(Boolean)).toHaveLength(1);
      expect([...forAdmin.values()].filter(Boolean)).toHaveLength(1);
    });
  });

  it("keeps OverviewQuery's page size", async () => {
    const q: OverviewQuery = parseOverviewQuery({ size: "25" });
    expect((await listReportsOverview(db, admin, q)).rows).toHaveLength(25);
  });
});
