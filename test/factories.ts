import type { Database } from "../db/client";
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

export async function makeUser(db: Database, overrides: Partial<typeof users.$inferInsert> = {}) {
  const [row] = await db
    .insert(users)
    .values({ email: `u${seq()}@example.com`, name: "Test User", passwordHash: "x", role: "member", ...overrides })
    .returning();
  return row!;
}

export async function makeInstance(db: Database, overrides: Partial<typeof amcInstances.$inferInsert> = {}) {
  const [row] = await db
    .insert(amcInstances)
    .values({ instanceId: `amc${seq()}`, instanceName: "Instance", instanceType: "SANDBOX", ...overrides })
    .returning();
  return row!;
}

export async function grant(db: Database, userId: string, instanceId: string) {
  await db.insert(userInstanceAccess).values({ userId, instanceId });
}

export async function makeTemplate(db: Database, overrides: Partial<typeof queryTemplates.$inferInsert> = {}) {
  const [row] = await db
    .insert(queryTemplates)
    .values({ templateId: `tpl_${seq()}`, name: "Template", sqlTemplate: "SELECT 1", ...overrides })
    .returning();
  return row!;
}

export async function makeReport(db: Database, overrides: Partial<typeof reportDefinitions.$inferInsert> = {}) {
  const [row] = await db
    .insert(reportDefinitions)
    .values({ reportId: newReportId(), name: "Report", ...overrides })
    .returning();
  return row!;
}

export async function makeExecution(
  db: Database,
  reportUuid: string,
  overrides: Partial<typeof reportExecutions.$inferInsert> & { status?: ExecutionStatus } = {},
) {
  const [row] = await db
    .insert(reportExecutions)
    .values({ executionId: newExecutionId(), reportId: reportUuid, triggeredBy: "manual", ...overrides })
    .returning();
  return row!;
}

export async function makeSchedule(
  db: Database,
  reportUuid: string,
  overrides: Partial<typeof reportSchedules.$inferInsert> = {},
) {
  const [row] = await db
    .insert(reportSchedules)
    .values({ scheduleId: newScheduleId(), reportId: reportUuid, scheduleType: "daily", cronExpression: "0 2 * * *", ...overrides })
    .returning();
  return row!;
}

export async function makeDashboard(db: Database, overrides: Partial<typeof dashboards.$inferInsert> = {}) {
  const [row] = await db
    .insert(dashboards)
    .values({ dashboardId: newDashboardId(), name: "Dashboard", ...overrides })
    .returning();
  return row!;
}
