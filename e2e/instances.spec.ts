import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("instances: the sandbox is marked, and a manual connection saves without ever showing its secrets", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Instances" }).click();
  const sandbox = page.locator('[data-testid="instance-row"][data-instance-id="amcsandbox01"]');
  await expect(sandbox.getByTestId("type-badge")).toHaveText("Sandbox · synthetic data");

  // Bad input: the fields say what is wrong, nothing is saved.
  const form = page.getByTestId("manual-connect-form");
  await form.getByLabel("Account name").fill("Acme Client");
  await form.getByLabel("Client secret").fill("super-secret-client-value");
  await form.getByRole("button", { name: "Save account" }).click();
  await expect(form.getByTestId("form-error")).toBeVisible();
  await expect(page.getByTestId("account-card")).toHaveCount(0);

  await form.getByLabel("Account id").fill("ENTITY1ABCDEF");
  await form.getByLabel("Client id").fill("amzn1.application-oa2-client.e2e");
  await form.getByLabel("Client secret").fill("super-secret-client-value");
  await form.getByLabel("Refresh token").fill("Atzr|super-secret-refresh-token");
  await form.getByRole("button", { name: "Save account" }).click();
  await expect(form.getByTestId("form-success")).toBeVisible();
  const card = page.locator('[data-testid="account-card"][data-account-id="ENTITY1ABCDEF"]');
  await expect(card).toContainText("Acme Client");
  // Neither secret reaches the page, not even in hidden fields.
  const html = await page.content();
  expect(html).not.toContain("super-secret-client-value");
  expect(html).not.toContain("super-secret-refresh-token");

  // Disconnecting asks first; then the account says so, with nothing left to test.
  await card.getByRole("button", { name: "Disconnect…" }).click();
  await card.getByRole("button", { name: "Disconnect", exact: true }).click();
  await expect(card.getByTestId("account-status")).toHaveText("Disconnected");
  await expect(card.getByTestId("account-status-time")).toBeVisible();
  await expect(card.getByRole("button", { name: "Test connection" })).toHaveCount(0);
});
