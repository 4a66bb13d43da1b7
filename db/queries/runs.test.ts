import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { grant, makeExecution, makeInstance, makeReport, makeUser } from "../../test/factories";
import { instanceScope, type SessionUser } from "./access";
import { listAllRuns, type RunsFilter } from "./runs";

const BASE = Date.parse("2025-06-01T00:00:00Z");
const HOUR = 3_600_000;
const at = (h: number) => new Date(BASE + h * HOUR);

describe("listAllRuns", async () => {
  const { db } = await freshDatabase();
  const asViewer = (u: { id: string; email: string; name: string; role: "admin" | "member" }): SessionUser => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
  });
  const admin = asViewer(await makeUser(db, { role: "admin" }));
  const member = asViewer(await makeUser(db));
  const lone = asViewer(await makeUser(db));
  const granted = await makeInstance(db, { instanceName: "Granted" });
  const secret = await makeInstance(db, { instanceName: "Secret" });
  await grant(db, member.id, granted.id);

  const alpha = await makeReport(db, { reportId: "rpt_alpha0001", name: "Alpha weekly reach", instanceId: granted.id });
  const bravo = await makeReport(db, { reportId: "rpt_bravo0001", name: "Bravo 100% path", instanceId: granted.id });
  const hidden = await makeReport(db, { reportId: "rpt_hidden001", name: "Alpha hidden", instanceId: secret.id });

  // Created one hour apart (h = 0..); durations grow with h for the finished ones.
  const specs = [
    { report: alpha, status: "completed", trigger: "schedule", h: 0, minutes: 5 },
    { report: alpha, status: "failed", trigger: "manual", h: 1, minutes: 1 },
    { report: alpha, status: "running", trigger: "schedule", h: 2 },
    { report: bravo, status: "completed", trigger: "backfill", h: 25, minutes: 30 },
    { report: bravo, status: "pending", trigger: "api", h: 26 },
    { report: bravo, status: "cancelled", trigger: "manual", h: 49, minutes: 2 },
    { report: hidden, status: "completed", trigger: "schedule", h: 3, minutes: 7 },
  ] as const;
  const ids: string[] = [];
  for (const s of specs) {
    const started = at(s.h + 0.1);
    const row = await makeExecution(db, s.report.id, {
      executionId: `exec_t${String(s.h).padStart(3, "0")}`,
      instanceId: s.report.instanceId,
      status: s.status,
      triggeredBy: s.trigger,
      createdAt: at(s.h),
      startedAt: s.status === "pending" ? null : started,
      completedAt: "minutes" in s ? new Date(started.getTime() + s.minutes * 60_000) : null,
    });
    ids.push(row.executionId);
  }
  const filter = (f: Partial<RunsFilter> = {}): RunsFilter => ({ page: 1, pageSize: 50, sort: "created", dir: "desc", ...f });
  const list = async (viewer: SessionUser, f: Partial<RunsFilter> = {}) => {
    const { rows, total } = await listAllRuns(db, await instanceScope(db, viewer), filter(f));
    return { ids: rows.map((r) => r.executionId), total, rows };
  };

  it("scopes by instance: admins see all, members their grants, no grants nothing", async () => {
    expect((await list(admin)).total).toBe(7);
    const mine = await list(member);
    expect(mine.total).toBe(6);
    expect(mine.ids).not.toContain("exec_t003");
    expect(await list(lone)).toEqual({ ids: [], total: 0, rows: [] });
    // A filter naming a foreign instance does not widen the scope.
    expect((await list(member, { instance: secret.id })).total).toBe(0);
  });

  it("returns the report and instance with each run", async () => {
    const { rows } = await list(member, { trigger: "api" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ executionId: "exec_t026", reportId: "rpt_bravo0001", reportName: "Bravo 100% path", instanceName: "Granted", status: "pending" });
  });

  it("filters by instance, status, trigger and created range", async () => {
    expect((await list(admin, { instance: secret.id })).ids).toEqual(["exec_t003"]);
    expect((await list(admin, { status: "completed" })).ids).toEqual(["exec_t025", "exec_t003", "exec_t000"]);
    expect((await list(member, { trigger: "schedule" })).ids).toEqual(["exec_t002", "exec_t000"]);
    expect((await list(member, { trigger: "schedule", status: "running" })).ids).toEqual(["exec_t002"]);
    // Half-open: from is included, to is not.
    expect((await list(admin, { from: at(2), to: at(26) })).ids).toEqual(["exec_t025", "exec_t003", "exec_t002"]);
    expect((await list(admin, { from: at(49) })).ids).toEqual(["exec_t049"]);
    expect((await list(admin, { to: at(1) })).ids).toEqual(["exec_t000"]);
  });

  it("filters by report: human id exactly, else part of the name with wildcards taken literally", async () => {
    expect((await list(admin, { report: "rpt_bravo0001" })).ids).toEqual(["exec_t049", "exec_t026", "exec_t025"]);
    expect((await list(admin, { report: "alpha" })).total).toBe(4);
    expect((await list(member, { report: "alpha" })).total).toBe(3);
    expect((await list(admin, { report: "100%" })).total).toBe(3);
    expect((await list(admin, { report: "%" })).total).toBe(3);
    expect((await list(admin, { report: "_" })).total).toBe(0);
    expect((await list(admin, { report: "rpt_nothing" })).total).toBe(0);
  });

  it("sorts by created, duration and status in both directions", async () => {
    expect((await list(member, { dir: "asc" })).ids).toEqual(["exec_t000", "exec_t001", "exec_t002", "exec_t025", "exec_t026", "exec_t049"]);
    // Unfinished runs (no duration) last either way.
    const byDurationAsc = (await list(member, { sort: "duration", dir: "asc" })).ids;
    expect(byDurationAsc.slice(0, 4)).toEqual(["exec_t001", "exec_t049", "exec_t000", "exec_t025"]);
    expect(new Set(byDurationAsc.slice(4))).toEqual(new Set(["exec_t002", "exec_t026"]));
    const byDurationDesc = (await list(member, { sort: "duration", dir: "desc" })).ids;
    expect(byDurationDesc.slice(0, 4)).toEqual(["exec_t025", "exec_t000", "exec_t049", "exec_t001"]);
    expect(new Set(byDurationDesc.slice(4))).toEqual(new Set(["exec_t002", "exec_t026"]));
    const byStatus = (await list(member, { sort: "status", dir: "asc" })).rows.map((r) => r.status);
    expect(byStatus).toEqual(["cancelled", "completed", "completed", "failed", "pending", "running"]);
    // Ties within a status: newest first.
    expect((await list(member, { sort: "status", dir: "asc", status: "completed" })).ids).toEqual(["exec_t025", "exec_t000"]);
  });

  it("pages without repeating or skipping a run, the total counting all matches", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const { ids: pageIds, total } = await list(admin, { page, pageSize: 2 });
      expect(total).toBe(7);
      seen.push(...pageIds);
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect((await list(admin, { page: 5, pageSize: 2 })).ids).toEqual([]);
  });
});
