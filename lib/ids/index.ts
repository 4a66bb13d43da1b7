import { randomBytes } from "node:crypto";
import { z } from "zod";

// Human-readable ids made server-side: prefix + 10 characters of [0-9a-z] (~51 bits), so
// 100k reports collide with probability ~1e-6; the UNIQUE constraint catches the rest.
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

function token(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}

export type ReportId = `rpt_${string}`;
export type ExecutionId = `exec_${string}`;
export type ScheduleId = `sch_${string}`;
export type CollectionId = `col_${string}`;
export type DashboardId = `dash_${string}`;

export const newReportId = (): ReportId => `rpt_${token(10)}`;
export const newExecutionId = (): ExecutionId => `exec_${token(10)}`;
export const newScheduleId = (): ScheduleId => `sch_${token(10)}`;
export const newCollectionId = (): CollectionId => `col_${token(10)}`;
export const newDashboardId = (): DashboardId => `dash_${token(10)}`;

/**
 * A human id as it may arrive from a URL or a form: the prefix, then letters, digits, `_` or
 * `-` (ours are 10 of [0-9a-z]; older and test ids are longer). Anything else, a NUL byte or a
 * 5 MB string, is refused before it reaches a query.
 */
const humanId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,64}$`), `Not a valid id (${prefix}_…).`);

export const reportIdSchema = humanId("rpt");
export const executionIdSchema = humanId("exec");
export const scheduleIdSchema = humanId("sch");
export const collectionIdSchema = humanId("col");
export const dashboardIdSchema = humanId("dash");
