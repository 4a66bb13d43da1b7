import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRouteWrapper } from "./handler";

// The wrapper alone: a fixed caller, no database (the handlers below never touch it).
const route = createRouteWrapper({
  caller: async () => ({ id: "u1", email: "u@example.com", name: "U", role: "member" }),
  db: () => {
    throw new Error("no database in this test");
  },
  now: () => new Date("2026-12-01T00:00:00Z"),
});
const echo = route({ body: z.object({ n: z.number() }).optional(), bodyOptional: true }, async ({ body }) => ({ body: body ?? null }));
const empty = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });
const post = (init: RequestInit & { duplex?: "half" }) =>
  echo(new Request("http://localhost/x", { method: "POST", headers: { origin: "http://localhost", ...(init.headers as Record<string, string>) }, ...init, duplex: "half" } as RequestInit));

describe("an optional body", () => {
  it("may be absent: no body, or an empty stream (what Next hands a body-less POST)", async () => {
    for (const res of [await post({}), await post({ body: empty() })]) {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ body: null });
    }
  });

  it("when present must say it is JSON, and is parsed and checked", async () => {
    expect((await post({ body: '{"n":1}' , headers: { "content-type": "text/plain" } })).status).toBe(415);
    const noType = await post({ body: new Blob(['{"n":1}']).stream() });
    expect(noType.status).toBe(415);
    const ok = await post({ body: '{"n":2}', headers: { "content-type": "application/json" } });
    expect(await ok.json()).toEqual({ body: { n: 2 } });
    expect((await post({ body: '{"n":"x"}', headers: { "content-type": "application/json" } })).status).toBe(400);
  });
});

