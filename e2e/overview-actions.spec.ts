import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// The Reports overview's row menu, star, owner filter and column chooser, as a new user meets
// them at 1280 px. rpt_demo000001 ("Weekly ROAS Tracker") is a weekly demo report with an active
// schedule and completed runs, so it has a dashboard (lib/demo/seed.ts). Everything changed here
// is put back (the copy deleted, the schedule resumed, the star as it was), so later specs see
// the demo data as seeded.
const REPORT = "rpt_demo000001";
const NAME = "Weekly ROAS Tracker";

test.use({ viewport: { width: 1280, height: 900 } });

test("a row's menu runs, duplicates, pauses and resumes, and deletes the copy, each with its answer", async ({ page }) => {
  await signIn(page);
  await page.getByLabel("Search").fill("Weekly ROAS");
  await page.getByLabel("Search").press("Enter");
  await expect(page).toHaveURL(/q=Weekly/);
  const row = page.locator(`[data-testid="report-row"][data-report-id="${REPORT}"]`);
  await expect(row).toHaveCount(1);
  const result = page.getByTestId("row-action-result");
  const menuOf = async (name: string, item: string) => {
    await page.getByRole("button", { name: `Actions for ${name}`, exact: true }).click();
    await page.getByRole("menu").getByRole("menuitem", { name: item, exact: true }).click();
  };

  // Run now: the run is queued and linked.
  await menuOf(NAME, "Run now");
  await expect(result).toContainText(/run exec_[0-9a-z]+ queued/);
  await expect(result.getByRole("link", { name: "Open the run" })).toHaveAttribute("href", new RegExp(`/reports/${REPORT}/runs/exec_`));

  // Duplicate: the copy appears in the list, named as such.
  await menuOf(NAME, "Duplicate");
  await expect(result).toContainText(/copied as rpt_/);
  const copyId = (await result.textContent())!.match(/copied as (rpt_[A-Za-z0-9_-]+)/)![1]!;
  const copy = page.locator(`[data-testid="report-row"][data-report-id="${copyId}"]`);
  await expect(copy).toContainText(`${NAME} (copy)`);
  await expect(copy.getByTestId("report-owner")).toHaveText("Demo Admin");

  // Pause the original's schedule from its row: the state says so; Resume puts it back.
  await expect(row.getByTestId("state-badge")).toHaveText(/active/i);
  await menuOf(NAME, "Pause schedule");
  await expect(result).toContainText("schedule paused");
  await expect(row.getByTestId("state-badge")).toHaveText(/paused/i);
  await expect(row).toContainText("Paused");
  await menuOf(NAME, "Resume schedule");
  await expect(result).toContainText("schedule resumed, next run");
  await expect(row.getByTestId("state-badge")).toHaveText(/active/i);

  // The copy has no dashboard yet (no run): the item says it cannot open one.
  await page.getByRole("button", { name: `Actions for ${NAME} (copy)`, exact: true }).click();
  await expect(page.getByRole("menuitem", { name: "Open dashboard" })).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toHaveCount(0);

  // Delete asks first; dismissing keeps the copy, accepting removes it.
  page.once("dialog", (d) => d.dismiss());
  await menuOf(`${NAME} (copy)`, "Delete…");
  await expect(copy).toHaveCount(1);
  page.once("dialog", (d) => {
    expect(d.message()).toContain(copyId);
    void d.accept();
  });
  await menuOf(`${NAME} (copy)`, "Delete…");
  await expect(result).toContainText(`(${copyId}) deleted`);
  await expect(copy).toHaveCount(0);
  await expect(row).toHaveCount(1);

  // Open dashboard goes to the report's dashboard.
  await menuOf(NAME, "Open dashboard");
  await expect(page).toHaveURL(/\/dashboards\/dash_[0-9a-z]+$/);
});

test("the star on a row stars the report's dashboard, and stays after a reload", async ({ page }) => {
  await signIn(page);
  const star = page.locator(`[data-testid="report-row"][data-report-id="${REPORT}"]`).getByTestId("row-favorite");
  await expect(star).toBeEnabled();
  const before = (await star.getAttribute("aria-pressed")) ?? "false";
  const after = before === "true" ? "false" : "true";
  // The star answers at once; the server action's answer is what a reload must show.
  const toggle = async (expected: string) => {
    const saved = page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
    await star.click();
    await expect(star).toHaveAttribute("aria-pressed", expected);
    expect((await saved).ok()).toBe(true);
    await page.reload();
    await expect(star).toHaveAttribute("aria-pressed", expected);
  };
  await toggle(after);
  if (after === "true") {
    // The dashboards list agrees: starred dashboards come first.
    await page.goto("/dashboards");
    await expect(page.getByText(NAME).first()).toBeVisible();
    await page.goto("/reports");
  }
  await toggle(before);
});

test("an admin filters by owner; success rates show; the table fits 1280 px and columns can be hidden", async ({ page }) => {
  await signIn(page);
  const rows = page.getByTestId("report-row");
  await page.getByLabel("Owner").selectOption({ label: "Demo Admin (demo@example.com)" });
  await expect(page).toHaveURL(/owner=[0-9a-f-]{36}/);
  await expect(page.getByTestId("reports-total")).toContainText("matching");
  await expect(rows.first()).toBeVisible();
  const owners = await page.getByTestId("report-owner").allTextContents();
  expect(owners.length).toBeGreaterThanOrEqual(7);
  expect(new Set(owners)).toEqual(new Set(["Demo Admin"]));

  // New-to-Brand Monthly: 1 of its 4 finished runs completed.
  const monthly = page.locator('[data-testid="report-row"][data-report-id="rpt_demo000003"]');
  await expect(monthly.getByTestId("success-rate")).toContainText("25%");
  await expect(monthly.getByTestId("success-rate")).toContainText("1/4");

  // Nothing is cut at 1280 px: the table is no wider than its frame and the page.
  const fits = await page.getByTestId("reports-table-frame").evaluate((frame) => {
    const table = frame.querySelector("table")!;
    return { table: table.scrollWidth, frame: frame.clientWidth, right: table.getBoundingClientRect().right, page: document.documentElement.clientWidth };
  });
  expect(fits.table).toBeLessThanOrEqual(fits.frame);
  expect(fits.right).toBeLessThanOrEqual(fits.page);

  // Hide the Created column; the choice survives a reload; show it again.
  await page.getByRole("button", { name: "Columns", exact: true }).click();
  await page.getByRole("checkbox", { name: "Created" }).uncheck();
  await expect(page.getByRole("link", { name: "Sort by Created" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("link", { name: "Sort by Created" })).toHaveCount(0);
  await expect(page.getByTestId("column-chooser")).toContainText("1 hidden");
  await page.getByRole("button", { name: "Columns (1 hidden)" }).click();
  await page.getByRole("checkbox", { name: "Created" }).check();
  await expect(page.getByRole("link", { name: "Sort by Created" })).toHaveCount(1);
});
