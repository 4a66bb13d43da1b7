import { eq } from "drizzle-orm";
import { getDb, getSql } from "@/db/client";
import { executionResults, reportDefinitions, reportExecutions } from "@/db/schema";
import { canAccessInstance } from "@/db/queries/access";
import { currentUser } from "@/lib/auth/session";
import { streamResultCsv } from "@/lib/executions/csv-export";
import { apiError } from "@/lib/http/api-error";

export async function GET(_req: Request, { params }: { params: Promise<{ executionId: string }> }) {
  const user = await currentUser();
  if (!user) return apiError("UNAUTHENTICATED", "Sign in to download results.");
  const { executionId } = await params;
  const db = getDb();
  const [row] = await db
    .select({ run: reportExecutions, reportId: reportDefinitions.reportId, result: executionResults })
    .from(reportExecutions)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportExecutions.reportId))
    .leftJoin(executionResults, eq(executionResults.executionId, reportExecutions.id))
    .where(eq(reportExecutions.executionId, executionId));
  if (!row?.run.instanceId || !(await canAccessInstance(db, user, row.run.instanceId))) {
    return apiError("NOT_FOUND", "Execution was not found.");
  }
  if (!row.result) return apiError("NOT_FOUND", "This execution has no stored result.");
  const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "unknown");
  const name = `${row.reportId}_${day(row.run.timeWindowStart)}_${day(row.run.timeWindowEnd)}_${row.run.executionId}.csv`;
  return new Response(streamResultCsv(getSql(), row.run.id, row.result.columns), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
