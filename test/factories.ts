import type { PgInsertValue, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../db/client";
import type { SessionUser } from "../db/queries/access";
import {
  amcInstances,
  dashboards,
  queryTemplates,
  reportDefinitions,
  reportExecutions,
  reportSchedules,
  userInstanceAccess,
  users,
  type ExecutionStatus,
} from "../db/schema";
import { newDashboardId, newExecutionId, newReportId, newScheduleId } from "../lib/ids";

// Small builders for tests: each inserts one row with sensible defaults and returns it.

let n = 0;
const seq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

/** Inserts one row and returns it as stored (defaults filled in). */
async function insertOne<T extends PgTable>(db: Database, table: T, values: PgInsertValue<T>): Promise<T["$inferSelect"]> {
  const [row] = await db.insert(table).values(values).returning();
  return row!;
}

export async function makeUser(db: Database, overrides: Partial<typeof users.$inferInsert> = {}) {
  return insertOne(db, users, { email: `u${seq()}@example.com`, name: "Test User", passwordHash: "x", role: "member", ...overrides });
}

export async function makeInstance(db: Database, overrides: Partial<typeof amcInstances.$inferInsert> = {}) {
  // The default SANDBOX instance is the built-in one (synthetic engine); a STANDARD one never is.
  const builtin = (overrides.instanceType ?? "SANDBOX") === "SANDBOX";
  return insertOne(db, amcInstances, {
    instanceId: `amc${seq()}`,
    instanceName: "Instance",
    instanceType: "SANDBOX",
    isBuiltinSandbox: builtin,
    ...overrides,
  });
}

export async function grant(db: Database, userId: string, instanceId: string) {
  await db.insert(userInstanceAccess).values({ userId, instanceId });
}

export async function makeTemplate(db: Database, overrides: Partial<typeof queryTemplates.$inferInsert> = {}) {
  return insertOne(db, queryTemplates, { templateId: `tpl_${seq()}`, name: "Template", sqlTemplate: "SELECT 1", ...overrides });
}

export async function makeReport(db: Database, overrides: Partial<typeof reportDefinitions.$inferInsert> = {}) {
  return insertOne(db, reportDefinitions, { reportId: newReportId(), name: "Report", ...overrides });
}

export async function makeExecution(
  db: Database,
  reportUuid: string,
  overrides: Partial<typeof reportExecutions.$inferInsert> & { status?: ExecutionStatus } = {},
) {
  return insertOne(db, reportExecutions, { executionId: newExecutionId(), reportId: reportUuid, triggeredBy: "manual", ...overrides });
}

export async function makeSchedule(
  db: Database,
  reportUuid: string,
  overrides: Partial<typeof reportSchedules.$inferInsert> = {},
) {
  return insertOne(db, reportSchedules, { scheduleId: newScheduleId(), reportId: reportUuid, scheduleType: "daily", cronExpression: "0 2 * * *", ...overrides });
}

export async function makeDashboard(db: Database, overrides: Partial<typeof dashboards.$inferInsert> = {}) {
  return insertOne(db, dashboards, { dashboardId: newDashboardId(), name: "Dashboard", ...overrides });
}

/** A user row as the session sees it (what guards and read models take). */
export function asSessionUser(u: typeof users.$inferSelect): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}
