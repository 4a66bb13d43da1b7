import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { amcInstances, queryTemplates, reportDefinitions, reportSchedules, users } from "../../db/schema";
import { DEMO_ADMIN } from "../config/demo";
import { createExecution } from "../executions/create";

/**
 * Test-only demo data (DEMO_FAILING_SCHEDULE=1, set by e2e/serve.ts): an hourly schedule of a
 * report whose SQL the sandbox refuses, with its three past hourly slots already materialized.
 * Schedules run at most hourly, so three real failures would take three hours; three owed slots
 * make the engine submit, fail, count and pause them within seconds — the whole path from a
 * failing run to a paused schedule, a notification and a mail in the outbox. Idempotent.
 */
export const FAILING_REPORT_ID = "rpt_demofail01";
export const FAILING_INSTANCE_ID = "amczzfailing01";

export async function seedFailingSchedule(db: Database, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [exists] = await tx.select({ id: reportDefinitions.id }).from(reportDefinitions).where(eq(reportDefinitions.reportId, FAILING_REPORT_ID));
    if (exists) return;
    const [admin] = await tx.select().from(users).where(eq(users.email, DEMO_ADMIN.email));
    if (!admin) throw new Error("seed the demo data first");
    // Its own built-in sandbox instance, so the demo instance's reports (which other specs count
    // and filter) stay exactly the demo set.
    const [instance] = await tx
      .insert(amcInstances)
      .values({
        instanceId: FAILING_INSTANCE_ID,
        // Named to sort after the demo instance: pickers default to the first instance by name.
        instanceName: "Zz failing checks (e2e)",
        region: "NA",
        marketplaceId: "ATVPDKIKX0DER",
        instanceType: "SANDBOX",
        isBuiltinSandbox: true,
      })
      .returning();
    const [template] = await tx
      .insert(queryTemplates)
      .values({
        templateId: "demo_failing_query",
        name: "Failing query (e2e)",
        sqlTemplate: "SELECT campaign, COUNT(*) AS n FROM no_such_amc_table WHERE event_dt >= {{window_start}} AND event_dt < {{window_end}} GROUP BY 1",
        isSystem: false,
      })
      .returning();
    const [report] = await tx
      .insert(reportDefinitions)
      .values({
        reportId: FAILING_REPORT_ID,
        name: "Hourly check that fails",
        templateId: template!.id,
        instanceId: instance!.id,
        ownerId: admin.id,
        parameters: {},
        windowSpec: { kind: "last_days", n: 7 },
        timezone: "UTC",
        frequency: "daily",
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const hour = 3600_000;
    const slot = Math.floor(now.getTime() / hour) * hour;
    const [schedule] = await tx
      .insert(reportSchedules)
      .values({
        scheduleId: "sch_demofail01",
        reportId: report!.id,
        scheduleType: "custom",
        cronExpression: "0 * * * *",
        timezone: "UTC",
        nextRunAt: new Date(slot + hour),
      })
      .returning();
    for (const h of [3, 2, 1]) {
      const scheduledFor = new Date(slot - h * hour + hour);
      await createExecution(tx, { reportUuid: report!.id, triggeredBy: "schedule", now: scheduledFor, scheduleId: schedule!.id, scheduledFor });
    }
  });
}
