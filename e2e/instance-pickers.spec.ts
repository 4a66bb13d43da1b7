import { expect, test } from "./fixtures";
import { SANDBOX_ASINS, SANDBOX_CAMPAIGNS } from "../lib/amc/sandbox/entities";
import { signIn } from "./helpers";

// Story 8 as a new admin meets it: map a brand on the demo sandbox instance's page, start a new
// report, find its ASINs and campaigns filled in "from instance mapping", pick another campaign
// from the picker, and see it in the SQL. The mapping is deleted at the end: later specs start
// reports on the same instance and expect the templates' defaults.

const BRAND = "Copperleaf Kitchen (e2e)";
const ASINS = SANDBOX_ASINS.filter((a) => a.brand === "A").slice(0, 3).map((a) => a.asin);
const cookware = SANDBOX_CAMPAIGNS.find((c) => c.campaign === "CK SP Auto - Cookware")!.campaignIdString;
const knives = SANDBOX_CAMPAIGNS.find((c) => c.campaign === "CK SP Auto - Knives")!.campaignIdString;

test("a brand mapping pre-fills a new report, and the picker adds a campaign to it", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);

  // The instance's page, from the Instances list.
  await page.getByRole("link", { name: "Instances" }).click();
  await page.getByRole("link", { name: "Sandbox (synthetic data)" }).click();
  await expect(page).toHaveURL(/\/instances\/amcsandbox01$/);
  await expect(page.getByRole("heading", { name: "Sandbox (synthetic data)" })).toBeVisible();
  await expect(page.getByRole("region", { name: /Reports on this instance/ }).getByRole("link").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Members with access" })).toContainText("demo@example.com");

  // Map the brand: a bad ASIN is refused by name, then the mapping saves.
  const form = page.getByTestId("add-mapping-form");
  await form.getByLabel("Brand").fill(BRAND);
  await form.getByLabel("ASINs").fill(`${ASINS.join(", ")}, NOTANASIN`);
  await form.getByLabel("Campaigns").fill(cookware);
  await form.getByRole("button", { name: "Add mapping" }).click();
  await expect(form.getByText("An ASIN is 10 letters or digits")).toBeVisible();
  await form.getByLabel("ASINs").fill(ASINS.join("\n").toLowerCase());
  await form.getByRole("button", { name: "Add mapping" }).click();
  const mapping = page.locator(`[data-testid="brand-mapping"][data-brand="${BRAND}"]`);
  await expect(mapping).toContainText("3 ASINs");
  await expect(mapping).toContainText(ASINS[0]!);
  await expect(mapping).toContainText("1 campaign");

  // A new report with an ASIN and campaign template: both lists come from the mapping.
  await page.goto("/reports/new");
  await page.getByLabel("Search templates").fill("ASIN");
  await page.getByLabel("Search templates").press("Enter");
  await page.getByRole("button", { name: "Choose ASIN-Level Purchases (Promoted vs Brand Halo)" }).click();
  await expect(page.getByLabel("AMC instance")).toHaveValue("amcsandbox01");
  await expect(page.getByLabel("ASINs", { exact: true })).toHaveValue(ASINS.join("\n"));
  await expect(page.getByTestId("mark-asin_list")).toHaveText(`From instance mapping: ${BRAND}`);
  const campaigns = page.getByLabel("Campaigns", { exact: true });
  await expect(campaigns).toHaveValue(cookware);
  await expect(page.getByTestId("mark-campaign_list")).toHaveText(`From instance mapping: ${BRAND}`);

  // The picker: search the instance's campaigns, tick one; it joins the list, which is now the user's.
  const field = page.getByTestId("param-campaign_list");
  await field.getByRole("button", { name: "Pick campaigns" }).click();
  await field.getByLabel("Search campaigns of this instance").fill("knives");
  await expect(field.getByLabel(/CK SP Auto - Cookware/)).toHaveCount(0);
  await field.getByLabel(/CK SP Auto - Knives/).check();
  await expect(campaigns).toHaveValue(`${cookware}\n${knives}`);
  await expect(page.getByTestId("mark-campaign_list")).toHaveCount(0);
  await expect(page.getByTestId("mark-asin_list")).toBeVisible();
  await field.getByRole("button", { name: "Done" }).click();

  await page.getByRole("button", { name: "Next: preview" }).click();
  const sql = page.getByTestId("preview-sql");
  await expect(sql).toContainText(`campaign_id_string IN ('${cookware}', '${knives}')`);
  await expect(sql).toContainText(`tracked_asin IN ('${ASINS[0]}', '${ASINS[1]}', '${ASINS[2]}')`);

  // Clean up through the page, as an admin would.
  await page.goto("/instances/amcsandbox01");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: `Delete the mapping of ${BRAND}` }).click();
  await expect(page.getByTestId("no-mappings")).toBeVisible();
});

test("an unknown instance's page is a 404 (a foreign one answers the same: see lib/instances/instances.test.ts)", async ({ page }) => {
  await signIn(page);
  const missing = await page.goto("/instances/amcnosuchinstance");
  expect(missing?.status()).toBe(404);
});
