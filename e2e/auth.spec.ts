import { expect, test } from "./fixtures";
import { DEMO, signIn } from "./helpers";

test("pages under the app need a session", async ({ page }) => {
  await page.goto("/reports");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a wrong password shows a clear error and keeps the email", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
  await expect(page.getByLabel("Email")).toHaveValue(DEMO.email);
  await expect(page).toHaveURL(/\/signin/);
});

test("an invalid email is reported next to the field", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("whatever");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
});

test("sign in, then sign out", async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId("current-user")).toContainText("Demo Admin");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/reports");
  await expect(page).toHaveURL(/\/signin/);
});

test("repeated failures hold the account at this address for a while, with a message that says when", async ({ page }) => {
  await page.goto("/signin");
  const email = `ghost-${Date.now()}@example.com`;
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`guess-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    // React resets the form when the action answers; wait for that before typing again.
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
  }
  await page.getByLabel("Password").fill("guess-6");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Too many failed attempts. Try again in 15 minutes.");
});
