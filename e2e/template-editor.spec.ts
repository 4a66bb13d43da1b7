import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// Issue 15 item 1: the template editor refuses a placeholder glued to a character its value
// could merge with (`1 -{{p}}` with -5 would read `1 --5`, a comment), live while typing.

test("the editor flags a placeholder glued to an operator and clears it once spaced", async ({ page }) => {
  await signIn(page);
  await page.goto("/templates/new");
  const sql = page.getByRole("textbox", { name: /^SQL/ });
  const glued = page.getByTestId("placeholder-glued");
  await expect(glued).toHaveCount(0);

  await sql.fill("SELECT campaign, COUNT(DISTINCT user_id) AS reach\nFROM dsp_impressions\nWHERE campaign_id_string IN ({{campaign_list}}) AND impressions = 1 -{{campaign_list}}\nGROUP BY 1");
  await expect(glued).toHaveCount(1);
  await expect(glued).toContainText('{{campaign_list}} touches "-"');

  await sql.fill("SELECT campaign, COUNT(DISTINCT user_id) AS reach\nFROM dsp_impressions\nWHERE campaign_id_string IN ({{campaign_list}}) AND impressions = 1 - {{campaign_list}}\nGROUP BY 1");
  await expect(glued).toHaveCount(0);
  await expect(page.getByTestId("placeholder-check")).toContainText("Every placeholder has a definition and every definition is used.");
});
