import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// rpt_demo000004 ("Q3 Campaign Review") is a demo report without a schedule.
const REPORT = "/reports/rpt_demo000004";

test("schedule a report weekly in New York, see its next runs, pause and resume it", async ({ page }) => {
  await signIn(page);
  await page.goto(REPORT);
  const card = page.getByTestId("schedule-card");
  await expect(card).toHaveAttribute("data-state", "none");

  // The form: weekly, Monday 03:00, New York. The next runs show before saving.
  await page.getByLabel("Schedule", { exact: true }).selectOption("weekly");
  await page.getByLabel("Time", { exact: true }).fill("03:00");
  await page.getByLabel("Weekday").selectOption("1");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  const preview = page.getByTestId("schedule-preview");
  await expect(preview).toContainText("Every Monday at 03:00 America/New_York");
  await expect(preview).toContainText("0 3 * * 1");
  const previewRuns = page.getByTestId("schedule-preview-run");
  await expect(previewRuns).toHaveCount(5);
  for (const run of await previewRuns.all()) await expect(run).toContainText(/^Mon \d{4}-\d{2}-\d{2} 03:00 E[SD]T/);

  await page.getByRole("button", { name: "Add schedule" }).click();
  await expect(card).toHaveAttribute("data-state", "active");
  await expect(page.getByTestId("schedule-description")).toHaveText("Every Monday at 03:00 America/New_York");
  const nextRuns = page.getByTestId("schedule-next-run");
  await expect(nextRuns).toHaveCount(5);
  for (const run of await nextRuns.all()) await expect(run).toContainText(/^Mon \d{4}-\d{2}-\d{2} 03:00 E[SD]T/);
  await expect(page.getByTestId("schedule-failures")).toContainText("0");

  // Pause: the card and the overview's state column say paused.
  await page.getByRole("button", { name: "Pause schedule" }).click();
  await expect(card).toHaveAttribute("data-state", "paused");
  await expect(page.getByTestId("schedule-pause-reason")).toContainText("Paused by");
  await expect(page.getByTestId("schedule-next-run")).toHaveCount(0);

  await page.goto("/reports");
  await page.getByLabel("Search").fill("rpt_demo000004");
  await page.getByLabel("Search").press("Enter");
  const row = page.getByTestId("report-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("state-badge")).toHaveText(/paused/i);

  // Resume: active again, with its next runs from now.
  await page.goto(REPORT);
  await page.getByRole("button", { name: "Resume schedule" }).click();
  await expect(card).toHaveAttribute("data-state", "active");
  await expect(page.getByTestId("schedule-next-run")).toHaveCount(5);

  await page.goto("/reports");
  await page.getByLabel("Search").fill("rpt_demo000004");
  await page.getByLabel("Search").press("Enter");
  await expect(page.getByTestId("report-row")).toHaveCount(1);
  await expect(page.getByTestId("report-row").getByTestId("state-badge")).toHaveText(/active/i);

  // Leave the demo data as it was: delete the schedule (the report stays).
  await page.goto(REPORT);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete schedule" }).click();
  await expect(card).toHaveAttribute("data-state", "none");
});

test("a custom cron more frequent than hourly is refused next to the field", async ({ page }) => {
  await signIn(page);
  await page.goto(REPORT);
  await page.getByLabel("Schedule", { exact: true }).selectOption("custom");
  await page.getByLabel("Cron expression").fill("*/15 * * * *");
  await expect(page.getByTestId("schedule-cron-error")).toContainText("at most once an hour");
  await page.getByLabel("Cron expression").fill("0 61 * * *");
  await expect(page.getByTestId("schedule-cron-error")).toContainText("not a valid cron expression");
  await page.getByRole("button", { name: "Add schedule" }).click();
  await expect(page.getByTestId("schedule-error")).toBeVisible();
  await expect(page.getByTestId("schedule-card")).toHaveAttribute("data-state", "none");
});
