import fs from "node:fs";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// rpt_demo000004 ("Q3 Campaign Review") is a sandbox demo report (campaign performance template):
// its dashboard has a "Spend and sales by day" line chart and metric cards.
const REPORT = "rpt_demo000004";

test("run a sandbox report, open its dashboard, favorite it, download CSV and XLSX", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await page.goto(`/reports/${REPORT}`);
  const runs = page.getByTestId("run-row");
  const before = await runs.count();
  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("run-queued")).toBeVisible();
  await expect(runs).toHaveCount(before + 1);
  await expect(runs.first().getByTestId("status-badge")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboards\/dash_[0-9a-z]+$/);
  const dashboardUrl = page.url();
  const dashboardId = dashboardUrl.split("/").pop()!;
  const widgets = page.getByTestId("widget");
  await expect(widgets.first()).toBeVisible();
  const chart = page.locator('[data-testid="widget"][data-widget-type="line"]').first();
  await expect(chart.locator("svg")).toBeVisible();
  await expect(chart.getByTestId("widget-table").locator("tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("window-strip").locator("li").first()).toBeVisible();

  // Favorite it: starred here, first on /dashboards, starred in the reports overview.
  const star = page.getByRole("heading", { level: 1 }).getByTestId("favorite-star");
  if ((await star.getAttribute("aria-pressed")) === "true") {
    await star.click();
    await expect(star).toHaveAttribute("aria-pressed", "false");
  }
  await star.click();
  await expect(star).toHaveAttribute("aria-pressed", "true");
  // The API agrees: a second favorite is a conflict.
  const again = await page.request.post(`/api/dashboards/${dashboardId}/favorite`);
  expect(again.status()).toBe(409);

  await page.getByRole("link", { name: "Dashboards", exact: true }).first().click();
  await expect(page).toHaveURL(/\/dashboards$/);
  const first = page.getByTestId("dashboard-card").first();
  await expect(first).toHaveAttribute("data-dashboard-id", dashboardId);
  await expect(first).toHaveAttribute("data-favorite", "true");

  await page.goto(`/reports?q=${REPORT}`);
  const row = page.locator("tr", { hasText: REPORT }).first();
  // The overview's star is the same favorite, pressed.
  await expect(row.getByTestId("row-favorite")).toHaveAttribute("aria-pressed", "true");

  // Downloads of the combined data.
  await page.goto(dashboardUrl);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(csv.suggestedFilename()).toMatch(new RegExp(`^${REPORT}_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}_combined\\.csv$`));
  const lines = fs.readFileSync((await csv.path())!, "utf8").trim().split(/\r\n/);
  expect(lines[0]).toMatch(/^window_start,window_end,provisional,day,channel,/);
  expect(lines.length).toBeGreaterThan(1);

  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download XLSX" }).click()]);
  expect(xlsx.suggestedFilename()).toMatch(new RegExp(`^${REPORT}_.*_combined\\.xlsx$`));
  const bytes = fs.readFileSync((await xlsx.path())!);
  expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
  expect(bytes.includes(Buffer.from("xl/worksheets/sheet1.xml"))).toBe(true);

  // Unknown format → 400; another user's or a missing dashboard → 404.
  expect((await page.request.get(`/api/dashboards/${dashboardId}/export?format=pdf`)).status()).toBe(400);
  expect((await page.request.get(`/api/dashboards/dash_doesnotexist/export?format=csv`)).status()).toBe(404);

  // Leave the demo data as we found it for other specs.
  const del = await page.request.delete(`/api/dashboards/${dashboardId}/favorite`);
  expect(del.status()).toBe(204);
});
