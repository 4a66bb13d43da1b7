import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { createUser, signIn, trySignIn } from "./helpers";

// Sign-in throttling and the end of sessions (issue 15, items 3 and 4). e2e/serve.ts trusts the
// loopback proxy (TRUSTED_PROXIES), so a context's X-Forwarded-For stands for its client address.

const PASSWORD = "correct-horse-battery";
const unique = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** A new member, created by the demo admin signed in on `page`: the member's email. */
async function newUser(page: Page, name: string): Promise<string> {
  const email = unique(name);
  await signIn(page);
  await createUser(page, email, PASSWORD);
  return email;
}

/** `email` signed in from a browser of its own (its own cookies, so its own session). */
async function signedIn(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const tab = await (await browser.newContext()).newPage();
  await signIn(tab, email, password);
  return tab;
}

function from(browser: Browser, address: string): Promise<BrowserContext> {
  return browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": address } });
}

async function sessionEmail(context: BrowserContext): Promise<string | null> {
  const body: unknown = await (await context.request.get("/api/auth/session")).json();
  return body && typeof body === "object" && "user" in body ? ((body as { user: { email?: string } }).user.email ?? null) : null;
}

test("a victim signs in with the right password while an attacker is held on the same account from another address", async ({ page, browser }) => {
  const email = await newUser(page, "victim");

  const attacker = await (await from(browser, "198.51.100.23")).newPage();
  for (let i = 0; i < 5; i++) {
    await trySignIn(attacker, email, `guess-${i}`);
    await expect(attacker.getByTestId("form-error")).toHaveText("Wrong email or password.");
  }
  await trySignIn(attacker, email, "guess-5");
  await expect(attacker.getByTestId("form-error")).toHaveText("Too many failed attempts. Try again in 15 minutes.");
  // Held even with the right password: the attacker's address learns nothing.
  await trySignIn(attacker, email, PASSWORD);
  await expect(attacker.getByTestId("form-error")).toHaveText(/^Too many failed attempts\. Try again in \d+ minutes?\.$/);

  const victim = await (await from(browser, "203.0.113.10")).newPage();
  await signIn(victim, email, PASSWORD);
  await expect(victim.getByTestId("current-user")).toContainText("victim");
  await attacker.context().close();
  await victim.context().close();
});

test("a known device gets in with the right password while its account is held at its own address", async ({ page, browser }) => {
  const email = await newUser(page, "owner");

  const laptop = await (await from(browser, "198.51.100.40")).newPage();
  await signIn(laptop, email, PASSWORD); // sets the device cookie
  expect((await laptop.context().cookies()).find((c) => c.name === "amc-device")).toMatchObject({ httpOnly: true });
  await laptop.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(laptop).toHaveURL(/\/signin/);

  // Someone at the same address (a shared office NAT) guesses until the account is held there.
  const guesser = await (await from(browser, "198.51.100.40")).newPage();
  for (let i = 0; i < 6; i++) await trySignIn(guesser, email, `guess-${i}`);
  await expect(guesser.getByTestId("form-error")).toHaveText(/Too many failed attempts/);
  // A new device at that address with the right password waits; the owner's laptop does not.
  await trySignIn(guesser, email, PASSWORD);
  await expect(guesser.getByTestId("form-error")).toHaveText(/Too many failed attempts/);
  await signIn(laptop, email, PASSWORD);
  await laptop.context().close();
  await guesser.context().close();
});

test("a stolen session cookie stops working once its session signs out", async ({ browser }) => {
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await signIn(ownerPage);
  const session = (await owner.cookies()).filter((c) => c.name.includes("authjs.session-token"));
  expect(session.length).toBeGreaterThan(0);

  const thief = await browser.newContext();
  await thief.addCookies(session);
  const thiefPage = await thief.newPage();
  await thiefPage.goto("/reports");
  await expect(thiefPage.getByTestId("current-user")).toContainText("Demo Admin");

  await ownerPage.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(ownerPage).toHaveURL(/\/signin/);

  // The copy taken before sign-out: sent to sign-in, and the session endpoint answers nothing.
  const stale = await browser.newContext();
  await stale.addCookies(session);
  expect(await sessionEmail(stale)).toBeNull();
  await thiefPage.goto("/reports");
  await expect(thiefPage).toHaveURL(/\/signin/);
  await Promise.all([owner.close(), thief.close(), stale.close()]);
});

test("changing the password ends the other sessions and keeps this one", async ({ page, browser }) => {
  const email = await newUser(page, "changer");
  const newPassword = "a-brand-new-passphrase";

  const here = await signedIn(browser, email);
  const elsewhere = await signedIn(browser, email);

  await here.getByRole("link", { name: "Password", exact: true }).click();
  await here.getByLabel("Current password", { exact: true }).fill("not-my-password");
  await here.getByLabel("New password", { exact: true }).fill(newPassword);
  await here.getByLabel("Repeat new password", { exact: true }).fill(newPassword);
  await here.getByRole("button", { name: "Change password" }).click();
  await expect(here.getByText("That is not your current password.")).toBeVisible();

  await here.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  await here.getByLabel("New password", { exact: true }).fill(newPassword);
  await here.getByLabel("Repeat new password", { exact: true }).fill(newPassword);
  await here.getByRole("button", { name: "Change password" }).click();
  await expect(here.getByTestId("form-success")).toHaveText("Password changed. Your other sessions have been signed out.");
  await here.goto("/reports");
  await expect(here.getByTestId("current-user")).toBeVisible();

  await elsewhere.goto("/reports");
  await expect(elsewhere).toHaveURL(/\/signin/);
  await trySignIn(elsewhere, email, PASSWORD);
  await expect(elsewhere.getByTestId("form-error")).toHaveText("Wrong email or password.");
  await signIn(elsewhere, email, newPassword);
  await here.context().close();
  await elsewhere.context().close();
});

test("sign out everywhere ends every session of the user", async ({ page, browser }) => {
  const email = await newUser(page, "everywhere");
  const a = await signedIn(browser, email);
  const b = await signedIn(browser, email);
  await a.goto("/settings/password");
  await a.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(a).toHaveURL(/\/signin/);
  await b.goto("/reports");
  await expect(b).toHaveURL(/\/signin/);
  await a.context().close();
  await b.context().close();
});

test("an admin resets a password: the user's sessions end and the temporary password works", async ({ page, browser }) => {
  const email = await newUser(page, "forgetful");
  const user = await signedIn(browser, email);

  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  await row.getByRole("button", { name: "Reset password" }).click();
  const temporary = (await row.getByTestId("temporary-password").locator("code").textContent()) ?? "";
  expect(temporary).toMatch(/^[\w-]{20}$/);

  await user.goto("/reports");
  await expect(user).toHaveURL(/\/signin/);
  await trySignIn(user, email, PASSWORD);
  await signIn(user, email, temporary);
  await user.context().close();
});

test("a deleted user's session ends at once: the session endpoint answers nothing", async ({ page, browser }) => {
  const email = await newUser(page, "leaver");
  const userContext = await browser.newContext();
  const user = await userContext.newPage();
  await signIn(user, email, PASSWORD);
  expect(await sessionEmail(userContext)).toBe(email);

  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: `Delete ${email}` }).click();
  await expect(row).toHaveCount(0);

  expect(await sessionEmail(userContext)).toBeNull();
  await user.goto("/reports");
  await expect(user).toHaveURL(/\/signin/);
  await userContext.close();
});
