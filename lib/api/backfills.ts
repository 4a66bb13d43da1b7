import { z } from "zod";
import type { Database } from "../../db/client";
import type { SessionUser } from "../../db/queries/access";
import { COLLECTION_STATUSES, EXECUTION_STATUSES, SEGMENT_TYPES } from "../../db/schema";
import { backfillForUserOrThrow } from "../auth/guards";
import { cancelBackfill, retryFailedSegments, startBackfill } from "../backfill/backfills";
import { segmentTypeSchema } from "../backfill/plan";
import { backfillProgress } from "../backfill/progress";
import type { EngineDeps } from "../engine/deps";
import { notFound } from "../errors";
import { collectionIdSchema, reportIdSchema } from "../ids";
import { endpoints, iso, isoTime, pick, reportParams } from "./endpoint";

/** API v1: a report's backfills (historical collections), addressed by report and `col_…` id. */

const backfillsEndpoint = endpoints("Backfills");

export const backfillSchema = z
  .strictObject({
    collectionId: z.string(),
    reportId: z.string(),
    status: z.enum(COLLECTION_STATUSES),
    segmentType: z.enum(SEGMENT_TYPES).nullable(),
    startDate: z.iso.date().nullable(),
    endDate: z.iso.date().nullable(),
    createdAt: isoTime,
    total: z.number().int(),
    done: z.number().int(),
    running: z.number().int(),
    pending: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    rows: z.number().int(),
    segments: z.array(
      z.strictObject({
        executionId: z.string(),
        windowStart: isoTime,
        windowEnd: isoTime,
        timezone: z.string(),
        status: z.enum(EXECUTION_STATUSES),
        attempts: z.number().int(),
        runs: z.number().int(),
        rows: z.number().int().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "Backfill" });

const backfillParams = z.strictObject({ reportId: reportIdSchema, collectionId: collectionIdSchema });

export const startBackfillEndpoint = backfillsEndpoint("POST /api/v1/reports/{reportId}/backfills", {
  summary: "Start a backfill",
  description: "At most 365 days back, ending before the template's data lag. 409 while another backfill of the report is active; 429 past 5 starts per instance per day.",
  params: reportParams,
  body: z.strictObject({ lookbackDays: z.number().int().min(1).max(365), segmentType: segmentTypeSchema }),
  responses: { 201: backfillSchema },
  errors: [404, 409, 413, 415, 429],
});

export const getBackfillEndpoint = backfillsEndpoint("GET /api/v1/reports/{reportId}/backfills/{collectionId}", {
  summary: "A backfill's progress, one entry per segment (newest window first)",
  params: backfillParams,
  responses: { 200: backfillSchema },
  errors: [404],
});

export const retryBackfillEndpoint = backfillsEndpoint("POST /api/v1/reports/{reportId}/backfills/{collectionId}/retry", {
  summary: "Re-queue only the failed segments",
  description: "400 when no segment failed; 409 for a cancelled backfill or while another one runs.",
  params: backfillParams,
  responses: { 202: backfillSchema },
  errors: [404, 409],
});

export const cancelBackfillEndpoint = backfillsEndpoint("POST /api/v1/reports/{reportId}/backfills/{collectionId}/cancel", {
  summary: "Cancel the remaining segments (completed ones keep their results)",
  params: backfillParams,
  responses: { 202: backfillSchema },
  errors: [404],
});

export async function apiGetBackfill(db: Database, user: SessionUser, ref: { reportId: string; collectionId: string }) {
  const { collection } = await backfillForUserOrThrow(db, user, ref);
  const [p] = await backfillProgress(db, { collectionUuid: collection.id }, 1);
  if (!p) throw notFound("Backfill");
  return {
    collectionId: p.collectionId,
    reportId: ref.reportId,
    ...pick(p, ["status", "segmentType", "startDate", "endDate"]),
    createdAt: iso(p.createdAt),
    ...pick(p, ["total", "done", "running", "pending", "failed", "cancelled", "rows"]),
    segments: p.segments.map((s) => ({
      executionId: s.executionId,
      windowStart: iso(s.windowStart),
      windowEnd: iso(s.windowEnd),
      timezone: s.timeZone,
      ...pick(s, ["status", "attempts", "runs", "rows", "error"]),
    })),
  };
}

export async function apiStartBackfill(db: Database, user: SessionUser, reportId: string, body: { lookbackDays: number; segmentType: z.output<typeof segmentTypeSchema> }, now: Date) {
  const started = await startBackfill(db, user, { reportId, ...body }, now);
  return apiGetBackfill(db, user, { reportId, collectionId: started.collectionId });
}

export async function apiRetryBackfill(db: Database, user: SessionUser, ref: { reportId: string; collectionId: string }, now: Date) {
  await retryFailedSegments(db, user, ref, now);
  return apiGetBackfill(db, user, ref);
}

export async function apiCancelBackfill(deps: EngineDeps, user: SessionUser, ref: { reportId: string; collectionId: string }) {
  await cancelBackfill(deps, user, ref);
  return apiGetBackfill(deps.db, user, ref);
}
