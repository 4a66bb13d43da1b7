import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { reportExecutions, reportSchedules } from "@/db/schema";
import { freshDatabase } from "@/test/db";
import { FakeGateway } from "@/test/fake-gateway";
import type { EngineDeps } from "@/lib/engine/deps";
import { isAuthorizedCronRequest } from "@/lib/engine/http";
import { createSchedule } from "@/lib/scheduler/schedules";
import { engineDeps, scheduledWorld } from "@/test/scheduler-world";

// The route's engine wiring, pointed at this file's database and a fake AMC.
const holder = vi.hoisted(() => ({ deps: null as null | ((now: Date) => EngineDeps), calls: 0 }));
// The route wrapper's session lookup is never reached (auth "none"); next-auth stays unloaded.
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => null }));
vi.mock("@/lib/engine/app-deps", () => ({
  appEngineDeps: (now: Date) => {
    holder.calls += 1;
    return holder.deps!(now);
  },
}));

const t = await freshDatabase();
const db = t.db;

beforeEach(async () => {
  await db.delete(reportExecutions);
  await db.delete(reportSchedules);
});

const runsOf = (scheduleUuid: string) => db.select().from(reportExecutions).where(eq(reportExecutions.scheduleId, scheduleUuid));
const scheduleOf = async (id: string) => (await db.select().from(reportSchedules).where(eq(reportSchedules.id, id)))[0]!;

describe("the tick endpoint", () => {
  const SECRET = "test-cron-secret-0123456789abcdef0123456789";

  it("compares the bearer secret in constant time, refusing everything else", () => {
    expect(isAuthorizedCronRequest(`Bearer ${SECRET}`, SECRET)).toBe(true);
    expect(isAuthorizedCronRequest(null, SECRET)).toBe(false);
    expect(isAuthorizedCronRequest(SECRET, SECRET)).toBe(false);
    expect(isAuthorizedCronRequest(`Bearer ${SECRET}x`, SECRET)).toBe(false);
    expect(isAuthorizedCronRequest(`Bearer ${SECRET.slice(0, -1)}`, SECRET)).toBe(false);
    expect(isAuthorizedCronRequest(`bearer ${SECRET}`, SECRET)).toBe(false);
    // No secret configured: nobody gets in, not even with an empty bearer.
    expect(isAuthorizedCronRequest("Bearer ", "")).toBe(false);
    expect(isAuthorizedCronRequest("Bearer undefined", undefined)).toBe(false);
  });

  it("answers 401 without the secret and does nothing; with it, runs the tick and answers its summary", async () => {
    const gw = new FakeGateway();
    holder.deps = (now) => engineDeps(db, t.sql, gw, now);
    const { member, report } = await scheduledWorld(db);
    const s = await createSchedule(db, member, { reportId: report.reportId, schedule: { preset: "daily", time: "00:00", timezone: "UTC" } }, new Date(Date.now() - 2 * 86_400_000));
    // Make today's 00:00 UTC slot due, for the real clock the route uses.
    const due = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
    await db.update(reportSchedules).set({ nextRunAt: due }).where(eq(reportSchedules.id, s.id));

    process.env.CRON_SECRET = SECRET;
    const route = await import("@/app/api/cron/tick/route");
    const url = "http://localhost/api/cron/tick";
    holder.calls = 0;
    const refused: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, { authorization: `Bearer ${SECRET}extra` }, { authorization: SECRET }];
    for (const headers of refused) {
      for (const handler of [route.GET, route.POST]) {
        const res = await handler(new Request(url, { method: "GET", headers }));
        expect(res.status).toBe(401);
        const body = await res.json();
        expect(body).toMatchObject({ error: { code: "UNAUTHENTICATED", message: expect.stringContaining("Bearer") }, requestId: expect.any(String) });
      }
    }
    // No work was done: no engine deps were even built, nothing materialized.
    expect(holder.calls).toBe(0);
    expect(await runsOf(s.id)).toHaveLength(0);
    expect((await scheduleOf(s.id)).nextRunAt).toEqual(due);

    const ok = await route.GET(new Request(url, { headers: { authorization: `Bearer ${SECRET}` } }));
    expect(ok.status).toBe(200);
    const summary = await ok.json();
    expect(summary).toMatchObject({
      ok: true,
      budgetMs: 25_000,
      materialize: { claimed: 1, created: 1 },
      engine: { submit: { submitted: 1 } },
      outcomes: { counted: 0 },
      overdue: { schedules: 0, oldestSeconds: 0 },
      errors: [],
    });
    expect(typeof summary.durationMs).toBe("number");
    expect(await runsOf(s.id)).toHaveLength(1);

    // POST works the same; nothing is due any more.
    const again = await route.POST(new Request(url, { method: "POST", headers: { authorization: `Bearer ${SECRET}` } }));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ materialize: { claimed: 0 } });
    expect(await runsOf(s.id)).toHaveLength(1);

    // Without CRON_SECRET configured, the endpoint is closed.
    delete process.env.CRON_SECRET;
    expect((await route.GET(new Request(url, { headers: { authorization: "Bearer " } }))).status).toBe(401);
  });
});
