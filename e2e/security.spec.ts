import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("every response carries the security headers; pages a CSP with a fresh nonce", async ({ page, request }) => {
  const first = await request.get("/signin");
  const second = await request.get("/signin");
  const csp = first.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(second.headers()["content-security-policy"]).not.toContain(nonce!);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-inline");
  // Next's own inline scripts carry this response's nonce.
  expect(await first.text()).toContain(`nonce="${nonce}"`);
  for (const res of [first, await request.get("/api/dashboards")]) {
    const h = res.headers();
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"]).toBe("DENY");
    // HSTS in production only (next start runs with NODE_ENV=production).
    expect(h["strict-transport-security"]).toContain("max-age=");
  }
  expect((await request.get("/api/dashboards")).headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");

  // A signed-in page works under the policy (the fixture fails the test on any violation).
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
});

test("bad requests answer a clear 4xx JSON error, never an empty 500 or an error page", async ({ page }) => {
  await signIn(page);
  const api = page.request;
  const cases: [Promise<import("@playwright/test").APIResponse>, number][] = [
    [api.get("/api/dashboards?report_id=%00"), 400],
    [api.get("/api/executions/exec_%00/csv"), 400],
    [api.get("/api/dashboards/dash_x/export?format=csv&from=9999-99-99"), 400],
    [api.post("/api/report-builder/validate-parameters", { headers: { "content-type": "text/plain" }, data: "{}" }), 415],
    [api.post("/api/report-builder/validate-parameters", { headers: { "content-type": "application/json" }, data: "x".repeat(1_100_000) }), 413],
    [api.post("/api/dashboards/dash_x/favorite", { headers: { origin: "https://evil.example" } }), 403],
    [api.post("/api/dashboards/dash_x/export?format=csv", { headers: { origin: "https://evil.example" } }), 403],
  ];
  for (const [res, status] of cases) {
    const r = await res;
    expect(r.status(), r.url()).toBe(status);
    const body = await r.json();
    expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) }, requestId: expect.any(String) });
  }
  // A NUL in the overview's search is ignored, not an error page.
  const overview = await page.goto("/reports?q=%00");
  expect(overview?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
});
