import { expect, type Page } from "@playwright/test";

export const DEMO = { email: "demo@example.com", password: "demo-password" };

export async function signIn(page: Page, email = DEMO.email, password = DEMO.password) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/reports/);
}

/** One sign-in try that may fail: waits for the form's answer (React resets the password field). */
export async function trySignIn(page: Page, email: string, password: string) {
  if (!/\/signin/.test(page.url())) await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveValue("");
}

/** An admin (signed in on `page`) creates a user through Settings. */
export async function createUser(page: Page, email: string, password: string, role: "admin" | "member" = "member") {
  await page.goto("/settings");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(email.split("@")[0] ?? email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Role").selectOption(role);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId("form-success")).toContainText(email);
}

/** On a report page: Delete, confirm the dialog, and land back on the overview (keeps the demo's report count). */
export async function deleteReport(page: Page) {
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/reports$/);
}
