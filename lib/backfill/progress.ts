import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { CollectionStatus, ExecutionStatus, SegmentType } from "../../db/schema";

export interface SegmentProgress {
  /** The newest execution of this window (retries add newer ones; older ones are history). */
  executionId: string;
  windowStart: Date;
  windowEnd: Date;
  timeZone: string;
  /** "completed" only when AMC succeeded AND the result is stored. */
  status: ExecutionStatus;
  /**
   * The newest execution's failed attempts: while pending, the transient submit failures so far
   * (it retries by itself); once failed, the attempts it used. The engine resets it when AMC
   * accepts the run, so for a run at AMC the AMC id is the fact to show, not this.
   */
  attempts: number;
  /** When a pending segment is next tried (backoff after a transient failure). */
  nextAttemptAt: Date | null;
  /** AMC's id once AMC accepted the run. */
  amcExecutionId: string | null;
  /** Executions made for this window (1 + manual retries). */
  runs: number;
  rows: number | null;
  error: string | null;
}

export interface BackfillProgress {
  id: string;
  collectionId: string;
  status: CollectionStatus;
  segmentType: SegmentType | null;
  startDate: string | null;
  endDate: string | null;
  createdAt: Date;
  total: number;
  done: number;
  running: number;
  pending: number;
  failed: number;
  cancelled: number;
  rows: number;
  /** Newest window first. */
  segments: SegmentProgress[];
}

interface Row extends Record<string, unknown> {
  collection_uuid: string;
  execution_id: string;
  time_window_start: string | Date;
  time_window_end: string | Date;
  time_window_timezone: string | null;
  status: ExecutionStatus;
  stored: boolean;
  attempts: number;
  next_attempt_at: string | Date | null;
  amc_execution_id: string | null;
  runs: number;
  row_count: number | null;
  error_message: string | null;
}

/** Progress of the given collections (by uuid), each segment = the newest execution of its window. */
export async function backfillSegments(db: Database, collectionUuids: string[]): Promise<Map<string, SegmentProgress[]>> {
  const out = new Map<string, SegmentProgress[]>();
  if (collectionUuids.length === 0) return out;
  const rows = await db.execute<Row>(sql`
    SELECT DISTINCT ON (e.collection_id, e.time_window_start)
           e.collection_id AS collection_uuid, e.execution_id, e.time_window_start, e.time_window_end,
           e.time_window_timezone, e.status, e.attempts, e.next_attempt_at, e.amc_execution_id, e.row_count, e.error_message,
           EXISTS (SELECT 1 FROM execution_results r WHERE r.execution_id = e.id) AS stored,
           (count(*) OVER (PARTITION BY e.collection_id, e.time_window_start))::int AS runs
      FROM report_executions e
     -- Through report_id: report_executions has an index on it, none on collection_id.
     WHERE (e.report_id, e.collection_id) IN (
             SELECT c.report_id, c.id FROM report_data_collections c
              WHERE c.id IN (${sql.join(collectionUuids.map((id) => sql`${id}::uuid`), sql`, `)}))
     ORDER BY e.collection_id, e.time_window_start DESC, e.created_at DESC, e.id DESC`);
  for (const r of rows) {
    const list = out.get(r.collection_uuid) ?? [];
    // Completed without a stored result is not done (pitfall 24): show it as still running.
    const status: ExecutionStatus = r.status === "completed" && !r.stored ? "running" : r.status;
    list.push({
      executionId: r.execution_id,
      windowStart: new Date(r.time_window_start),
      windowEnd: new Date(r.time_window_end),
      timeZone: r.time_window_timezone ?? "UTC",
      status,
      attempts: Number(r.attempts),
      nextAttemptAt: r.status === "pending" && r.next_attempt_at ? new Date(r.next_attempt_at) : null,
      amcExecutionId: r.amc_execution_id,
      runs: Number(r.runs),
      rows: r.row_count === null ? null : Number(r.row_count),
      error: r.error_message,
    });
    out.set(r.collection_uuid, list);
  }
  return out;
}

export function summarize(segments: SegmentProgress[]) {
  const count = (s: ExecutionStatus) => segments.filter((x) => x.status === s).length;
  return {
    total: segments.length,
    done: count("completed"),
    running: count("running"),
    pending: count("pending"),
    failed: count("failed"),
    cancelled: count("cancelled"),
    rows: segments.reduce((a, s) => a + (s.status === "completed" ? (s.rows ?? 0) : 0), 0),
  };
}

/** A report's backfills, newest first, with per-segment progress. */
export async function backfillProgress(db: Database, where: { reportUuid: string } | { collectionUuid: string }, limit = 5): Promise<BackfillProgress[]> {
  const filter = "reportUuid" in where ? sql`report_id = ${where.reportUuid}` : sql`id = ${where.collectionUuid}`;
  const collections = await db.execute<{
    id: string;
    collection_id: string;
    status: CollectionStatus;
    segment_type: SegmentType | null;
    start_date: string | null;
    end_date: string | null;
    created_at: string | Date;
  }>(sql`
    SELECT id, collection_id, status, segment_type, start_date::text, end_date::text, created_at
      FROM report_data_collections WHERE ${filter}
     ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
  const list = [...collections];
  const segs = await backfillSegments(db, list.map((c) => c.id));
  return list.map((c) => {
    const segments = segs.get(c.id) ?? [];
    return {
      id: c.id,
      collectionId: c.collection_id,
      status: c.status,
      segmentType: c.segment_type,
      startDate: c.start_date,
      endDate: c.end_date,
      createdAt: new Date(c.created_at),
      ...summarize(segments),
      segments,
    };
  });
}
