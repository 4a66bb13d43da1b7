import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { deleteReport, signIn } from "./helpers";

// The new-report wizard's three ways (product.md §2) and its zones, as a new user meets them:
// New report → a template → parameters (SQL live) → preview → how to run → review → Create.
// Each test deletes the report it made (the overview spec counts the demo reports).

const DAY = /\d{4}-\d{2}-\d{2}/.source;

async function toHowToRun(page: Page) {
  await signIn(page);
  await page.getByRole("main").getByRole("link", { name: "New report" }).click();
  await page.getByLabel("Search templates").fill("New-to-Brand");
  await page.getByLabel("Search templates").press("Enter");
  await page.getByRole("button", { name: "Choose New-to-Brand Purchases" }).click();
  // Step 2: the sandbox instance, its advertiser's zone by default; the SQL renders as we go.
  await expect(page.getByLabel("AMC instance")).toHaveValue("amcsandbox01");
  await expect(page.getByLabel("Time zone")).toHaveValue("America/New_York");
  await expect(page.getByTestId("live-sql")).toContainText("SELECT");
  await page.getByRole("button", { name: "Next: preview" }).click();
  await expect(page.getByTestId("preview-sql")).toBeVisible();
  await page.getByRole("button", { name: "Next: how to run" }).click();
}

test("Backfill from the wizard: 4 weekly segments listed with a rough duration, created with the report, its grid on the report page", async ({ page }) => {
  test.setTimeout(120_000);
  await toHowToRun(page);

  await page.getByRole("radio", { name: /^Backfill/ }).check();
  await page.getByLabel("Lookback (days)").fill("28");
  await page.getByLabel("Segment", { exact: true }).selectOption("weekly");
  const segments = page.getByTestId("backfill-segments");
  await expect(segments).toHaveAttribute("data-count", "4");
  await expect(segments.getByTestId("backfill-segment")).toHaveCount(4);
  for (const s of await segments.getByTestId("backfill-segment").all()) await expect(s).toContainText(new RegExp(`^${DAY} – ${DAY} · 7 days$`));
  await expect(segments).toContainText("(28 days, America/New_York)");
  await expect(page.getByTestId("backfill-duration")).toContainText(/Rough duration: about \d+ minutes?/);
  // The last day defaults to the day before today − lag; the field says so while empty.
  await expect(page.getByText(/^Default: \d{4}-\d{2}-\d{2}, the day before today − the 14-day data lag\.$/)).toBeVisible();

  await page.getByRole("button", { name: "Next: review" }).click();
  // {Brand} - {Template} - {start} - {end}: the whole backfilled range, inclusive.
  const name = page.getByLabel("Report name");
  await expect(name).toHaveValue(new RegExp(`^Sandbox \\(synthetic data\\) - New-to-Brand Purchases - ${DAY} - ${DAY}$`));
  await expect(page.getByTestId("review-run")).toContainText("Backfill: 4 weekly segments");
  const create = page.getByRole("button", { name: "Create report" });
  await create.click();

  await expect(page).toHaveURL(/\/reports\/rpt_[0-9a-z]+$/);
  const progress = page.getByTestId("backfills").getByTestId("backfill-progress").first();
  await expect(progress).toHaveAttribute("data-total", "4");
  await expect(progress.getByTestId("segment-cell")).toHaveCount(4);
  await deleteReport(page);
});

test("Recurring: the next 3 runs with the days each covers, 'also run now', and the schedule on the report page", async ({ page }) => {
  await toHowToRun(page);

  await page.getByRole("radio", { name: /^Recurring/ }).check();
  await page.getByLabel("Schedule", { exact: true }).selectOption("weekly");
  await page.getByLabel("Weekday").selectOption("1");
  await page.getByLabel("Time", { exact: true }).fill("03:00");
  const next = page.getByTestId("next-run");
  await expect(next).toHaveCount(3);
  for (const run of await next.all()) {
    await expect(run).toContainText(new RegExp(`^Mon ${DAY} 03:00 E[SD]T`));
    await expect(run).toContainText(new RegExp(`covers ${DAY} – ${DAY}$`));
  }
  await page.getByLabel(/Also run now/).check();

  await page.getByRole("button", { name: "Next: review" }).click();
  await expect(page.getByLabel("Report name")).toHaveValue("Sandbox (synthetic data) - New-to-Brand Purchases - Weekly");
  await expect(page.getByTestId("review-run")).toContainText("Every Monday at 03:00 America/New_York");
  await expect(page.getByTestId("review-run")).toContainText("and now, over");
  const name = `Wizard weekly ${Date.now()}`;
  await page.getByLabel("Report name").fill(name);
  await page.getByRole("button", { name: "Create report" }).click();

  await expect(page).toHaveURL(/\/reports\/rpt_[0-9a-z]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("schedule-card")).toHaveAttribute("data-state", "active");
  // "Also run now": one manual run beside the schedule.
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await deleteReport(page);
});

test("a zone other than the instance's advertiser zone is warned about, and one click puts it back", async ({ page }) => {
  await signIn(page);
  await page.goto("/reports/new?template=new_to_brand");
  const zone = page.getByLabel("Time zone");
  await expect(zone).toHaveValue("America/New_York");
  await expect(page.getByTestId("zone-warning")).toHaveCount(0);

  await zone.selectOption("UTC");
  const warning = page.getByTestId("zone-warning");
  await expect(warning).toContainText("AMC's day columns on this instance are in America/New_York; a window in UTC will include one more date");
  // It follows the report to the later steps.
  await page.getByRole("button", { name: "Next: preview" }).click();
  await page.getByRole("button", { name: "Next: how to run" }).click();
  await expect(page.getByTestId("zone-warning")).toBeVisible();
  await page.getByRole("button", { name: "Next: review" }).click();
  await expect(page.getByTestId("zone-warning")).toBeVisible();
  await expect(page.getByTestId("review-summary")).toContainText("UTC");

  await page.getByRole("button", { name: "Back" }).click();
  await page.getByRole("button", { name: "Use America/New_York" }).click();
  await expect(page.getByTestId("zone-warning")).toHaveCount(0);
});
