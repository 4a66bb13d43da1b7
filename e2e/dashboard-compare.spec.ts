import fs from "node:fs";
import ExcelJS from "exceljs";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// rpt_demo000004 ("Q3 Campaign Review", campaign performance template, zone UTC): a 28-day weekly
// backfill gives it four weekly windows ending 14 days ago, [day(-42), day(-35)) … [day(-21),
// day(-14)). The dashboard compares the second oldest with the oldest: the demo data's own
// completed run covers about day(-22)..day(-15), and a range takes every window it overlaps.
const REPORT = "rpt_demo000004";
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
// Numbers as the dashboard prints them: "$1,234.50", "−12", "+3.4%".
const num = (s: string) => Number(s.replace(/[−]/g, "-").replace(/[^0-9.+-]/g, ""));

test("compare a week with the previous week on a backfilled report's dashboard: metric card and table deltas, line overlay, XLSX with the comparison", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page);
  await page.goto(`/reports/${REPORT}`);
  const section = page.getByTestId("backfills");
  await section.getByLabel("Lookback (days)", { exact: true }).fill("28");
  await section.getByLabel("Segment", { exact: true }).selectOption("weekly");
  await section.getByRole("button", { name: "Preview backfill" }).click();
  await expect(section.getByTestId("backfill-plan")).toHaveAttribute("data-segments", "4");
  await section.getByTestId("backfill-plan").getByRole("button", { name: "Start backfill" }).click();
  const progress = section.getByTestId("backfill-progress").first();
  await expect(progress).toHaveAttribute("data-total", "4");
  await expect(progress).toHaveAttribute("data-status", "completed", { timeout: 120_000 });

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboards\/dash_[0-9a-z]+$/);
  const dashboardUrl = page.url();

  // This week: the newest backfilled segment; compared with the previous period of equal length.
  const form = page.getByRole("form", { name: "Date range" });
  await form.getByLabel("From", { exact: true }).fill(day(-35));
  await form.getByLabel("To", { exact: true }).fill(day(-29));
  await form.getByLabel("Compare with").selectOption("previous");
  await form.getByRole("button", { name: "Apply" }).click();
  // The preset becomes dates in the address: bookmarkable as it is.
  await expect(page).toHaveURL(new RegExp(`from=${day(-35)}&to=${day(-29)}&cmp_from=${day(-42)}&cmp_to=${day(-36)}$`));
  await expect(page.getByTestId("compare-summary")).toContainText(`Comparing ${day(-35)} – ${day(-29)} with ${day(-42)} – ${day(-36)}`);
  await expect(form.getByLabel("Compare with")).toHaveValue("custom");
  // Windows are half-open [start, end): the header names the last included day, in the report's zone.
  await expect(page.getByTestId("dashboard-span")).toHaveText(`1 window: ${day(-35)} – ${day(-29)} (UTC)`);

  // The Spend metric card: both values, the delta and the % change, signed and colored.
  const spend = page.getByTestId("widget").filter({ has: page.getByRole("heading", { name: "Spend", exact: true }) });
  const current = num(await spend.getByTestId("metric-value").innerText());
  const base = num(await spend.getByTestId("metric-base").innerText());
  expect(current).toBeGreaterThan(0);
  expect(base).toBeGreaterThan(0);
  const delta = spend.getByTestId("metric-delta");
  await expect(delta).toHaveAttribute("data-direction", current > base ? "up" : current < base ? "down" : "none");
  await expect(spend.getByTestId("metric-pct")).toHaveText(/^\([+−]\d[\d,]*\.\d%\)$|^\(0\.0%\)$/);
  expect(num((await delta.innerText()).split("(")[0]!)).toBeCloseTo(current - base, 1);
  expect(num((await spend.getByTestId("metric-pct").innerText()).replace(/[()%]/g, ""))).toBeCloseTo(((current - base) / base) * 100, 0);

  // The line chart overlays the previous week, dashed, and its legend names both periods.
  const line = page.locator('[data-testid="widget"][data-widget-type="line"]').first();
  await expect(line.getByTestId("comparison-line").first()).toBeAttached();
  await expect(line.getByTestId("compare-legend")).toContainText(`${day(-42)} – ${day(-36)} (comparison, aligned by day from its start)`);

  // A table widget of spend by campaign: per campaign both weeks, Δ and Δ%.
  await page.getByRole("button", { name: "+ Add widget" }).click();
  const editor = page.getByTestId("widget-editor");
  await editor.getByLabel("Title").fill("Spend by campaign (compare)");
  await editor.getByLabel("Chart type").selectOption("table");
  await editor.getByLabel("X / label column").selectOption("campaign");
  await editor.getByRole("checkbox", { name: "spend", exact: true }).check();
  await editor.getByRole("button", { name: "Add widget" }).click();
  const table = page.getByTestId("widget").filter({ has: page.getByRole("heading", { name: "Spend by campaign (compare)" }) });
  await expect(table.getByTestId("widget-table")).toHaveAttribute("data-compare", "true");
  const rows = table.getByTestId("compare-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  // Every campaign with a value in both weeks: Δ = this − previous, Δ% = Δ / previous.
  let checked = 0;
  for (const row of await rows.all()) {
    const cells = await row.locator("td").allInnerTexts();
    const [, now, before, d, pct] = cells;
    if (now === "—" || before === "—" || num(before!) === 0) continue;
    // Shown rounded (0 decimals from 100 up, else 2 to 4): equal within the rounding.
    const tolerance = Math.max(Math.abs(num(now!)), Math.abs(num(before!))) >= 100 ? 1.5 : 0.011;
    expect(Math.abs(num(d!) - (num(now!) - num(before!)))).toBeLessThanOrEqual(tolerance);
    expect(pct).toMatch(/^[+−]\d[\d,]*\.\d%$|^0\.0%$/);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);

  // The XLSX with the comparison, read back as a spreadsheet program would.
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download XLSX with comparison" }).click()]);
  expect(xlsx.suggestedFilename()).toBe(`${REPORT}_${day(-35)}_${day(-29)}_combined_vs_${day(-42)}_${day(-36)}.xlsx`);
  const book = new ExcelJS.Workbook();
  // exceljs types its input as an ArrayBuffer: a copy of exactly the file's bytes.
  await book.xlsx.load(new Uint8Array(fs.readFileSync((await xlsx.path())!)).slice().buffer);
  const sheet = book.worksheets[0]!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  for (const col of ["cmp_window_start", "cmp_window_end", "spend_cmp", "spend_delta", "spend_delta_pct", "sales_cmp", "sales_delta", "sales_delta_pct"]) {
    expect(header).toContain(col);
  }
  const at = (name: string) => header.indexOf(name) + 1;
  let matched = 0;
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const s = row.getCell(at("spend")).value;
    const c = row.getCell(at("spend_cmp")).value;
    if (typeof s !== "number" || typeof c !== "number") return;
    expect(row.getCell(at("spend_delta")).value).toBeCloseTo(s - c, 6);
    expect(String(row.getCell(at("cmp_window_start")).value)).toContain(day(-42));
    matched++;
  });
  expect(matched).toBeGreaterThan(0);

  // A hand-edited address is answered with a message, not an error page.
  await page.goto(`${dashboardUrl}?from=${day(-35)}&to=${day(-29)}&cmp_from=2026-02-30&cmp_to=${day(-36)}`);
  await expect(page.getByTestId("period-problem")).toContainText("The comparison start date must be a date as YYYY-MM-DD.");
  await expect(page.getByTestId("widget").first()).toBeVisible();

  // Leave the dashboard as other specs expect it.
  await page.goto(dashboardUrl);
  page.once("dialog", (d) => void d.accept());
  await table.getByRole("button", { name: "Remove widget Spend by campaign (compare)" }).click();
  await expect(table).toHaveCount(0);
});
