import { getDb, getSql } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { exportExecution } from "@/lib/dashboards/export";

/** One execution's stored result as a streamed XLSX (same access rules as the CSV twin). */
export async function GET(_req: Request, { params }: { params: Promise<{ executionId: string }> }) {
  return exportExecution(getDb(), getSql(), await currentUser(), (await params).executionId, "xlsx");
}
