import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { getReportDetail } from "../../db/queries/report-detail";
import { amcInstances, EXECUTION_STATUSES, FREQUENCIES } from "../../db/schema";
import { reportForUserOrThrow } from "../auth/guards";
import { segmentTypeSchema } from "../backfill/plan";
import { notFound } from "../errors";
import { runReportNow } from "../executions/create";
import { windowSpecSchema } from "../params/window";
import { createReport, deleteReport, updateReport } from "../reports/definitions";
import { listReportsOverview, type OverviewRow } from "../reports/overview";
import { OVERVIEW_SORTS, OVERVIEW_STATUSES, REPORT_STATES, SORT_DIRS, DEFAULT_DIR, type PageSize } from "../reports/overview-query";
import { validateParametersSchema } from "../reports/validate";
import { commaList, endpoints, instanceIdFilter, isoOrNull, isoTime, pageOf, pick, reportParams } from "./endpoint";
import { executionSchema, toExecutionView } from "./executions";
import { once } from "./idempotency";
import { scheduleSchema, toScheduleView } from "./schedules";

/** API v1: report definitions, with the overview's filters and sorting, and Run now. */

const reportsEndpoint = endpoints("Reports");

export const reportSummarySchema = z
  .strictObject({
    reportId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    templateName: z.string().nullable(),
    instanceId: z.string().nullable().describe("The AMC instance id."),
    instanceName: z.string().nullable(),
    ownerEmail: z.string().nullable(),
    frequency: z.enum(FREQUENCIES),
    state: z.enum(REPORT_STATES),
    latestStatus: z.enum(EXECUTION_STATUSES).nullable(),
    lastRunAt: isoTime.nullable(),
    nextRunAt: isoTime.nullable(),
    executionCount: z.number().int(),
    isFavorite: z.boolean(),
    createdAt: isoTime.nullable(),
  })
  .meta({ id: "ReportSummary" });

export const reportSchema = z
  .strictObject({
    reportId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    templateId: z.string().nullable(),
    templateName: z.string().nullable(),
    templateVersion: z.number().int().nullable(),
    instanceId: z.string().nullable(),
    instanceName: z.string().nullable(),
    ownerEmail: z.string().nullable(),
    values: z.record(z.string(), z.unknown()),
    window: z.unknown(),
    timezone: z.string(),
    frequency: z.enum(FREQUENCIES),
    isActive: z.boolean(),
    executionCount: z.number().int(),
    schedule: scheduleSchema.nullable(),
    createdAt: isoTime.nullable(),
    updatedAt: isoTime.nullable(),
  })
  .meta({ id: "Report" });

export const listReportsQuery = z.strictObject({
  instanceId: instanceIdFilter.optional(),
  state: z.enum(REPORT_STATES).optional(),
  frequency: z.enum(FREQUENCIES).optional(),
  status: commaList(OVERVIEW_STATUSES).optional().describe("Latest run status, comma-separated; `never` = no run yet."),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(OVERVIEW_SORTS).default("created"),
  dir: z.enum(SORT_DIRS).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce
    .number()
    .int()
    .min(25)
    .max(100)
    .refine((n): n is PageSize => n === 25 || n === 50 || n === 100, "Use 25, 50 or 100.")
    .default(50),
});

export const listReportsEndpoint = reportsEndpoint("GET /api/v1/reports", {
  summary: "List reports (the overview's filters and sorting)",
  query: listReportsQuery,
  responses: { 200: pageOf("reports", reportSummarySchema) },
  errors: [],
});

const runSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("once").describe("Create and run now, once.") }),
    z.strictObject({
      kind: z.literal("recurring"),
      schedule: z
        .record(z.string(), z.unknown())
        .describe("A schedule without its zone (the report's `timezone`): `{ preset: daily|weekly|monthly|quarterly, time: \"HH:MM\", weekday?, day? }` or `{ preset: custom, cron }`, optional `defaultParameters`."),
    }),
    z.strictObject({ kind: z.literal("backfill"), lookbackDays: z.number().int().min(1).max(365), segmentType: segmentTypeSchema }),
  ])
  .describe("How the report runs after it is made.");

export const createReportBody = validateParametersSchema.extend({
  name: z.string().trim().min(1, "Give the report a name.").max(200, "At most 200 characters."),
  description: z.string().trim().max(2000, "At most 2,000 characters.").optional(),
  run: runSchema,
});

export const createdReportSchema = z
  .strictObject({
    reportId: z.string(),
    executionId: z.string().nullable(),
    scheduleId: z.string().nullable(),
    collectionId: z.string().nullable(),
  })
  .meta({ id: "CreatedReport" });

export const createReportEndpoint = reportsEndpoint("POST /api/v1/reports", {
  summary: "Create a report and run it once, schedule it, or backfill it",
  description: "Report and run, schedule or backfill are made in one transaction. `Idempotency-Key` makes a retried request answer the first one's result.",
  body: createReportBody,
  idempotent: true,
  responses: { 201: createdReportSchema },
  errors: [403, 404, 409, 413, 415, 422, 429],
});

export const getReportEndpoint = reportsEndpoint("GET /api/v1/reports/{reportId}", {
  summary: "Get a report with its schedule",
  params: reportParams,
  responses: { 200: reportSchema },
  errors: [404],
});

export const updateReportBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(2000).optional(),
    values: z.record(z.string().max(64), z.unknown()).optional(),
    window: z.record(z.string(), z.unknown()).optional(),
    timezone: z.string().max(100).optional(),
  })
  .describe("Any of the fields; the others keep their values. Template and instance cannot change.");

export const updateReportEndpoint = reportsEndpoint("PATCH /api/v1/reports/{reportId}", {
  summary: "Change a report's name, description, parameter values, window or zone",
  params: reportParams,
  body: updateReportBody,
  responses: { 200: reportSchema },
  errors: [404, 413, 415],
});

export const deleteReportEndpoint = reportsEndpoint("DELETE /api/v1/reports/{reportId}", {
  summary: "Delete a report with its runs, results, schedule and backfills",
  params: reportParams,
  responses: { 204: null },
  errors: [404],
});

export const runReportBody = z
  .strictObject({
    window: windowSpecSchema.optional().describe("This run's window instead of the report's."),
    values: z.record(z.string().max(64), z.unknown()).optional().describe("Parameter values overriding the report's for this run."),
  })
  .optional();

export const runReportEndpoint = reportsEndpoint("POST /api/v1/reports/{reportId}/run", {
  summary: "Run a report now (optionally with another window or values)",
  description: "The run is queued (202) and recorded as triggered by `api`. With `Idempotency-Key`, a retry answers the same run.",
  params: reportParams,
  body: runReportBody,
  bodyOptional: true,
  idempotent: true,
  responses: { 202: executionSchema },
  errors: [404, 413, 415, 429],
});

function toSummary(r: OverviewRow): z.output<typeof reportSummarySchema> {
  return {
    ...pick(r, ["reportId", "name", "description", "templateName"]),
    instanceId: r.amcInstanceId,
    ...pick(r, ["instanceName", "ownerEmail", "frequency", "state", "latestStatus"]),
    lastRunAt: isoOrNull(r.lastRunAt),
    nextRunAt: isoOrNull(r.nextRunAt),
    executionCount: r.executionCount ?? 0,
    isFavorite: r.isFavorite,
    createdAt: isoOrNull(r.createdAt),
  };
}

export async function apiListReports(db: Database, user: SessionUser, q: z.output<typeof listReportsQuery>) {
  let instance: string | undefined;
  if (q.instanceId) {
    const [row] = await db.select({ id: amcInstances.id }).from(amcInstances).where(eq(amcInstances.instanceId, q.instanceId));
    // An unknown instance matches nothing (and says nothing about instances that are not yours).
    if (!row) return { reports: [], total: 0, page: q.page, limit: q.limit };
    instance = row.id;
  }
  const page = await listReportsOverview(db, user, {
    page: q.page,
    pageSize: q.limit as PageSize,
    sort: q.sort,
    dir: q.dir ?? DEFAULT_DIR[q.sort],
    status: OVERVIEW_STATUSES.filter((s) => q.status?.includes(s)),
    ...(q.state ? { state: q.state } : {}),
    ...(instance ? { instance } : {}),
    ...(q.frequency ? { frequency: q.frequency } : {}),
    ...(q.search ? { q: q.search } : {}),
  });
  return { reports: page.rows.map(toSummary), total: page.total, page: q.page, limit: q.limit };
}

export async function apiGetReport(db: Database, user: SessionUser, reportId: string): Promise<z.output<typeof reportSchema>> {
  const report = await reportForUserOrThrow(db, user, reportId);
  const d = await getReportDetail(db, report.id);
  if (!d) throw notFound("Report");
  return {
    reportId: d.report.reportId,
    name: d.report.name,
    description: d.report.description,
    templateId: d.templateId,
    templateName: d.templateName,
    templateVersion: d.templateVersion,
    instanceId: d.amcInstanceId,
    instanceName: d.instanceName,
    ownerEmail: d.ownerEmail,
    values: d.report.parameters as Record<string, unknown>,
    window: d.report.windowSpec ?? null,
    timezone: d.report.timezone,
    frequency: d.report.frequency,
    isActive: d.report.isActive,
    executionCount: d.report.executionCount ?? 0,
    schedule: d.schedule ? toScheduleView(d.schedule) : null,
    createdAt: isoOrNull(d.report.createdAt),
    updatedAt: isoOrNull(d.report.updatedAt),
  };
}

export async function apiCreateReport(
  db: Database,
  user: SessionUser,
  body: z.output<typeof createReportBody>,
  idempotencyKey: string | undefined,
  now: Date,
) {
  const { run, ...rest } = body;
  const domainRun = run.kind === "once" ? { kind: "once" as const } : run.kind === "recurring" ? { kind: "schedule" as const, schedule: run.schedule } : run;
  return once(db, { userId: user.id, endpoint: "POST /api/v1/reports", key: idempotencyKey, request: body }, async (tx) => {
    const created = await createReport(tx, user, { ...rest, run: domainRun }, now, { triggeredBy: "api" });
    const out: z.output<typeof createdReportSchema> = {
      reportId: created.reportId,
      executionId: created.executionId,
      scheduleId: created.scheduleId,
      collectionId: created.collectionId ?? null,
    };
    return { status: 201, body: out };
  });
}

export async function apiUpdateReport(db: Database, user: SessionUser, reportId: string, body: z.output<typeof updateReportBody>, now: Date) {
  const report = await reportForUserOrThrow(db, user, reportId);
  await updateReport(
    db,
    user,
    {
      reportId,
      name: body.name ?? report.name,
      description: body.description ?? report.description ?? undefined,
      values: body.values ?? (report.parameters as Record<string, unknown>),
      window: body.window ?? ((report.windowSpec as Record<string, unknown> | null) ?? {}),
      timezone: body.timezone ?? report.timezone,
    },
    now,
  );
  return apiGetReport(db, user, reportId);
}

export async function apiDeleteReport(db: Database, user: SessionUser, reportId: string) {
  await deleteReport(db, user, reportId);
}

/**
 * Run now as `api`. Without a key each request is a new run; the key is stored on the execution
 * per user (executions.idempotency_key), so a retry answers the first run.
 */
export async function apiRunReport(
  db: Database,
  user: SessionUser,
  reportId: string,
  body: z.output<typeof runReportBody>,
  idempotencyKey: string | undefined,
  now: Date,
) {
  const { execution } = await runReportNow(
    db,
    user,
    {
      reportId,
      idempotencyKey: idempotencyKey ? `api:${user.id}:${idempotencyKey}` : `api:${randomUUID()}`,
      window: body?.window,
      valueOverrides: body?.values,
      triggeredBy: "api",
    },
    now,
  );
  return toExecutionView(execution, reportId);
}
