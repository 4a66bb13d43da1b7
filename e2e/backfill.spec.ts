import fs from "node:fs";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("a 90-day weekly backfill of a sandbox report: plan, start, segments complete, retry the failed one, dashboard from all segments, favorite, CSV and XLSX", async ({ page }) => {
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
  // The e2e server's sandbox fails the oldest segment once (SANDBOX_FAIL_ONCE_WINDOW_START, as
  // an AMC outage would): the backfill ends with one failure, and retrying re-runs only that one.
  await expect(progress).toHaveAttribute("data-status", "completed_with_failures", { timeout: 120_000 });
  await expect(progress).toHaveAttribute("data-done", "12");
  const failed = progress.locator('[data-testid="segment-cell"][data-status="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toHaveAttribute("title", /Simulated AMC outage/);
  await progress.getByRole("button", { name: "Retry failed segments" }).click();
  await expect(progress).toHaveAttribute("data-done", "13", { timeout: 60_000 });
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

  // Favorite it, and download the combined data of all segments.
  const star = page.getByRole("heading", { level: 1 }).getByTestId("favorite-star");
  if ((await star.getAttribute("aria-pressed")) !== "true") await star.click();
  await expect(star).toHaveAttribute("aria-pressed", "true");
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  const lines = fs.readFileSync((await csv.path())!, "utf8").trim().split(/\r\n/);
  expect(lines[0]).toMatch(/^window_start,window_end,provisional,/);
  // Rows from many segments' windows (the e2e sandbox data covers 60 days, so the oldest
  // windows of a 90-day backfill are empty and add no rows).
  expect(new Set(lines.slice(1).map((l) => l.split(",")[0])).size).toBeGreaterThanOrEqual(5);
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download XLSX" }).click()]);
  expect(fs.readFileSync((await xlsx.path())!).subarray(0, 2).toString("latin1")).toBe("PK");
  // Leave the favorite as other specs expect to find it.
  await star.click();
  await expect(star).toHaveAttribute("aria-pressed", "false");
});
