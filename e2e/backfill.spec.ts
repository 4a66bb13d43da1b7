import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("a 90-day weekly backfill of a sandbox report: plan, start, segments complete, second start refused", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page);
  await page.goto("/reports/rpt_demo000004");
  const section = page.getByTestId("backfills");
  await expect(section).toBeVisible();

  await section.getByLabel("Lookback (days)", { exact: true }).fill("90");
  await section.getByLabel("Segment", { exact: true }).selectOption("weekly");
  await section.getByRole("button", { name: "Preview backfill" }).click();
  const plan = section.getByTestId("backfill-plan");
  await expect(plan).toHaveAttribute("data-segments", "13");
  await expect(plan).toContainText("13 weekly segments covering 90 days");
  // The oldest segment is the 6-day remainder (90 = 12 × 7 + 6).
  await expect(plan.getByTestId("backfill-plan-oldest")).toContainText("partial, 6 days");

  await plan.getByRole("button", { name: "Start backfill" }).click();
  await expect(section.getByTestId("backfill-started")).toContainText(/Backfill col_[0-9a-z]+ started: 13 segments queued/);

  const progress = section.getByTestId("backfill-progress").first();
  await expect(progress).toHaveAttribute("data-total", "13");
  await expect(progress.getByTestId("segment-cell")).toHaveCount(13);
  // While it runs, no second backfill can be started from the page.
  await expect(section.getByRole("button", { name: "Preview backfill" })).toHaveCount(0);
  await expect(progress.getByRole("button", { name: "Cancel backfill" })).toBeVisible();

  // The engine ticker (every second in the e2e server) works through the segments; the block
  // updates by itself, without a reload.
  await expect(progress).toHaveAttribute("data-done", "13", { timeout: 120_000 });
  await expect(progress.locator('[data-testid="segment-cell"][data-status="completed"]')).toHaveCount(13);
  await expect(progress).toHaveAttribute("data-status", "completed", { timeout: 15_000 });
  await expect(progress.getByRole("button", { name: "Cancel backfill" })).toHaveCount(0);
  // Finished: the form is back.
  await expect(section.getByRole("button", { name: "Preview backfill" })).toBeVisible();

  // The report's dashboard combines every segment: one window each (the newest run per window
  // wins), drawn as a chart.
  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboards\/dash_[0-9a-z]+$/);
  expect(await page.getByTestId("window-strip").locator("li").count()).toBeGreaterThanOrEqual(13);
  await expect(page.locator('[data-testid="widget"][data-widget-type="line"]').first().locator("svg")).toBeVisible();
});
