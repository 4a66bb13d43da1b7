import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// e2e/serve.ts seeds rpt_demofail01 (lib/demo/failing-schedule.ts): an hourly schedule owned by
// the demo admin, its three past slots owed, its SQL refused by the sandbox. The server ticks
// every second, so within seconds the three runs fail and the schedule pauses itself (3 is the
// default threshold). No SMTP is configured in the suite: the mails wait in the outbox.
const REPORT = "Hourly check that fails";

test("a schedule failing three times shows an unread notification and an email in the outbox", async ({ page }) => {
  await signIn(page);
  const paused = page.locator('[data-testid="notification"][data-event="schedule_paused"]').filter({ hasText: REPORT });

  await expect(async () => {
    await page.goto("/notifications");
    await expect(paused).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(paused).toHaveAttribute("data-unread", "true");
  await expect(paused).toContainText(`Schedule paused: ${REPORT}`);
  await expect(paused).toContainText("paused after 3 consecutive failed runs");
  await expect(page.locator('[data-testid="notification"][data-event="run_failed"]').filter({ hasText: REPORT })).toHaveCount(3);
  // The bell in the shell counts it (other specs may add their own notifications meanwhile).
  await expect(page.getByTestId("notification-bell").getByTestId("unread-count")).toHaveText(/^([4-9]|\d{2,}|99\+)$/);

  // The mail waits in the outbox, an admin page.
  const mail = page.getByTestId("outbox-row").filter({ hasText: `Schedule paused: ${REPORT}` });
  await expect(async () => {
    await page.goto("/settings/outbox");
    await expect(mail).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(mail).toContainText("demo@example.com");
  await expect(mail).toContainText("pending");
  await mail.getByText(`Schedule paused: ${REPORT}`).click();
  await expect(mail).toContainText("/reports/rpt_demofail01");

  // The notification links to the report, whose schedule card says paused; then it is marked read.
  await page.goto("/notifications");
  await paused.getByRole("link", { name: `Schedule paused: ${REPORT}` }).click();
  await expect(page).toHaveURL(/\/reports\/rpt_demofail01$/);
  await expect(page.getByTestId("schedule-card")).toHaveAttribute("data-state", "paused");
  await page.goto("/notifications");
  await paused.getByRole("button", { name: "Mark read" }).click();
  await expect(paused).toHaveAttribute("data-unread", "false");
});
