import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createDatabase, type Database } from "../../db/client";
import { freePort } from "../../db/embedded";
import { users } from "../../db/schema";
import { freshDatabase } from "../../test/db";
import { FakeGateway } from "../../test/fake-gateway";
import { engineDeps } from "../../test/scheduler-world";
import { handleTickRequest } from "../engine/http";
import { createRouteWrapper } from "../http/handler";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, unavailableCode } from "./unavailable";

/**
 * During a database outage every way in answers "not reachable, try again" (503 JSON with
 * Retry-After, an action's UNAVAILABLE result, the tick's 503 summary) instead of a 500, and the
 * process keeps serving. The outage is real: a pool pointed at a port nobody listens on, and a
 * pool whose backends were all terminated.
 */

const t = await freshDatabase();
const deadUrl = `postgres://postgres@127.0.0.1:${await freePort()}/nothing`;
const dead = createDatabase(deadUrl, { max: 2 });
const deadRaw = postgres(deadUrl, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await dead.close();
  await deadRaw.end({ timeout: 1 });
});

const caught = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe("what counts as the database being unavailable", () => {
  it("a refused connection (drizzle's wrapped error), a terminated backend (57P01), a closed connection", async () => {
    const refused = await caught(dead.db.execute(sql`SELECT 1`));
    expect(unavailableCode(refused)).toBe("ECONNREFUSED");

    const victim = postgres(t.url, { max: 1, onnotice: () => {} });
    const [row] = await victim<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const pid = row!.pid;
    const sleeping = caught(victim`SELECT pg_sleep(5)`);
    await new Promise((r) => setTimeout(r, 100));
    await t.sql`SELECT pg_terminate_backend(${pid})`;
    expect(["57P01", "CONNECTION_CLOSED"]).toContain(unavailableCode(await sleeping));
    await victim.end({ timeout: 1 });

    expect(isDatabaseUnavailable({ code: "08006" })).toBe(true);
    expect(isDatabaseUnavailable({ code: "57P03" })).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]))).toBe(true);
  });

  it("is not a query's own failure: a unique violation, a syntax error, a plain bug", async () => {
    const syntax = await caught(t.db.execute(sql`SELEC 1`));
    expect(unavailableCode(syntax)).toBeUndefined();
    const u = { email: `dup-${Date.now()}@example.com`, name: "D", passwordHash: "x", role: "member" as const };
    await t.db.insert(users).values(u);
    expect(isDatabaseUnavailable(await caught(t.db.insert(users).values(u)))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable({ code: "23505" })).toBe(false);
  });
});

const routeOn = (db: () => Database, caller: () => Promise<unknown> = async () => ({ id: "u1", email: "u@example.com", name: "U", role: "member" })) =>
  createRouteWrapper({ caller: caller as never, db, now: () => new Date("2026-12-01T00:00:00Z") });

async function expect503(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { code: string; message: string }; requestId: string };
  expect(body.error).toEqual({ code: "UNAVAILABLE", message: DATABASE_UNAVAILABLE_MESSAGE });
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
}

describe("the route wrapper during an outage", () => {
  it("answers 503 JSON with Retry-After when the handler's query cannot reach the database", async () => {
    const route = routeOn(() => dead.db);
    const list = route({}, async ({ db }) => db.select().from(users));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect503(await list(new Request("http://localhost/api/x")));
      // One warn line naming the cause, no error line with a stack.
      expect(error).not.toHaveBeenCalled();
      expect(JSON.parse(String(warn.mock.calls.at(-1)![0]))).toMatchObject({ status: 503, code: "UNAVAILABLE", cause: "ECONNREFUSED" });
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("answers 503 when the session lookup itself fails, and 200 again once the database answers", async () => {
    let down = true;
    const sessionLookup = async () => {
      if (down) await dead.db.execute(sql`SELECT 1`);
      return { id: "u1", email: "u@example.com", name: "U", role: "member" };
    };
    const route = routeOn(() => t.db, sessionLookup);
    const ping = route({}, async ({ db }) => (await db.execute<{ ok: number }>(sql`SELECT 1 AS ok`))[0]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await expect503(await ping(new Request("http://localhost/api/x")));
      down = false;
      const back = await ping(new Request("http://localhost/api/x"));
      expect(back.status).toBe(200);
      expect(await back.json()).toEqual({ ok: 1 });
    } finally {
      warn.mockRestore();
    }
  });

  it("after every backend is terminated: the requests in flight answer 503, never 500, and the next one is served", async () => {
    const pool = createDatabase(t.url, { max: 3 });
    const route = routeOn(() => pool.db);
    const slow = route({}, async ({ db }) => (await db.execute<{ ok: number }>(sql`SELECT 1 AS ok FROM pg_sleep(0.5)`))[0]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const inFlight = [1, 2, 3].map(() => slow(new Request("http://localhost/api/x")));
      await new Promise((r) => setTimeout(r, 150));
      await t.sql`
        SELECT pg_terminate_backend(pid) FROM (
          SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() OFFSET 0) s`;
      const answers = await Promise.all(inFlight);
      expect(answers.map((r) => r.status)).toEqual([503, 503, 503]);
      for (const r of answers) await expect503(r);
      const again = await slow(new Request("http://localhost/api/x"));
      expect(again.status).toBe(200);
    } finally {
      warn.mockRestore();
      await pool.close();
    }
  });
});

describe("the cron tick during an outage", () => {
  it("answers 503 with the tick's summary (ok:false, databaseUnavailable) and Retry-After", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await handleTickRequest(new Request("http://localhost/api/cron/tick", { headers: { authorization: "Bearer s3cret" } }), {
        secret: "s3cret",
        deps: () => engineDeps(dead.db, deadRaw, new FakeGateway(), new Date("2026-12-01T00:00:00Z")),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const body = (await res.json()) as { error: { code: string; details: { ok: boolean; databaseUnavailable: boolean; errors: unknown[] } } };
      expect(body.error.code).toBe("UNAVAILABLE");
      // The first phase met the outage and the tick stopped there.
      expect(body.error.details).toMatchObject({ ok: false, databaseUnavailable: true, errors: [{ phase: "materialize" }] });
    } finally {
      error.mockRestore();
    }
  });
});
