import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("the overview lists the demo reports, filters and sorts in the URL, and the back button restores the view", async ({ page }) => {
  await signIn(page);
  const rows = page.getByTestId("report-row");
  // e2e/serve.ts also seeds a failing report on an instance of its own (notifications.spec.ts):
  // this spec works on the demo instance's seven reports.
  await page.getByLabel("Instance").selectOption({ label: "Sandbox (synthetic data) (amcsandbox01)" });
  await expect(page).toHaveURL(/instance=/);
  await expect(rows).toHaveCount(7);
  await expect(page.getByTestId("reports-table")).toContainText("Weekly ROAS Tracker");
  await expect(page.getByTestId("reports-table")).toContainText("Campaign Performance and ROAS");

  // Filter by latest status: only failed reports, and the filter is in the URL.
  await page.getByLabel("Status").selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(2);
  for (const badge of await page.getByTestId("status-badge").all()) {
    await expect(badge).toHaveAttribute("data-status", "failed");
  }

  // Sort by name, ascending: the URL carries it, and the rows are in order.
  await page.getByRole("link", { name: "Sort by Name" }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(rows.first()).toContainText("Brand Halo Check");
  await expect(rows.nth(1)).toContainText("New-to-Brand Monthly");
  // A bookmark of this URL shows the same view.
  const bookmarked = page.url();

  // Back restores the unsorted filtered view, and back again the unfiltered one.
  await page.goBack();
  await expect(page).not.toHaveURL(/sort=name/);
  await expect(rows).toHaveCount(2);
  await page.goBack();
  await expect(rows).toHaveCount(7);

  await page.goto(bookmarked);
  await expect(page.getByLabel("Status")).toHaveValue("failed");
  await expect(rows.first()).toContainText("Brand Halo Check");

  // Search by report id; a search with no match offers to clear the filters.
  await page.goto("/reports");
  await expect(rows).toHaveCount(8);
  await page.getByLabel("Search").fill("rpt_demo000003");
  await page.getByLabel("Search").press("Enter");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("New-to-Brand Monthly");
  await expect(page.getByTestId("state-badge").first()).toHaveText(/paused/i);
  await page.getByLabel("Search").fill("no such report anywhere");
  await page.getByLabel("Search").press("Enter");
  await expect(page.getByTestId("reports-no-match")).toBeVisible();
  await page.getByTestId("reports-no-match").getByRole("link", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(8);
});
