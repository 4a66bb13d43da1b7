import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  amcInstances,
  queryTemplateParameters,
  reportDefinitions,
  reportExecutions,
  reportSchedules,
  userInstanceAccess,
  users,
  type ExecutionStatus,
  type Frequency,
} from "../../db/schema";
import { hashPassword } from "../auth/password";
import { DEMO_ADMIN, DEMO_INSTANCE } from "../config/demo";
import { seedLibraryTemplates } from "../templates/seed";
import { SANDBOX_ADVERTISERS, SANDBOX_CAMPAIGNS } from "../amc/sandbox/entities";
import { createExecution } from "../executions/create";

// Real campaign ids of the sandbox's synthetic data, so demo reports return rows when run.
const DEMO_CAMPAIGNS = SANDBOX_CAMPAIGNS.filter((c) => c.channel === "DSP" && c.brand === "A")
  .slice(0, 3)
  .map((c) => c.campaignIdString);
const PARAMETERS_BY_TEMPLATE: Record<string, Record<string, unknown>> = {
  campaign_performance_roas: { campaign_list: DEMO_CAMPAIGNS },
  new_to_brand: { campaign_list: DEMO_CAMPAIGNS },
  path_to_conversion: { campaign_list: DEMO_CAMPAIGNS, max_path_length: 5 },
};

/**
 * Idempotent seed: running it again changes nothing that exists (the demo password is not
 * reset, user-made templates are never touched) and adds whatever is missing.
 */
export async function seed(db: Database, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(users)
      .values({
        email: DEMO_ADMIN.email,
        name: DEMO_ADMIN.name,
        passwordHash: await hashPassword(DEMO_ADMIN.password),
        role: "admin",
      })
      .onConflictDoNothing({ target: users.email });
    const [admin] = await tx.select().from(users).where(eq(users.email, DEMO_ADMIN.email));
    if (!admin) throw new Error("demo admin missing after insert");

    await tx
      .insert(amcInstances)
      .values({
        instanceId: DEMO_INSTANCE.instanceId,
        instanceName: DEMO_INSTANCE.instanceName,
        region: "NA",
        marketplaceId: "ATVPDKIKX0DER",
        instanceType: "SANDBOX",
        // Runs on the app's synthetic engine, not at AMC (lib/amc/resolve.ts).
        isBuiltinSandbox: true,
        // Its day columns are in its first advertiser's zone, as the synthetic data writes them.
        advertiserTimezone: SANDBOX_ADVERTISERS[0]!.timeZone,
      })
      .onConflictDoNothing({ target: amcInstances.instanceId });
    const [instance] = await tx
      .select()
      .from(amcInstances)
      .where(eq(amcInstances.instanceId, DEMO_INSTANCE.instanceId));
    if (!instance) throw new Error("demo instance missing after insert");

    await tx
      .insert(userInstanceAccess)
      .values({ userId: admin.id, instanceId: instance.id, grantedBy: admin.id })
      .onConflictDoNothing();

    // The template library (lib/templates/library): library rows updated in place, user-made ones untouched.
    const templateIds = await seedLibraryTemplates(tx);

    await seedSampleReports(tx, { adminId: admin.id, instanceId: instance.id, templateIds, now });
  });
}

interface SampleReport {
  reportId: string;
  name: string;
  template: string;
  frequency: Frequency;
  isActive?: boolean;
  schedule?: { cron: string; type: "daily" | "weekly" | "monthly"; paused?: boolean; timezone: string };
  runs: ExecutionStatus[];
}

const SAMPLE_REPORTS: SampleReport[] = [
  {
    reportId: "rpt_demo000001",
    name: "Weekly ROAS Tracker",
    template: "campaign_performance_roas",
    frequency: "weekly",
    schedule: { cron: "0 3 * * 1", type: "weekly", timezone: "America/New_York" },
    runs: ["completed", "completed", "completed", "running"],
  },
  {
    reportId: "rpt_demo000002",
    name: "Daily Campaign Pulse",
    template: "campaign_performance_roas",
    frequency: "daily",
    schedule: { cron: "0 2 * * *", type: "daily", timezone: "UTC" },
    runs: ["completed", "failed", "completed", "pending"],
  },
  {
    reportId: "rpt_demo000003",
    name: "New-to-Brand Monthly",
    template: "new_to_brand",
    frequency: "monthly",
    schedule: { cron: "0 4 1 * *", type: "monthly", timezone: "Europe/London", paused: true },
    runs: ["completed", "failed", "failed"],
  },
  {
    reportId: "rpt_demo000004",
    name: "Q3 Campaign Review",
    template: "campaign_performance_roas",
    frequency: "once",
    runs: ["completed"],
  },
  {
    reportId: "rpt_demo000005",
    name: "Holiday Path to Conversion",
    template: "path_to_conversion",
    frequency: "once",
    runs: ["cancelled"],
  },
  {
    reportId: "rpt_demo000006",
    name: "Brand Halo Check",
    template: "campaign_performance_roas",
    frequency: "once",
    runs: ["failed"],
  },
  {
    reportId: "rpt_demo000007",
    name: "Path to Conversion Draft",
    template: "path_to_conversion",
    frequency: "once",
    isActive: false,
    runs: [],
  },
];

async function seedSampleReports(
  tx: Database,
  ctx: { adminId: string; instanceId: string; templateIds: Map<string, string>; now: Date },
): Promise<void> {
  const day = 86_400_000;
  for (const [ri, r] of SAMPLE_REPORTS.entries()) {
    const templateId = ctx.templateIds.get(r.template);
    const inserted = await tx
      .insert(reportDefinitions)
      .values({
        reportId: r.reportId,
        name: r.name,
        templateId,
        instanceId: ctx.instanceId,
        ownerId: ctx.adminId,
        frequency: r.frequency,
        timezone: r.schedule?.timezone ?? "UTC",
        isActive: r.isActive ?? true,
        parameters: PARAMETERS_BY_TEMPLATE[r.template] ?? {},
        windowSpec: r.frequency === "monthly" ? { kind: "previous_month" } : { kind: "last_days", n: r.frequency === "daily" ? 1 : 7 },
        createdAt: new Date(ctx.now.getTime() - (30 - ri) * day),
      })
      .onConflictDoNothing({ target: reportDefinitions.reportId })
      .returning({ id: reportDefinitions.id });
    const report = inserted[0];
    if (!report) {
      // Already seeded: leave it and its history as they are, unless a library update dropped a
      // parameter its values still name (it could not run any more): then it gets today's demo values.
      await refreshStaleDemoParameters(tx, r.reportId, templateId, PARAMETERS_BY_TEMPLATE[r.template] ?? {});
      continue;
    }

    let scheduleUuid: string | undefined;
    if (r.schedule) {
      const [s] = await tx
        .insert(reportSchedules)
        .values({
          scheduleId: `sch_demo00000${ri + 1}`,
          reportId: report.id,
          scheduleType: r.schedule.type,
          cronExpression: r.schedule.cron,
          timezone: r.schedule.timezone,
          isPaused: r.schedule.paused ?? false,
          pauseReason: r.schedule.paused ? "Paused after 2 consecutive failures (demo data)" : null,
          nextRunAt: new Date(ctx.now.getTime() + (ri + 1) * 3_600_000),
          failureCount: r.schedule.paused ? 2 : 0,
          runCount: r.runs.length,
        })
        .returning({ id: reportSchedules.id });
      scheduleUuid = s?.id;
    }

    for (const [i, status] of r.runs.entries()) {
      if (status === "pending" || status === "running") {
        // Unfinished demo runs are real ones: rendered and queued, so the engine runs them on
        // the sandbox (a hand-made "running" row would have nothing behind it).
        await createExecution(tx, { reportUuid: report.id, triggeredBy: "manual", now: ctx.now, userId: ctx.adminId });
        continue;
      }
      const created = new Date(ctx.now.getTime() - (r.runs.length - i) * day - ri * 3_600_000);
      const started = new Date(created.getTime() + 60_000);
      await tx.insert(reportExecutions).values({
        executionId: `exec_demo${String(ri + 1).padStart(2, "0")}${String(i + 1).padStart(3, "0")}`,
        reportId: report.id,
        templateId,
        instanceId: ctx.instanceId,
        userId: ctx.adminId,
        triggeredBy: scheduleUuid ? "schedule" : "manual",
        scheduleId: scheduleUuid,
        status,
        startedAt: started,
        completedAt: new Date(started.getTime() + 12 * 60_000),
        rowCount: status === "completed" ? 120 + i * 7 : null,
        errorMessage:
          status === "failed"
            ? "AMC rejected the query: aggregation threshold not met (demo data)"
            : null,
        timeWindowStart: new Date(created.getTime() - 21 * day),
        timeWindowEnd: new Date(created.getTime() - 14 * day),
        createdAt: created,
      });
    }
  }
}

async function refreshStaleDemoParameters(
  tx: Database,
  reportId: string,
  templateUuid: string | undefined,
  demo: Record<string, unknown>,
): Promise<void> {
  if (!templateUuid) return;
  const [report] = await tx.select({ parameters: reportDefinitions.parameters }).from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
  const defined = new Set(
    (await tx.select({ name: queryTemplateParameters.name }).from(queryTemplateParameters).where(eq(queryTemplateParameters.templateId, templateUuid))).map(
      (p) => p.name,
    ),
  );
  const names = Object.keys((report?.parameters ?? {}) as Record<string, unknown>);
  if (names.some((n) => !defined.has(n))) {
    await tx.update(reportDefinitions).set({ parameters: demo }).where(eq(reportDefinitions.reportId, reportId));
  }
}
