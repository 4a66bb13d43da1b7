import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { reportDefinitions, reportExecutions } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { backfillWorld } from "../../test/backfill-world";
import { grant, makeInstance, makeUser } from "../../test/factories";
import { callRoute, jsonBody } from "../../test/http";
import { scheduledWorld } from "../../test/scheduler-world";
import { startBackfill } from "../backfill/backfills";
import { AppError } from "../errors";
import { runReportNow } from "../executions/create";
import { createRouteWrapper } from "../http/handler";
import { createReport } from "../reports/definitions";
import { seedLibraryTemplates } from "../templates/seed";
import { consume, formatWait, tryConsume } from "./consume";
import { LIMITS, type WindowLimit } from "./limits";

const { db } = await freshDatabase();
// 12:00:18 UTC: 42 s before the minute ends, 59 min 42 s before the hour does.
const NOW = new Date("2026-11-25T12:00:18Z");

beforeAll(async () => {
  await seedLibraryTemplates(db);
});

const refusal = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
};

describe("consume: one conditional upsert per request", () => {
  const tiny: WindowLimit = { name: "test_tiny", limit: 3, windowMs: 60_000, refusal: "Too many tries" };

  it("never lets concurrent requests past the limit, and says when the window resets", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => tryConsume(db, tiny, "k1", NOW)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(results.filter((r) => r.allowed).map((r) => r.remaining).sort()).toEqual([0, 1, 2]);
    for (const r of results.filter((x) => !x.allowed)) {
      expect(r).toMatchObject({ limit: 3, remaining: 0, retryAfterSeconds: 42, resetAt: new Date("2026-11-25T12:01:00Z") });
    }
    // Another key has its own budget; the next window starts afresh and drops the ended one.
    expect((await tryConsume(db, tiny, "k2", NOW)).allowed).toBe(true);
    expect(await tryConsume(db, tiny, "k1", new Date("2026-11-25T12:01:00Z"))).toMatchObject({ allowed: true, remaining: 2 });
    const rows = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM rate_limit_counters WHERE name = 'test_tiny' AND key = 'k1'`);
    expect(Number([...rows][0]!.n)).toBe(1);
  });

  it("takes all of several limits or none, and reports the tightest", async () => {
    const hour: WindowLimit = { name: "test_hour", limit: 5, windowMs: 3600_000, refusal: "Hourly" };
    const day: WindowLimit = { name: "test_day", limit: 2, windowMs: 86400_000, refusal: "Daily" };
    expect(await consume(db, [hour, day], "k", NOW)).toMatchObject({ limit: 2, remaining: 1 });
    await consume(db, [hour, day], "k", NOW);
    const e = await refusal(consume(db, [hour, day], "k", NOW));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.message).toBe("Daily: try again in 12 h.");
    expect(e.rateLimit).toMatchObject({ limit: 2, remaining: 0, resetAt: new Date("2026-11-26T00:00:00Z") });
    // The refused request did not use up an hourly unit.
    const rows = await db.execute<{ count: number }>(sql`SELECT count FROM rate_limit_counters WHERE name = 'test_hour' AND key = 'k'`);
    expect(Number([...rows][0]!.count)).toBe(2);
  });

  it("words the wait as a person would read it", () => {
    expect([formatWait(42), formatWait(60), formatWait(61), formatWait(3600), formatWait(3601)]).toEqual(["42 s", "1 min", "2 min", "1 h", "2 h"]);
  });
});

describe("the route wrapper's headers", () => {
  const route = createRouteWrapper({ caller: async () => ({ id: "u1", email: "u@example.com", name: "U", role: "member" }), db: () => db, now: () => NOW });
  const limited = route({ body: z.object({ key: z.string() }) }, async ({ db: d, body, now }) => {
    await consume(d, LIMITS.runNow, body.key, now);
    return { ok: true };
  });
  const unlimited = route({}, async () => ({ ok: true }));
  const post = (key: string) => callRoute(limited, "/x", { method: "POST", ...jsonBody({ key }) });

  it("X-RateLimit-Limit/-Remaining/-Reset on every answer, 429 with Retry-After over the limit", async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => post("route-user")));
    const ok = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(2);
    expect(ok.map((r) => Number(r.headers.get("X-RateLimit-Remaining"))).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of [...ok, ...refused]) {
      expect(r.headers.get("X-RateLimit-Limit")).toBe("10");
      expect(r.headers.get("X-RateLimit-Reset")).toBe(String(Date.parse("2026-11-25T12:01:00Z") / 1000));
      expect(r.headers.get("X-Request-Id")).toBeTruthy();
    }
    for (const r of refused) {
      expect(r.headers.get("Retry-After")).toBe("42");
      expect(r.headers.get("X-RateLimit-Remaining")).toBe("0");
      expect(await r.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: "Too many runs: try again in 42 s." } });
    }
    expect(ok[0]!.headers.get("Retry-After")).toBeNull();
  });

  it("adds nothing to routes that consume no limit", async () => {
    const r = await callRoute(unlimited, "/y");
    expect(r.status).toBe(200);
    expect(r.headers.get("X-RateLimit-Limit")).toBeNull();
  });
});

describe("run now: 10 a minute per user", () => {
  it("refuses the 11th and 12th of 12 concurrent run-nows; a replayed key is not another run", async () => {
    const w = await scheduledWorld(db);
    const runs = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => runReportNow(db, w.member, { reportId: w.report.reportId, idempotencyKey: `run-now-key-${i}` }, NOW)),
    );
    expect(runs.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    for (const r of runs.filter((x) => x.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "RATE_LIMITED", message: "Too many runs: try again in 42 s." });
    }
    const made = await db.select().from(reportExecutions).where(sql`${reportExecutions.reportId} = ${w.report.id}`);
    expect(made).toHaveLength(10);
    const first = runs.findIndex((r) => r.status === "fulfilled");
    const replay = await runReportNow(db, w.member, { reportId: w.report.reportId, idempotencyKey: `run-now-key-${first}` }, NOW);
    expect(replay.created).toBe(false);
    // A minute later the budget is back.
    const later = await runReportNow(db, w.member, { reportId: w.report.reportId, idempotencyKey: "run-now-later" }, new Date(NOW.getTime() + 60_000));
    expect(later.created).toBe(true);
  });
});

describe("create report: 20 an hour per user", () => {
  it("creates 20 of 21 concurrent requests; a refused or invalid create leaves nothing and costs nothing", async () => {
    const member = await makeUser(db);
    const instance = await makeInstance(db);
    await grant(db, member.id, instance.id);
    const input = (i: number) => ({
      templateId: "asin_purchases",
      instanceId: instance.instanceId,
      values: { asin_list: "B0AAAAAAAA" },
      window: { kind: "last_days" as const, n: 30 },
      timezone: "UTC",
      name: `Report ${i}`,
      run: { kind: "schedule" as const, schedule: { preset: "weekly", time: "03:00", weekday: 1 } },
    });
    const invalid = { ...input(99), values: { asin_list: "not an asin" } };
    await expect(createReport(db, member, invalid, NOW)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const results = await Promise.allSettled(Array.from({ length: 21 }, (_, i) => createReport(db, member, input(i), NOW)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    const [rejected] = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(rejected!.reason).toMatchObject({ code: "RATE_LIMITED" });
    expect((rejected!.reason as AppError).message).toBe("Too many new reports: try again in 60 min.");
    const owned = await db.select().from(reportDefinitions).where(sql`${reportDefinitions.ownerId} = ${member.id}`);
    expect(owned).toHaveLength(20);
  });
});

describe("backfills: 5 starts a day per instance, 2 running per user", () => {
  it("refuses a third running backfill of one user, also when they race", async () => {
    const w = await backfillWorld(db);
    const reports = [w.report, await w.makeOne(), await w.makeOne(), await w.makeOne()];
    const results = await Promise.allSettled(
      reports.map((r) => startBackfill(db, w.member, { reportId: r.reportId, lookbackDays: 7, segmentType: "daily" }, NOW)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results.filter((x) => x.status === "rejected") as PromiseRejectedResult[]) {
      expect(r.reason).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/^You already have 2 backfills running/) });
      expect((r.reason as AppError).rateLimit).toMatchObject({ limit: 2, remaining: 0, retryAfterSeconds: 60 });
    }
    // Refused starts did not use the instance's daily budget: 3 more may start once these end.
    const counters = await db.execute<{ count: number }>(sql`SELECT count FROM rate_limit_counters WHERE name = 'backfill_start' AND key = ${w.instance.id}`);
    expect(Number([...counters][0]!.count)).toBe(2);
  });
});
