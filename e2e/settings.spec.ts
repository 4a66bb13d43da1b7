import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("an admin creates a member, who sees only the instances granted to them", async ({ page, browser }) => {
  const email = `analyst-${Date.now()}@example.com`;
  const password = "correct-horse-battery";

  await signIn(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByTestId("users-table")).toBeVisible();

  // Bad input first: the field says what is wrong and what was typed stays.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Ana Lyst");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);

  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId("form-success")).toBeVisible();
  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  await expect(row).toContainText("None yet");

  // The member, in a separate browser context, sees no reports yet.
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signIn(member, email, password);
  await expect(member.getByTestId("report-row")).toHaveCount(0);
  await expect(member.getByText(/No reports yet/)).toBeVisible();
  // Settings is admin-only, also by URL.
  await member.goto("/settings");
  await expect(member.getByText("Only admins can manage users and access.")).toBeVisible();
  await expect(member.getByTestId("users-table")).toHaveCount(0);

  // Granted the sandbox instance, the member sees its reports.
  await row.getByLabel("Instance to grant").selectOption({ label: "Sandbox (synthetic data) (amcsandbox01) · sandbox" });
  await row.getByRole("button", { name: "Grant access" }).click();
  await expect(row.getByTestId("instance-chip")).toContainText("Sandbox (synthetic data)");
  await member.goto("/reports");
  await expect(member.getByTestId("report-row").first()).toBeVisible();

  // Revoked, they are gone again.
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("None yet");
  await member.reload();
  await expect(member.getByTestId("report-row")).toHaveCount(0);
  await memberContext.close();
});
