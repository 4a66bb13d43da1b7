import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// rpt_demo000004 ("Q3 Campaign Review") is the demo report with a completed manual run and no
// schedule. Each test leaves it as it found it (schedule.spec expects no schedule on it).
const REPORT = "/reports/rpt_demo000004";

/** The newest completed manual run's page (the demo's own run, or one made by an earlier spec). */
async function openCompletedRun(page: import("@playwright/test").Page) {
  await page.goto(REPORT);
  const row = page
    .getByTestId("run-row")
    .filter({ hasText: "manual" })
    .filter({ has: page.locator('[data-testid="status-badge"][data-status="completed"]') })
    .first();
  const executionId = await row.getAttribute("data-execution-id");
  await row.getByRole("link", { name: "View result" }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${executionId}$`));
  return executionId!;
}

test("Schedule this from a completed run: the form is filled in from the run, saving makes the schedule", async ({ page }) => {
  await signIn(page);
  const executionId = await openCompletedRun(page);
  // The result says which zone its dates are in.
  await expect(page.getByTestId("result-zone")).toContainText("The run covered");

  await page.getByRole("link", { name: "Schedule this" }).click();
  await expect(page).toHaveURL(new RegExp(`${REPORT}\\?scheduleFrom=${executionId}`));
  const card = page.getByTestId("schedule-card");
  await expect(card).toHaveAttribute("data-state", "none");
  const from = card.getByTestId("schedule-from-run");
  await expect(from).toContainText(executionId);
  // The demo run used the report's own 7-day window: a weekly schedule over the last 7 days.
  await expect(from.getByTestId("schedule-from-run-window")).toContainText("7");
  await expect(page.getByLabel("Schedule", { exact: true })).toHaveValue("weekly");
  await expect(page.getByLabel("Time zone")).toHaveValue("UTC");
  await expect(page.getByTestId("schedule-preview-run")).toHaveCount(5);

  await page.getByRole("button", { name: "Add schedule" }).click();
  await expect(card).toHaveAttribute("data-state", "active");
  await expect(page).toHaveURL(new RegExp(`${REPORT}$`));
  await expect(page.getByTestId("schedule-description")).toHaveText("Every Monday at 03:00 UTC");
  await expect(page.getByTestId("schedule-next-run")).toHaveCount(5);

  // A second Schedule this is explained, not a second schedule.
  await page.goto(`${REPORT}?scheduleFrom=${executionId}`);
  await expect(page.getByTestId("schedule-from-run-error")).toContainText("already has a schedule");

  // Leave the demo data as it was.
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete schedule" }).click();
  await expect(card).toHaveAttribute("data-state", "none");
});

test("Re-run same window makes a manual run over the same days; Run another window opens the run form with them", async ({ page }) => {
  await signIn(page);
  const original = await openCompletedRun(page);
  const window = (await page.getByText(/^\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2} \(UTC\)$/).first().textContent())!;

  await page.getByRole("button", { name: "Re-run same window" }).click();
  // The new run's own page, with the same window, followed until the sandbox completes it.
  await expect(page).toHaveURL(new RegExp(`/runs/(?!${original}$)exec_[0-9a-z]+$`));
  await expect(page.locator("h1 code")).not.toHaveText(original);
  await expect(page.getByText(window, { exact: true }).first()).toBeVisible();
  await expect(page.locator("h1").getByTestId("status-badge")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });

  const [first, last] = window.replace(" (UTC)", "").split(" – ");
  await page.getByRole("link", { name: "Run another window" }).click();
  const form = page.getByTestId("run-window-form");
  await expect(form).toBeVisible();
  await expect(form.getByLabel("First day")).toHaveValue(first!);
  await expect(form.getByLabel("Last day")).toHaveValue(last!);
});

test("pause and resume a backfill: nothing new is sent while paused, then it finishes", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page);
  await page.goto(REPORT);
  const section = page.getByTestId("backfills");
  await section.getByLabel("Lookback (days)", { exact: true }).fill("14");
  await section.getByLabel("Segment", { exact: true }).selectOption("daily");
  // The end-date picker: a week before its default (today − lag).
  const lastDay = section.getByLabel("Last day", { exact: true });
  const defaultLast = await lastDay.inputValue();
  const weekEarlier = new Date(Date.parse(`${defaultLast}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
  await lastDay.fill(weekEarlier);
  await section.getByRole("button", { name: "Preview backfill" }).click();
  const plan = section.getByTestId("backfill-plan");
  await expect(plan).toHaveAttribute("data-segments", "14");
  await expect(plan.getByTestId("backfill-plan-newest")).toHaveText(`${weekEarlier} – ${weekEarlier}`);
  await plan.getByRole("button", { name: "Start backfill" }).click();
  await expect(section.getByTestId("backfill-started")).toBeVisible();

  const progress = section.getByTestId("backfill-progress").first();
  await progress.getByRole("button", { name: "Pause backfill" }).click();
  await expect(progress).toHaveAttribute("data-status", "paused");
  await expect(progress.getByTestId("backfill-paused")).toBeVisible();
  // What was at AMC when it paused finishes; the rest waits.
  const open = progress.locator('[data-testid="segment-cell"][data-status="running"]');
  await expect(open).toHaveCount(0, { timeout: 45_000 });
  const waiting = progress.locator('[data-testid="segment-cell"][data-status="pending"]');
  const held = await waiting.count();
  expect(held).toBeGreaterThan(0);
  await expect(waiting.first()).toHaveAttribute("title", /waits for Resume/);
  await page.waitForTimeout(4_000);
  await page.reload();
  await expect(progress).toHaveAttribute("data-status", "paused");
  await expect(waiting).toHaveCount(held);

  await progress.getByRole("button", { name: "Resume backfill" }).click();
  await expect(progress).toHaveAttribute("data-status", /running|completed/);
  await expect(progress).toHaveAttribute("data-status", "completed", { timeout: 120_000 });
  await expect(progress).toHaveAttribute("data-done", "14");
  // The tooltips say what AMC did with each segment.
  await expect(progress.getByTestId("segment-cell").first()).toHaveAttribute("title", /completed · AMC \S+/);
});
