import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// The global Runs page as a user meets it: from the header, filtered in the URL, into one run.
// The demo data's scheduled reports (lib/demo/seed.ts) have finished runs triggered by their
// schedule, e.g. exec_demo01001 (Weekly ROAS Tracker, completed) and exec_demo02002 (Daily
// Campaign Pulse, failed on AMC's aggregation threshold).

test("Runs filtered by trigger shows only scheduled runs, and a run's page shows its timeline", async ({ page }) => {
  await signIn(page);
  await page.locator("header").getByRole("link", { name: "Runs", exact: true }).click();
  await expect(page).toHaveURL(/\/runs$/);
  const rows = page.getByTestId("run-row");
  await expect(rows.first()).toBeVisible();

  await page.getByLabel("Trigger", { exact: true }).selectOption("schedule");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]trigger=schedule(&|$)/);
  await expect(page.getByTestId("runs-total")).toContainText("matching");
  await expect(rows.first()).toBeVisible();
  // Every row shown, whatever the engine adds meanwhile, is a scheduled one.
  const triggers = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-trigger")));
  expect(triggers.length).toBeGreaterThan(0);
  expect(new Set(triggers)).toEqual(new Set(["schedule"]));
  await expect(page.getByLabel("Trigger", { exact: true })).toHaveValue("schedule");

  // Narrow to one report by its id: the trigger filter stays.
  await page.getByLabel("Report", { exact: true }).fill("rpt_demo000001");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/report=rpt_demo000001/);
  await expect(page).toHaveURL(/trigger=schedule/);
  for (const reportId of await rows.locator("td:nth-child(2) .font-mono").allTextContents()) {
    expect(reportId).toBe("rpt_demo000001");
  }

  // Sorting is a link in the URL, the filters kept.
  await page.getByRole("link", { name: "Sort by created" }).click();
  await expect(page).toHaveURL(/dir=asc/);
  await expect(page).toHaveURL(/trigger=schedule/);

  await page.getByRole("link", { name: "exec_demo01001", exact: true }).click();
  await expect(page).toHaveURL(/\/reports\/rpt_demo000001\/runs\/exec_demo01001$/);
  const timeline = page.getByTestId("run-timeline");
  await expect(timeline).toBeVisible();
  const steps = timeline.getByTestId("timeline-step");
  await expect(steps.first()).toHaveAttribute("data-kind", "created");
  await expect(steps.last()).toHaveAttribute("data-kind", "completed");
  await expect(steps.last()).toContainText("Completed");
  // The demo run took 12 minutes from start to finish (seed: started + 12 min).
  await expect(timeline).toContainText("12 min 0 s");
});

test("a failed scheduled run explains AMC's error with a hint", async ({ page }) => {
  await signIn(page);
  await page.goto("/runs?trigger=schedule&status=failed&report=rpt_demo000002");
  const row = page.getByTestId("run-row").filter({ hasText: "exec_demo02002" });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-status", "failed");
  await row.getByRole("link", { name: "exec_demo02002", exact: true }).click();
  await expect(page.getByTestId("run-error-message")).toContainText("aggregation threshold");
  await expect(page.getByTestId("run-error-hint")).toHaveAttribute("data-kind", "privacy_threshold");
  await expect(page.getByTestId("run-error-hint")).toContainText("Widen the time window");
  await expect(page.getByTestId("timeline-step").last()).toHaveAttribute("data-kind", "failed");
});
