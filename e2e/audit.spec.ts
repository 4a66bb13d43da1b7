import { expect, test } from "./fixtures";
import { createUser, signIn } from "./helpers";

test("a grant in Settings and a Run now both appear in the audit log, which members cannot read", async ({ page, browser }) => {
  const email = `audited-${Date.now()}@example.com`;
  const password = "correct-horse-battery";

  await signIn(page);
  await createUser(page, email, password);
  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  await row.getByLabel("Instance to grant").selectOption({ label: "Sandbox (synthetic data) (amcsandbox01) · sandbox" });
  await row.getByRole("button", { name: "Grant access" }).click();
  await expect(row.getByTestId("instance-chip")).toContainText("Sandbox (synthetic data)");

  await page.goto("/reports/rpt_demo000004");
  await page.getByRole("button", { name: "Run now" }).click();
  const queued = page.getByTestId("run-queued");
  await expect(queued).toContainText(/Run exec_[0-9a-z]+ queued/);
  const executionId = /exec_[0-9a-z]+/.exec((await queued.textContent()) ?? "")?.[0] ?? "";

  // Reached from Settings; filtered through the URL (a plain GET form), so the view is bookmarkable.
  await page.goto("/settings");
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/settings\/audit$/);
  await page.getByLabel("Action").selectOption("access.grant");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=access\.grant/);
  const grant = page.locator('[data-testid="audit-row"]', { hasText: email });
  await expect(grant).toHaveCount(1);
  await expect(grant).toHaveAttribute("data-action", "access.grant");
  await expect(grant).toContainText("demo@example.com");
  await expect(grant).toContainText("amcsandbox01");

  await page.goto("/settings/audit?action=run.create");
  const run = page.locator('[data-testid="audit-row"]', { hasText: executionId });
  await expect(run).toHaveCount(1);
  await expect(run).toContainText("rpt_demo000004");
  // Nothing secret on the page: no password ever reaches the log.
  await expect(page.locator("body")).not.toContainText(password);

  // A member, also by URL, is refused and shown nothing.
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signIn(member, email, password);
  await member.goto("/settings/audit");
  await expect(member.getByText("Only admins can read the audit log.")).toBeVisible();
  await expect(member.getByTestId("audit-table")).toHaveCount(0);
  await memberContext.close();
});
