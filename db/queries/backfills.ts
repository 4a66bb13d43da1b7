import "server-only";
import type { Database } from "../client";
import { backfillProgress, type BackfillProgress } from "../../lib/backfill/progress";

/**
 * The report page's Backfills block: the report's latest backfills with per-segment progress.
 * The caller has already checked access to the report (getReportForUser).
 */
export async function listReportBackfills(db: Database, reportUuid: string, limit = 5): Promise<BackfillProgress[]> {
  return backfillProgress(db, { reportUuid }, limit);
}

export type { BackfillProgress, SegmentProgress } from "../../lib/backfill/progress";
