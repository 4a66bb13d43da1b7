import "server-only";
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  amcInstances,
  executionResults,
  queryTemplates,
  reportDefinitions,
  reportExecutions,
  reportSchedules,
  users,
} from "../schema";
/**
 * Read models for a report's page and a run's page, by uuid. The page has already loaded the
 * row through its guard (lib/auth/guards.ts), which decided whether the viewer may see it.
 */
export async function getReportDetail(db: Database, reportUuid: string) {
  const [row] = await db
    .select({
      report: reportDefinitions,
      templateName: queryTemplates.name,
      templateVersion: queryTemplates.version,
      templateId: queryTemplates.templateId,
      dataLagDays: queryTemplates.dataLagDays,
      instanceName: amcInstances.instanceName,
      amcInstanceId: amcInstances.instanceId,
      instanceType: amcInstances.instanceType,
      ownerName: users.name,
      ownerEmail: users.email,
    })
    .from(reportDefinitions)
    .leftJoin(queryTemplates, eq(queryTemplates.id, reportDefinitions.templateId))
    .leftJoin(amcInstances, eq(amcInstances.id, reportDefinitions.instanceId))
    .leftJoin(users, eq(users.id, reportDefinitions.ownerId))
    .where(eq(reportDefinitions.id, reportUuid));
  if (!row) return null;
  const [schedule] = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.reportId, row.report.id), eq(reportSchedules.isActive, true)));
  return { ...row, schedule: schedule ?? null };
}

export const RUNS_PAGE_SIZE = 25;

export async function listRuns(db: Database, reportUuid: string, page: number) {
  const [total] = await db.select({ n: count() }).from(reportExecutions).where(eq(reportExecutions.reportId, reportUuid));
  const rows = await db
    .select({
      id: reportExecutions.id,
      executionId: reportExecutions.executionId,
      status: reportExecutions.status,
      triggeredBy: reportExecutions.triggeredBy,
      timeWindowStart: reportExecutions.timeWindowStart,
      timeWindowEnd: reportExecutions.timeWindowEnd,
      timeWindowTimezone: reportExecutions.timeWindowTimezone,
      createdAt: reportExecutions.createdAt,
      startedAt: reportExecutions.startedAt,
      completedAt: reportExecutions.completedAt,
      rowCount: reportExecutions.rowCount,
      sizeBytes: reportExecutions.sizeBytes,
      errorMessage: reportExecutions.errorMessage,
      amcExecutionId: reportExecutions.amcExecutionId,
      cancelRequestedAt: reportExecutions.cancelRequestedAt,
      waitingReason: reportExecutions.waitingReason,
      userName: users.name,
    })
    .from(reportExecutions)
    .leftJoin(users, eq(users.id, reportExecutions.userId))
    .where(eq(reportExecutions.reportId, reportUuid))
    // Served by idx_report_executions_report_created.
    .orderBy(sql`${reportExecutions.createdAt} DESC NULLS FIRST`, desc(reportExecutions.id))
    .limit(RUNS_PAGE_SIZE)
    .offset((page - 1) * RUNS_PAGE_SIZE);
  return { rows, total: total?.n ?? 0 };
}

export type RunRow = Awaited<ReturnType<typeof listRuns>>["rows"][number];

export async function getRunDetail(db: Database, reportUuid: string, executionUuid: string) {
  const [row] = await db
    .select({
      run: reportExecutions,
      reportName: reportDefinitions.name,
      reportId: reportDefinitions.reportId,
      userName: users.name,
      advertiserTimezone: amcInstances.advertiserTimezone,
    })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .leftJoin(users, eq(users.id, reportExecutions.userId))
    .leftJoin(amcInstances, eq(amcInstances.id, reportDefinitions.instanceId))
    .where(and(eq(reportExecutions.id, executionUuid), eq(reportDefinitions.id, reportUuid)));
  if (!row) return null;
  const [result] = await db.select().from(executionResults).where(eq(executionResults.executionId, row.run.id));
  return { ...row, result: result ?? null };
}
