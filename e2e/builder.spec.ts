import { expect, test } from "./fixtures";
import { SANDBOX_ASINS } from "../lib/amc/sandbox/entities";
import { deleteReport, signIn } from "./helpers";

// The report builder as a new user meets it: template → instance and parameters → preview →
// how to run → review (e2e/wizard.spec.ts has the Recurring and Backfill ways and the zones). Each test deletes the report it made (the overview spec counts the demo reports).

// Brand A ("Copperleaf Kitchen") products of the sandbox: the default campaigns' purchases land on them.
const ASINS = SANDBOX_ASINS.filter((a) => a.brand === "A").map((a) => a.asin);
// Pasted the way a spreadsheet column or a comma list arrives: mixed separators, a duplicate, lower case.
const PASTED = `${ASINS.slice(0, 20).join(", ")}\n${ASINS.slice(20).join("\n")}\n${ASINS[0]!.toLowerCase()}`;

test("from a template, with the last 30 complete days and a pasted ASIN list: preview, run once, see rows", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await page.getByRole("main").getByRole("link", { name: "New report" }).click();
  await expect(page).toHaveURL(/\/reports\/new/);

  // Step 1: search the library (in the URL, filtered in SQL), choose the ASIN template.
  await page.getByLabel("Search templates").fill("ASIN");
  await page.getByLabel("Search templates").press("Enter");
  await expect(page).toHaveURL(/q=ASIN/);
  await page.getByRole("button", { name: "Choose ASIN-Level Purchases (Promoted vs Brand Halo)" }).click();

  // Step 2: the sandbox instance, the dates, the pasted list (its count shown, duplicates merged).
  await expect(page.getByLabel("AMC instance")).toHaveValue("amcsandbox01");
  await page.getByLabel("Time window").selectOption({ label: "Last 30 complete days" });
  const asins = page.getByLabel("ASINs", { exact: true });
  await asins.fill(`${PASTED}\nNOTANASIN`);
  await asins.blur();
  await expect(page.getByTestId("param-asin_list").getByTestId("field-error")).toContainText("NOTANASIN");
  await expect(asins).toHaveValue(`${PASTED}\nNOTANASIN`); // what was typed stays
  await asins.fill(PASTED);
  await expect(page.getByTestId("count-asin_list")).toContainText("40 ASINs");
  await expect(page.getByTestId("param-asin_list").getByTestId("field-error")).toHaveCount(0);

  // The sandbox's synthetic data ends with the current month, so this run looks at the most recent
  // days: no data lag, which the builder refuses until provisional data is accepted explicitly.
  await page.getByLabel("Data lag (days)").fill("0");
  await expect(page.getByTestId("window-error")).toContainText("Include provisional data");
  await page.getByLabel(/Include provisional data/).check();
  await expect(page.getByTestId("window-error")).toHaveCount(0);
  await expect(page.getByTestId("live-status")).toContainText("(30 days)");

  // Step 3: the exact SQL, the window, the warning.
  await page.getByRole("button", { name: "Next: preview" }).click();
  const sql = page.getByTestId("preview-sql");
  await expect(sql).toContainText(`tracked_asin IN ('${ASINS[0]}', '${ASINS[1]}'`);
  await expect(sql).toContainText("FROM amazon_attributed_events_by_conversion_time");
  await expect(sql).not.toContainText("{{");
  await expect(page.getByTestId("preview-window")).toContainText("30 days");
  await expect(page.getByTestId("preview-warning").first()).toContainText("provisional");

  // Back keeps everything.
  await page.getByRole("button", { name: "Back" }).click();
  await expect(page.getByLabel("ASINs", { exact: true })).toHaveValue(PASTED);
  await expect(page.getByLabel(/Include provisional data/)).toBeChecked();
  await page.getByRole("button", { name: "Next: preview" }).click();
  const previewed = await sql.textContent();
  await page.getByRole("button", { name: "Next: how to run" }).click();

  // Step 4: Once is the default way; step 5 offers {Brand} - {Template} - {start} - {end}, and
  // Create lands on the report page.
  await expect(page.getByRole("radio", { name: /^Once/ })).toBeChecked();
  await expect(page.getByTestId("once-window")).toContainText("(30 days, America/New_York)");
  await page.getByRole("button", { name: "Next: review" }).click();
  await expect(page.getByLabel("Report name")).toHaveValue(
    /^Sandbox \(synthetic data\) - ASIN-Level Purchases \(Promoted vs Brand Halo\) - \d{4}-\d{2}-\d{2} - \d{4}-\d{2}-\d{2}$/,
  );
  await expect(page.getByTestId("review-sql")).toHaveText(previewed!);
  await page.getByRole("button", { name: "Create report" }).click();
  await expect(page).toHaveURL(/\/reports\/rpt_[0-9a-z]+$/);
  const runs = page.getByTestId("run-row");
  await expect(runs).toHaveCount(1);
  await expect(runs.first().getByTestId("status-badge")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });

  // The run sent exactly the previewed SQL, and AMC (the sandbox) answered with rows.
  await runs.first().getByRole("link", { name: "View result" }).click();
  await expect(page.getByTestId("result-table")).toBeVisible();
  expect(await page.getByTestId("result-row").count()).toBeGreaterThan(0);
  await expect(page.getByTestId("executed-sql")).toHaveText(previewed!);

  await page.goBack();
  await deleteReport(page);
});

test("save a report with a weekly schedule and see its next run time on the report page", async ({ page }) => {
  await signIn(page);
  // From the library: "Create report from this" skips step 1.
  await page.getByRole("link", { name: "Templates", exact: true }).click();
  await page
    .getByTestId("template-card")
    .filter({ has: page.getByRole("heading", { name: "New-to-Brand Purchases", exact: true }) })
    .getByRole("link", { name: "Create report" })
    .click();
  await expect(page).toHaveURL(/\/reports\/new\?template=new_to_brand/);
  await expect(page.getByRole("heading", { name: "New-to-Brand Purchases" })).toBeVisible();

  await page.getByRole("button", { name: "Next: preview" }).click();
  await expect(page.getByTestId("preview-sql")).toContainText("new_to_brand");
  await page.getByRole("button", { name: "Next: how to run" }).click();

  await page.getByRole("radio", { name: /^Recurring/ }).check();
  await page.getByLabel("Schedule", { exact: true }).selectOption("weekly");
  await page.getByLabel("Time", { exact: true }).fill("03:00");
  await page.getByLabel("Weekday").selectOption("1");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  const next = page.getByTestId("next-run");
  await expect(next).toHaveCount(3);
  for (const run of await next.all()) await expect(run).toContainText(/^Mon \d{4}-\d{2}-\d{2} 03:00 E[SD]T/);

  await page.getByRole("button", { name: "Next: review" }).click();
  const name = `Weekly new-to-brand ${Date.now()}`;
  await page.getByLabel("Report name").fill(name);
  await page.getByRole("button", { name: "Create report" }).click();
  await expect(page).toHaveURL(/\/reports\/rpt_[0-9a-z]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("schedule-card")).toHaveAttribute("data-state", "active");
  await expect(page.getByTestId("schedule-next-run").first()).toContainText(/^Mon \d{4}-\d{2}-\d{2} 03:00 E[SD]T/);
  await expect(page.getByTestId("runs-empty")).toBeVisible();

  await deleteReport(page);
});
