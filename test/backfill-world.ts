import type { Database } from "../db/client";
import { queryTemplateParameters } from "../db/schema";
import { grant, makeInstance, makeReport, makeTemplate, makeUser } from "./factories";

/** A renderable report on its own instance, and a member granted that instance (tests only). */
export async function backfillWorld(db: Database, opts: { instanceType?: "SANDBOX" | "STANDARD"; timezone?: string } = {}) {
  const member = await makeUser(db);
  const admin = await makeUser(db, { role: "admin" });
  const stranger = await makeUser(db);
  const instance = await makeInstance(db, { instanceType: opts.instanceType ?? "STANDARD" });
  const template = await makeTemplate(db, {
    sqlTemplate:
      "SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions WHERE campaign_id_string IN ({{campaigns}}) GROUP BY 1",
    dataLagDays: 14,
  });
  await db.insert(queryTemplateParameters).values({ templateId: template.id, name: "campaigns", label: "Campaigns", paramType: "campaign_list" });
  const makeOne = () =>
    makeReport(db, {
      instanceId: instance.id,
      templateId: template.id,
      timezone: opts.timezone ?? "America/New_York",
      parameters: { campaigns: ["c1"] },
      windowSpec: { kind: "last_days", n: 7 },
    });
  const report = await makeOne();
  await grant(db, member.id, instance.id);
  return { member, admin, stranger, instance, template, report, makeOne };
}
