import fs from "node:fs";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("Run now on the sandbox: pending → running → completed with rows, then CSV download", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Q3 Campaign Review" }).click();
  await expect(page).toHaveURL(/\/reports\/rpt_demo000004$/);
  const runs = page.getByTestId("run-row");

  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("run-queued")).toContainText(/Run exec_[0-9a-z]+ queued/);
  // The list shows the newest page of runs (other specs run this report too): the new run is on top.
  const queued = /Run (exec_[0-9a-z]+) queued/.exec((await page.getByTestId("run-queued").textContent()) ?? "")![1]!;
  const newest = runs.first();
  await expect(newest).toHaveAttribute("data-execution-id", queued);
  // The page follows the run by itself (no reload): the sandbox answers within seconds.
  await expect(newest.getByTestId("status-badge")).toHaveAttribute("data-status", /pending|running|completed/);
  await expect(newest.getByTestId("status-badge")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });

  await newest.getByRole("link", { name: "View result" }).click();
  await expect(page.getByTestId("result-table")).toBeVisible();
  const rows = page.getByTestId("result-row");
  expect(await rows.count()).toBeGreaterThan(0);
  await expect(page.getByTestId("executed-sql")).toContainText("FROM dsp_impressions");

  // Sorting happens in SQL through the URL.
  await page.getByRole("link", { name: "Sort by impressions" }).click();
  await expect(page).toHaveURL(/sort=4/);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^rpt_demo000004_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}_exec_[0-9a-z]+\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toBe("day,channel,campaign_id_string,campaign,impressions,clicks,spend,purchases,sales,ctr,roas,users_min");
  expect(lines.length).toBeGreaterThan(1);
});

test("a report id that is not yours, or does not exist, is a plain 404", async ({ page }) => {
  await signIn(page);
  const response = await page.goto("/reports/rpt_doesnotexist");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // A malformed id (NUL byte, path junk) is the same plain 404, never an error page.
  expect((await page.goto("/reports/rpt_%00"))?.status()).toBe(404);
  expect((await page.goto("/reports/rpt_x/runs/exec_%00"))?.status()).toBe(404);
});
