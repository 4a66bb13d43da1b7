import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../../db/client";
import {
  amcInstances,
  queryTemplateParameters,
  reportDefinitions,
  reportExecutions,
  reportSchedules,
  userInstanceAccess,
  users,
  type Frequency,
} from "../../db/schema";
import { hashPassword } from "../auth/password";
import { DEMO_ADMIN, DEMO_INSTANCE } from "../config/demo";
import { seedLibraryTemplates } from "../templates/seed";
import { SANDBOX_ADVERTISERS, SANDBOX_CAMPAIGNS } from "../amc/sandbox/entities";
import { buildRun } from "../executions/create";
import { nextRunAfter, nextRuns } from "../scheduler/cron";
import { loadTemplate } from "../templates/load";
import { seedDemoResults } from "./results";

// Real campaign ids of the sandbox's synthetic data, so demo reports return rows when run.
const DEMO_CAMPAIGN_ROWS = SANDBOX_CAMPAIGNS.filter((c) => c.channel === "DSP" && c.brand === "A")
  .slice(0, 3)
  .map((c) => ({ id: c.campaignIdString, name: c.campaign }));
const DEMO_CAMPAIGNS = DEMO_CAMPAIGN_ROWS.map((c) => c.id);
const PARAMETERS_BY_TEMPLATE: Record<string, Record<string, unknown>> = {
  campaign_performance_roas: { campaign_list: DEMO_CAMPAIGNS },
  new_to_brand: { campaign_list: DEMO_CAMPAIGNS },
  path_to_conversion: { campaign_list: DEMO_CAMPAIGNS, max_path_length: 5 },
};

/**
 * Idempotent seed: running it again changes nothing that exists (the demo password is not
 * reset, user-made templates are never touched) and adds whatever is missing. `client` is a raw
 * postgres.js client on the same database, for the results' COPY; by default the one under `db`.
 */
export async function seed(db: Database, now = new Date(), client: postgres.Sql = rawClientOf(db)): Promise<void> {
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
  // After the commit: the results go in through the engine's COPY ingest, on its own connection.
  await seedDemoResults(db, client, DEMO_CAMPAIGN_ROWS);
}

/** The postgres.js client a drizzle database was made with (createDatabase's `db.$client`). */
function rawClientOf(db: Database): postgres.Sql {
  const client: unknown = "$client" in db ? db.$client : undefined;
  if (typeof client !== "function") throw new Error("seed needs a postgres.js client: pass it as the third argument");
  return client as postgres.Sql;
}

/** A finished demo run: how it ended and, for a failure, what AMC (or the submit) said. */
type DemoRun =
  | "completed"
  | "cancelled"
  | "pending"
  | { failed: "at_amc" | "never_submitted"; message: string };

interface SampleReport {
  reportId: string;
  name: string;
  template: string;
  frequency: Frequency;
  isActive?: boolean;
  schedule?: { cron: string; type: "daily" | "weekly" | "monthly"; paused?: boolean; timezone: string };
  /** Oldest first. A scheduled report's runs are its schedule's latest slots, one each. */
  runs: DemoRun[];
}

const THRESHOLD = "AMC reported the run failed: the query result did not meet the aggregation threshold (too few distinct users per row). (demo data)";

/** Exported for the consistency test. */
export const SAMPLE_REPORTS: SampleReport[] = [
  {
    reportId: "rpt_demo000001",
    name: "Weekly ROAS Tracker",
    template: "campaign_performance_roas",
    frequency: "weekly",
    schedule: { cron: "0 3 * * 1", type: "weekly", timezone: "America/New_York" },
    // The newest slot's run is left to the engine, which runs it on the sandbox at start.
    runs: ["completed", "completed", "completed", "pending"],
  },
  {
    reportId: "rpt_demo000002",
    name: "Daily Campaign Pulse",
    template: "campaign_performance_roas",
    frequency: "daily",
    schedule: { cron: "0 2 * * *", type: "daily", timezone: "UTC" },
    runs: ["completed", { failed: "at_amc", message: THRESHOLD }, "completed", "pending"],
  },
  {
    reportId: "rpt_demo000003",
    name: "New-to-Brand Monthly",
    template: "new_to_brand",
    frequency: "monthly",
    // Three failures in a row paused it, as the scheduler does (SCHEDULE_AUTO_PAUSE_FAILURES).
    schedule: { cron: "0 4 1 * *", type: "monthly", timezone: "Europe/London", paused: true },
    runs: [
      "completed",
      { failed: "at_amc", message: THRESHOLD },
      { failed: "at_amc", message: THRESHOLD },
      { failed: "at_amc", message: THRESHOLD },
    ],
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
    runs: [
      {
        failed: "never_submitted",
        message: "Never submitted: AMC rejected the query when it was sent: unknown column 'brand_halo_share' in table amazon_attributed_events_by_conversion_time. (demo data)",
      },
    ],
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

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The `n` latest slots of `cron` in `zone` at or before `now`, oldest first. */
export function pastSlots(cron: string, zone: string, now: Date, n: number): Date[] {
  if (n === 0) return [];
  // Far enough back for n monthly slots; nextRuns walks forward from there.
  const from = new Date(now.getTime() - (n + 1) * 32 * DAY);
  const slots = nextRuns(cron, zone, from, (n + 1) * 40).filter((d) => d.getTime() <= now.getTime());
  return slots.slice(-n);
}

/** A plausible AMC workflow execution id (AMC's are UUIDs), the same for the same demo run. */
function demoAmcId(executionId: string): string {
  const hex = createHash("sha256").update(executionId).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function seedSampleReports(
  tx: Database,
  ctx: { adminId: string; instanceId: string; templateIds: Map<string, string>; now: Date },
): Promise<void> {
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
        createdAt: new Date(ctx.now.getTime() - (120 - ri) * DAY),
      })
      .onConflictDoNothing({ target: reportDefinitions.reportId })
      .returning();
    const report = inserted[0];
    if (!report) {
      // Already seeded: leave it and its history as they are, unless a library update dropped a
      // parameter its values still name (it could not run any more): then it gets today's demo values.
      await refreshStaleDemoParameters(tx, r.reportId, templateId, PARAMETERS_BY_TEMPLATE[r.template] ?? {});
      continue;
    }
    const loaded = templateId ? await loadTemplate(tx, templateId) : null;
    if (!loaded) throw new Error(`demo template ${r.template} missing`);
    const source = { report: { ...report, instanceId: ctx.instanceId }, template: loaded.template, defs: loaded.defs };

    // A scheduled report's runs are its schedule's latest slots, each run made as the scheduler
    // makes it (window resolved at the slot, in the schedule's zone); a manual report's runs were
    // started by hand on earlier days.
    const slots = r.schedule ? pastSlots(r.schedule.cron, r.schedule.timezone, ctx.now, r.runs.length) : [];
    let schedule: { id: string } | undefined;
    if (r.schedule) {
      [schedule] = await tx
        .insert(reportSchedules)
        .values({
          scheduleId: `sch_demo00000${ri + 1}`,
          reportId: report.id,
          scheduleType: r.schedule.type,
          cronExpression: r.schedule.cron,
          timezone: r.schedule.timezone,
          // The cron's own next slot: the card and the overview promise only what will run.
          nextRunAt: nextRunAfter(r.schedule.cron, r.schedule.timezone, ctx.now),
        })
        .returning({ id: reportSchedules.id });
    }

    let counted = { runs: 0, failures: 0, lastRunAt: null as Date | null, lastStatus: null as string | null, lastError: null as string | null };
    for (const [i, run] of r.runs.entries()) {
      const at = r.schedule ? slots[i]! : new Date(ctx.now.getTime() - (r.runs.length - i) * DAY - (ri + 1) * 3_600_000);
      const row = buildRun(source, {
        triggeredBy: schedule ? "schedule" : "manual",
        now: at,
        userId: schedule ? null : ctx.adminId,
        scheduleId: schedule?.id ?? null,
        scheduledFor: schedule ? at : null,
      });
      if (run === "pending") {
        // Unfinished demo runs are real ones: rendered and queued, so the engine runs them on
        // the sandbox (a hand-made "running" row would have nothing behind it).
        await tx.insert(reportExecutions).values({ ...row, createdAt: at });
        continue;
      }
      const executionId = `exec_demo${String(ri + 1).padStart(2, "0")}${String(i + 1).padStart(3, "0")}`;
      const neverSubmitted = typeof run === "object" && run.failed === "never_submitted";
      const started = new Date(at.getTime() + MINUTE);
      const completed = neverSubmitted ? started : new Date(started.getTime() + 12 * MINUTE);
      const status = typeof run === "object" ? "failed" : run;
      await tx.insert(reportExecutions).values({
        ...row,
        executionId,
        status,
        amcExecutionId: neverSubmitted ? null : demoAmcId(executionId),
        submittedAt: neverSubmitted ? null : started,
        submitAttemptedAt: started,
        startedAt: neverSubmitted ? null : started,
        completedAt: completed,
        // The rows and their count come from the stored result (lib/demo/results.ts).
        rowCount: null,
        errorMessage: typeof run === "object" ? run.message : null,
        errorDetails: typeof run === "object" ? (neverSubmitted ? { cause: "invalid_query", phase: "submit" } : { cause: "amc_failed", amcStatus: "FAILED" }) : null,
        // Already counted into the schedule below, as the scheduler's outcomes phase would have.
        scheduleOutcomeRecordedAt: schedule ? completed : null,
        createdAt: at,
      });
      if (schedule) {
        counted = {
          runs: counted.runs + 1,
          failures: status === "failed" ? counted.failures + 1 : status === "completed" ? 0 : counted.failures,
          lastRunAt: neverSubmitted ? at : started,
          lastStatus: status,
          lastError: typeof run === "object" ? run.message : status === "completed" ? null : counted.lastError,
        };
      }
    }
    if (schedule && r.schedule) {
      const cause = (counted.lastError ?? "the run failed").trim().replace(/\.$/, "");
      await tx
        .update(reportSchedules)
        .set({
          runCount: counted.runs,
          failureCount: counted.failures,
          lastRunAt: counted.lastRunAt,
          lastRunStatus: counted.lastStatus,
          isPaused: r.schedule.paused ?? false,
          // The scheduler's own words when it pauses a schedule (lib/scheduler/outcomes.ts).
          pauseReason: r.schedule.paused ? `${cause} — paused after ${counted.failures} consecutive failed runs. Resume it once the cause is fixed.` : null,
        })
        .where(eq(reportSchedules.id, schedule.id));
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
