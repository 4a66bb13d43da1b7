import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "../../db/client";
import { canAccessInstance, type SessionUser } from "../../db/queries/access";
import { getDashboardForUser, type DashboardView } from "../../db/queries/dashboard-view";
import { reportDataCollections, reportDefinitions, reportExecutions, reportSchedules } from "../../db/schema";
import { notFound } from "../errors";
import { collectionIdSchema, dashboardIdSchema, executionIdSchema, reportIdSchema, scheduleIdSchema } from "../ids";

/**
 * The guards: every action, route and page that takes an id loads its row through one of these,
 * so "may this user touch it?" is answered in one place, on the server, by id. Each answers
 * NOT_FOUND alike for a malformed id, a missing row and a row on an instance the user may not
 * see: a foreign id reveals nothing (not even that it exists). A malformed id never reaches a
 * query (a NUL byte would be a database error, a 5 MB string a wasted round trip).
 */

export type Report = typeof reportDefinitions.$inferSelect;
export type Execution = typeof reportExecutions.$inferSelect;
export type Schedule = typeof reportSchedules.$inferSelect;
export type Collection = typeof reportDataCollections.$inferSelect;

function wellFormed(schema: z.ZodType, id: string, what: string): void {
  if (!schema.safeParse(id).success) throw notFound(what);
}

async function visible(db: Database, user: SessionUser, instanceUuid: string | null, what: string): Promise<string> {
  if (!instanceUuid || !(await canAccessInstance(db, user, instanceUuid))) throw notFound(what);
  return instanceUuid;
}

/**
 * The report by its human id. `lock` takes its row lock (FOR UPDATE) inside the caller's
 * transaction: the report row is what serializes "one active backfill / schedule per report".
 */
export async function reportForUserOrThrow(
  db: Database,
  user: SessionUser,
  reportId: string,
  opts: { lock?: boolean } = {},
): Promise<Report & { instanceId: string }> {
  wellFormed(reportIdSchema, reportId, "Report");
  const q = db.select().from(reportDefinitions).where(eq(reportDefinitions.reportId, reportId));
  const [report] = opts.lock ? await q.for("update") : await q;
  const instanceId = await visible(db, user, report?.instanceId ?? null, "Report");
  return { ...report!, instanceId };
}

/** A run by its human id, with its report's human id (for file names and links). */
export async function executionForUserOrThrow(
  db: Database,
  user: SessionUser,
  executionId: string,
): Promise<{ execution: Execution & { instanceId: string }; reportId: string }> {
  wellFormed(executionIdSchema, executionId, "Execution");
  const [row] = await db
    .select({ execution: reportExecutions, reportId: reportDefinitions.reportId })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .where(eq(reportExecutions.executionId, executionId));
  const instanceId = await visible(db, user, row?.execution.instanceId ?? null, "Execution");
  return { execution: { ...row!.execution, instanceId }, reportId: row!.reportId };
}

/** The active schedule by its human id, with its report's ids. */
export async function scheduleForUserOrThrow(db: Database, user: SessionUser, scheduleId: string) {
  wellFormed(scheduleIdSchema, scheduleId, "Schedule");
  const [row] = await db
    .select({ schedule: reportSchedules, instanceId: reportDefinitions.instanceId, reportId: reportDefinitions.reportId })
    .from(reportSchedules)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportSchedules.reportId))
    .where(and(eq(reportSchedules.scheduleId, scheduleId), eq(reportSchedules.isActive, true)));
  const instanceId = await visible(db, user, row?.instanceId ?? null, "Schedule");
  return { ...row!, instanceId };
}

/** A backfill (a data collection) of a report, both by human id; `lock` as for reports. */
export async function backfillForUserOrThrow(
  db: Database,
  user: SessionUser,
  ref: { reportId: string; collectionId: string },
  opts: { lock?: boolean } = {},
): Promise<{ report: Report & { instanceId: string }; collection: Collection }> {
  wellFormed(collectionIdSchema, ref.collectionId, "Backfill");
  const report = await reportForUserOrThrow(db, user, ref.reportId, opts);
  const [collection] = await db
    .select()
    .from(reportDataCollections)
    .where(and(eq(reportDataCollections.collectionId, ref.collectionId), eq(reportDataCollections.reportId, report.id)));
  if (!collection) throw notFound("Backfill");
  return { report, collection };
}

/** A dashboard by its human id (admins see those without an instance too). */
export async function dashboardForUserOrThrow(db: Database, user: SessionUser, dashboardId: string): Promise<DashboardView> {
  wellFormed(dashboardIdSchema, dashboardId, "Dashboard");
  const view = await getDashboardForUser(db, user, dashboardId);
  if (!view) throw notFound("Dashboard");
  return view;
}
