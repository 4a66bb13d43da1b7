import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createDatabase } from "../../db/client";
import { freePort } from "../../db/embedded";

// The action wrapper with a signed-in caller and the app's pool pointed at a port nobody listens
// on: what a form gets while PostgreSQL restarts.
const dead = createDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`, { max: 1 });
afterAll(() => dead.close());

vi.mock("../auth/session", () => ({
  currentUser: async () => ({ id: "u1", email: "u@example.com", name: "U", role: "member" }),
}));
vi.mock("../../db/client", async (original) => ({
  ...(await original<typeof import("../../db/client")>()),
  getDb: () => dead.db,
}));

const { action } = await import("./action");

describe("a server action while the database is unreachable", () => {
  it("returns UNAVAILABLE with the message the form shows, not INTERNAL, and logs no stack", async () => {
    const rename = action(z.object({ name: z.string() }), async (_input, { db }) => db.execute(sql`SELECT 1`));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(await rename({ name: "x" })).toEqual({
        ok: false,
        error: { code: "UNAVAILABLE", message: "The database is not reachable right now; try again in a moment." },
      });
      expect(error).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
