import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { instanceScope, type SessionUser } from "../../db/queries/access";
import { amcInstances, EXECUTION_STATUSES, executionResults, reportDefinitions, reportExecutions, TRIGGERS } from "../../db/schema";
import { executionForUserOrThrow, type Execution } from "../auth/guards";
import { EXPORT_FORMATS } from "../dashboards/export";
import { cancelRunForUser } from "../executions/cancel";
import type { EngineDeps } from "../engine/deps";
import { expiredResult, resultRowsAt } from "../results/read";
import { AppError } from "../errors";
import { executionIdSchema, reportIdSchema } from "../ids";
import { commaList, endpoints, instanceIdFilter, isoOrNull, isoTime, pageFields, pageOf, pageQuery, pick } from "./endpoint";

/** API v1: runs (executions): list, get, cancel, results as JSON pages and as files. */

const executionsEndpoint = endpoints("Executions");

export const executionSchema = z
  .strictObject({
    executionId: z.string(),
    reportId: z.string(),
    status: z.enum(EXECUTION_STATUSES),
    triggeredBy: z.enum(TRIGGERS),
    windowStart: isoTime.nullable(),
    windowEnd: isoTime.nullable(),
    timezone: z.string().nullable(),
    amcExecutionId: z.string().nullable(),
    rowCount: z.number().int().nullable(),
    errorMessage: z.string().nullable(),
    createdAt: isoTime.nullable(),
    startedAt: isoTime.nullable(),
    completedAt: isoTime.nullable(),
    cancelRequestedAt: isoTime.nullable(),
  })
  .meta({ id: "Execution" });
export type ExecutionView = z.output<typeof executionSchema>;

export function toExecutionView(e: Execution, reportId: string): ExecutionView {
  return {
    executionId: e.executionId,
    reportId,
    ...pick(e, ["status", "triggeredBy"]),
    windowStart: isoOrNull(e.timeWindowStart),
    windowEnd: isoOrNull(e.timeWindowEnd),
    timezone: e.timeWindowTimezone,
    ...pick(e, ["amcExecutionId", "rowCount", "errorMessage"]),
    createdAt: isoOrNull(e.createdAt),
    startedAt: isoOrNull(e.startedAt),
    completedAt: isoOrNull(e.completedAt),
    cancelRequestedAt: isoOrNull(e.cancelRequestedAt),
  };
}

const executionParams = z.strictObject({ executionId: executionIdSchema });

export const listExecutionsQuery = z.strictObject({
  reportId: reportIdSchema.optional(),
  instanceId: instanceIdFilter.optional(),
  status: commaList(EXECUTION_STATUSES).optional(),
  triggeredBy: commaList(TRIGGERS).optional(),
  from: isoTime.optional().describe("Created at or after this instant."),
  to: isoTime.optional().describe("Created before this instant."),
  ...pageQuery,
});

export const listExecutionsEndpoint = executionsEndpoint("GET /api/v1/executions", {
  summary: "List runs, newest first",
  query: listExecutionsQuery,
  responses: { 200: pageOf("executions", executionSchema) },
  errors: [],
});

export const getExecutionEndpoint = executionsEndpoint("GET /api/v1/executions/{executionId}", {
  summary: "Get a run",
  params: executionParams,
  responses: { 200: executionSchema },
  errors: [404],
});

export const cancelExecutionEndpoint = executionsEndpoint("POST /api/v1/executions/{executionId}/cancel", {
  summary: "Cancel a pending or running run",
  description: "A pending run ends `cancelled` at once; a running one is cancelled at AMC first (`cancelling` while AMC is asked again on the next tick). 409 when it already ended.",
  params: executionParams,
  responses: { 202: z.strictObject({ executionId: z.string(), status: z.enum(["cancelled", "cancelling"]) }).meta({ id: "CancelResult" }) },
  errors: [404, 409],
});

export const resultsSchema = z
  .strictObject({
    executionId: z.string(),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.string().nullable())).describe("Cells as AMC sent them (text; null = NULL)."),
    ...pageFields,
  })
  .meta({ id: "ResultPage" });

export const resultsEndpoint = executionsEndpoint("GET /api/v1/executions/{executionId}/results", {
  summary: "A page of a completed run's stored result",
  params: executionParams,
  query: z.strictObject({ page: pageQuery.page, limit: z.coerce.number().int().min(1).max(1000).default(100).describe("Rows per page (1–1000).") }),
  responses: { 200: resultsSchema },
  errors: [404, 410],
});

export const exportEndpoint = executionsEndpoint("GET /api/v1/executions/{executionId}/export", {
  summary: "Download a run's result as CSV or XLSX (streamed)",
  params: executionParams,
  query: z.strictObject({ format: z.enum(EXPORT_FORMATS) }),
  responses: { 200: "file" },
  errors: [404, 410],
});

export async function apiListExecutions(db: Database, user: SessionUser, q: z.output<typeof listExecutionsQuery>) {
  const scope = await instanceScope(db, user);
  const empty = { executions: [], total: 0, page: q.page, limit: q.limit };
  if (scope.kind === "some" && scope.instanceIds.length === 0) return empty;
  const where: SQL[] = [];
  if (scope.kind === "some") where.push(inArray(reportExecutions.instanceId, scope.instanceIds));
  if (q.reportId) where.push(eq(reportDefinitions.reportId, q.reportId));
  if (q.instanceId) where.push(eq(amcInstances.instanceId, q.instanceId));
  if (q.status?.length) where.push(inArray(reportExecutions.status, q.status));
  if (q.triggeredBy?.length) where.push(inArray(reportExecutions.triggeredBy, q.triggeredBy));
  if (q.from) where.push(gte(reportExecutions.createdAt, new Date(q.from)));
  if (q.to) where.push(lt(reportExecutions.createdAt, new Date(q.to)));
  const filter = and(...where);
  const [total] = await db
    .select({ n: count() })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .leftJoin(amcInstances, eq(amcInstances.id, reportExecutions.instanceId))
    .where(filter);
  const rows = await db
    .select({ execution: reportExecutions, reportId: reportDefinitions.reportId })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .leftJoin(amcInstances, eq(amcInstances.id, reportExecutions.instanceId))
    .where(filter)
    .orderBy(sql`${reportExecutions.createdAt} DESC NULLS LAST`, desc(reportExecutions.id))
    .limit(q.limit)
    .offset((q.page - 1) * q.limit);
  return { executions: rows.map((r) => toExecutionView(r.execution, r.reportId)), total: total?.n ?? 0, page: q.page, limit: q.limit };
}

export async function apiGetExecution(db: Database, user: SessionUser, executionId: string) {
  const { execution, reportId } = await executionForUserOrThrow(db, user, executionId);
  return toExecutionView(execution, reportId);
}

export async function apiCancelExecution(deps: EngineDeps, user: SessionUser, executionId: string) {
  const { execution } = await executionForUserOrThrow(deps.db, user, executionId);
  if (execution.status !== "pending" && execution.status !== "running") {
    throw new AppError("CONFLICT", `This run already ended (${execution.status}); there is nothing to cancel.`);
  }
  // Through the signed-in user's cancel, so an API cancel is in the audit log as the UI's is.
  const res = await cancelRunForUser(deps, user, executionId);
  return { executionId, status: res.status };
}

export async function apiResults(db: Database, user: SessionUser, executionId: string, q: { page: number; limit: number }) {
  const { execution } = await executionForUserOrThrow(db, user, executionId);
  const [result] = await db
    .select({
      resultKey: executionResults.resultKey,
      columns: executionResults.columns,
      columnSlots: executionResults.columnSlots,
      rowCount: executionResults.rowCount,
      expiredAt: executionResults.expiredAt,
    })
    .from(executionResults)
    .where(eq(executionResults.executionId, execution.id));
  if (!result) throw new AppError("NOT_FOUND", "This execution has no stored result.");
  if (result.expiredAt) throw expiredResult(result.expiredAt);
  const rows = await resultRowsAt(db, result, (q.page - 1) * q.limit, q.limit);
  return { executionId, columns: result.columns, rows, total: result.rowCount, page: q.page, limit: q.limit };
}
