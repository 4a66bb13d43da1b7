import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("a token made in Settings runs a report through the API; the run shows as 'api'", async ({ page, request }) => {
  await signIn(page);
  await page.goto("/settings/api-tokens");
  await page.getByLabel("Name").fill(`e2e ${Date.now()}`);
  await page.getByLabel("Scope").selectOption("write");
  await page.getByRole("button", { name: "Create token" }).click();
  const value = page.getByTestId("new-token-value");
  await expect(value).toHaveText(/^amc_[A-Za-z0-9_-]{43}$/);
  const token = (await value.textContent())!.trim();

  // Playwright's own request context shares no cookie with the page: the token is the only credential.
  const denied = await request.fetch("/api/v1/reports/rpt_demo000004/run", { method: "POST", headers: { authorization: "Bearer amc_wrong" } });
  expect(denied.status()).toBe(401);
  const res = await request.fetch("/api/v1/reports/rpt_demo000004/run", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "idempotency-key": `e2e-${Date.now()}` },
  });
  expect(res.status()).toBe(202);
  const run = (await res.json()) as { executionId: string; triggeredBy: string };
  expect(run.triggeredBy).toBe("api");

  await page.goto("/reports/rpt_demo000004");
  const row = page.locator(`[data-testid="run-row"][data-execution-id="${run.executionId}"]`);
  await expect(row).toContainText("api");

  // The token list shows when it was last used.
  await page.goto("/settings/api-tokens");
  await expect(page.getByTestId("token-row").first()).not.toContainText("never");

  // The docs page renders the document on the server.
  await page.goto("/api-docs");
  await expect(page.getByRole("heading", { name: "API v1" })).toBeVisible();
  await expect(page.getByTestId("api-operation").filter({ hasText: "/api/v1/reports/{reportId}/run" })).toBeVisible();
});
