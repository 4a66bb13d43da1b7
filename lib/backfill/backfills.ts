import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { queryTemplates, reportDataCollections, reportExecutions, type CollectionStatus } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { backfillForUserOrThrow, reportForUserOrThrow, type Report } from "../auth/guards";
import { AppError } from "../errors";
import { consume, rateLimited } from "../limits/consume";
import { LIMITS, MAX_RUNNING_BACKFILLS_PER_USER } from "../limits/limits";
import { cancelExecution } from "../executions/cancel";
import { createExecution } from "../executions/create";
import type { EngineDeps } from "../engine/deps";
import { newCollectionId } from "../ids";
import { addDays, localDate } from "../params/zoned";
import { backfillWindowFields, MAX_LOOKBACK_DAYS, planSegments, PlanError, type Plan, type Segment } from "./plan";

/** Collection statuses that count as "a backfill is running on this report". */
export const ACTIVE_COLLECTION_STATUSES = ["pending", "running", "paused"] as const satisfies readonly CollectionStatus[];

const reportIdSchema = z.string().regex(/^rpt_[0-9a-z]+$/, "Not a report id.");
const collectionIdSchema = z.string().regex(/^col_[0-9a-z]+$/, "Not a backfill id.");

export const backfillInputSchema = z.strictObject({ reportId: reportIdSchema, ...backfillWindowFields });
export type BackfillInput = z.infer<typeof backfillInputSchema>;

export const backfillRefSchema = z.strictObject({ reportId: reportIdSchema, collectionId: collectionIdSchema });
export type BackfillRef = z.infer<typeof backfillRefSchema>;

interface ReportForBackfill {
  id: string;
  reportId: string;
  instanceId: string;
  timezone: string;
  lagDays: number;
}

/** A report loaded through its guard, with the lag its template defines (windows end before it). */
async function withLag(db: Database, report: Report & { instanceId: string }): Promise<ReportForBackfill> {
  const [template] = report.templateId
    ? await db.select({ lagDays: queryTemplates.dataLagDays }).from(queryTemplates).where(eq(queryTemplates.id, report.templateId))
    : [];
  return { id: report.id, reportId: report.reportId, instanceId: report.instanceId, timezone: report.timezone, lagDays: template?.lagDays ?? 14 };
}

/**
 * The report, if the user may see its instance (a foreign report answers like a missing one).
 * `lock`: the report row is the lock that makes "one active backfill per report" race-safe.
 */
async function reportFor(db: Database, user: SessionUser, reportId: string, lock = false): Promise<ReportForBackfill> {
  return withLag(db, await reportForUserOrThrow(db, user, reportId, { lock }));
}

function plan(report: ReportForBackfill, input: BackfillWindow, now: Date): Plan {
  return planWindow({ ...input, zone: report.timezone, lagDays: report.lagDays }, now);
}

type BackfillWindow = Pick<BackfillInput, "lookbackDays" | "segmentType" | "endDate">;

/**
 * The segments of a backfill window in `zone`, capped at MAX_LOOKBACK_DAYS; a window the plan
 * rejects is the user's field error. Shared with the wizard's preview of a report not yet made.
 */
export function planWindow(input: BackfillWindow & { zone: string; lagDays: number }, now: Date): Plan {
  try {
    return planSegments({
      lookbackDays: input.lookbackDays,
      segmentType: input.segmentType,
      endDate: input.endDate,
      zone: input.zone,
      lagDays: input.lagDays,
      maxLookbackDays: MAX_LOOKBACK_DAYS,
      now,
    });
  } catch (e) {
    if (e instanceof PlanError) throw new AppError("VALIDATION_ERROR", e.message, { [e.field]: [e.message] });
    throw e;
  }
}

export interface PlanView {
  zone: string;
  start: string;
  end: string;
  lastDay: string;
  lookbackDays: number;
  segmentType: Plan["segmentType"];
  totalSegments: number;
  segments: { start: string; end: string; lastDay: string; days: number; partial: boolean }[];
}

const planView = (p: Plan): PlanView => ({
  zone: p.zone,
  start: p.start,
  end: p.end,
  lastDay: p.segments[0]?.lastDay ?? p.end,
  lookbackDays: p.lookbackDays,
  segmentType: p.segmentType,
  totalSegments: p.segments.length,
  segments: p.segments.map(({ start, end, lastDay, days, partial }) => ({ start, end, lastDay, days, partial })),
});

/** The plan shown before starting: every segment with its exact window, newest first. */
export async function previewBackfill(db: Database, user: SessionUser, input: BackfillInput, now: Date): Promise<PlanView> {
  const report = await reportFor(db, user, input.reportId);
  return planView(plan(report, input, now));
}

/**
 * Starts a backfill: the collection and one pending execution per segment, in one transaction.
 * Refused while another backfill of the report is active (409), while the user already has
 * MAX_RUNNING_BACKFILLS_PER_USER running, and past 5 starts per instance per UTC day (429,
 * lib/limits). Segments are created newest first with increasing created_at, so the engine
 * (oldest created first, after manual and scheduled runs) brings recent data first.
 */
export async function startBackfill(
  db: Database,
  user: SessionUser,
  input: BackfillInput,
  now: Date,
): Promise<{ collectionId: string; totalSegments: number; status: CollectionStatus; plan: PlanView }> {
  return db.transaction(async (tx) => {
    const report = await reportFor(tx, user, input.reportId, true);
    const [active] = await tx
      .select({ collectionId: reportDataCollections.collectionId })
      .from(reportDataCollections)
      .where(and(eq(reportDataCollections.reportId, report.id), inArray(reportDataCollections.status, [...ACTIVE_COLLECTION_STATUSES])))
      .limit(1);
    if (active) {
      throw new AppError(
        "CONFLICT",
        `A backfill of this report is already running (${active.collectionId}). Wait for it to finish or cancel it first.`,
      );
    }
    await assertRunningBelowLimit(tx, user, now);
    // Last, in the transaction: a start refused above (or failing below) gives its unit back.
    await consume(tx, LIMITS.backfillStart, report.instanceId, now);
    const p = plan(report, input, now);
    const [collection] = await tx
      .insert(reportDataCollections)
      .values({
        collectionId: newCollectionId(),
        instanceId: report.instanceId,
        userId: user.id,
        status: "running",
        startDate: p.start,
        endDate: p.end,
        reportId: report.id,
        segmentType: p.segmentType,
        maxLookbackDays: MAX_LOOKBACK_DAYS,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await createSegments(tx, report.id, collection!.id, user.id, p.segments, now);
    await recordAudit(tx, {
      actor: user,
      action: "backfill.start",
      targetType: "backfill",
      targetId: collection!.collectionId,
      instanceId: report.instanceId,
      details: { reportId: report.reportId, lookbackDays: p.lookbackDays, segmentType: p.segmentType, segments: p.segments.length, start: p.start, end: p.end },
      now,
    });
    return { collectionId: collection!.collectionId, totalSegments: p.segments.length, status: "running" as const, plan: planView(p) };
  });
}

/**
 * "2 backfills running at once per user": a count of the user's active collections, not a
 * window, so it is checked under a per-user transaction lock (two concurrent starts would each
 * see one running and both pass). No window to wait for: Retry-After says when to look again.
 */
async function assertRunningBelowLimit(tx: Database, user: SessionUser, now: Date): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`backfill-running:${user.id}`}))`);
  const [running] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(reportDataCollections)
    .where(and(eq(reportDataCollections.userId, user.id), inArray(reportDataCollections.status, [...ACTIVE_COLLECTION_STATUSES])));
  if ((running?.n ?? 0) >= MAX_RUNNING_BACKFILLS_PER_USER) {
    throw rateLimited(
      `You already have ${MAX_RUNNING_BACKFILLS_PER_USER} backfills running; wait for one to finish or cancel one`,
      { limit: MAX_RUNNING_BACKFILLS_PER_USER, remaining: 0, resetAt: new Date(now.getTime() + 60_000) },
      now,
    );
  }
}

/** One pending backfill execution per segment; `segments` newest first. */
async function createSegments(
  tx: Database,
  reportUuid: string,
  collectionUuid: string,
  userId: string | null,
  segments: Pick<Segment, "start" | "lastDay">[],
  now: Date,
): Promise<string[]> {
  const ids: string[] = [];
  for (const s of segments) {
    const { execution } = await createExecution(tx, {
      reportUuid,
      triggeredBy: "backfill",
      now,
      userId,
      window: { kind: "absolute", start: s.start, end: s.lastDay },
      collectionId: collectionUuid,
    });
    ids.push(execution.id);
  }
  // All rows of one transaction share now(): spread created_at by 1 ms, newest segment first,
  // so the engine's oldest-first queue submits recent windows first.
  if (ids.length > 0) {
    await tx.execute(sql`
      UPDATE report_executions e
         SET created_at = ${now.toISOString()}::timestamptz + (o.ord - 1) * interval '1 millisecond',
             updated_at = ${now.toISOString()}::timestamptz
        FROM unnest(ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]) WITH ORDINALITY AS o(id, ord)
       WHERE e.id = o.id`);
  }
  return ids;
}

async function collectionFor(tx: Database, user: SessionUser, ref: BackfillRef, lock: boolean) {
  const { report, collection } = await backfillForUserOrThrow(tx, user, ref, { lock });
  return { report: await withLag(tx, report), collection };
}

/** The newest execution of every window of a collection (a segment's current state). */
async function newestPerWindow(db: Database, reportUuid: string, collectionUuid: string) {
  return db.execute<{
    id: string;
    status: string;
    time_window_start: string;
    time_window_end: string;
    time_window_timezone: string | null;
  }>(sql`
    SELECT DISTINCT ON (time_window_start) id, status, time_window_start, time_window_end, time_window_timezone
      FROM report_executions
     WHERE report_id = ${reportUuid} AND collection_id = ${collectionUuid}
     ORDER BY time_window_start, created_at DESC, id DESC`);
}

/**
 * Re-queues only the failed segments: a fresh execution (fresh attempts) for each window whose
 * newest execution failed; the failed ones stay as history. The backfill is running again.
 */
export async function retryFailedSegments(
  db: Database,
  user: SessionUser,
  ref: BackfillRef,
  now: Date,
): Promise<{ collectionId: string; retried: number; status: CollectionStatus }> {
  return db.transaction(async (tx) => {
    const { report, collection } = await collectionFor(tx, user, ref, true);
    if (collection.status === "cancelled") {
      throw new AppError("CONFLICT", "This backfill was cancelled; start a new one instead.");
    }
    const [other] = await tx
      .select({ collectionId: reportDataCollections.collectionId })
      .from(reportDataCollections)
      .where(
        and(
          eq(reportDataCollections.reportId, report.id),
          inArray(reportDataCollections.status, [...ACTIVE_COLLECTION_STATUSES]),
          sql`${reportDataCollections.id} <> ${collection.id}`,
        ),
      )
      .limit(1);
    if (other) throw new AppError("CONFLICT", `Another backfill of this report is running (${other.collectionId}). Retry when it has finished.`);

    const newest = await newestPerWindow(tx, report.id, collection.id);
    const failed = [...newest]
      .filter((r) => r.status === "failed")
      .map((r) => ({ start: new Date(r.time_window_start), end: new Date(r.time_window_end), zone: r.time_window_timezone ?? report.timezone }))
      .sort((a, b) => b.start.getTime() - a.start.getTime());
    if (failed.length === 0) {
      throw new AppError("VALIDATION_ERROR", "No segment of this backfill has failed; there is nothing to retry.");
    }
    await createSegments(
      tx,
      report.id,
      collection.id,
      user.id,
      failed.map((f) => ({ start: localDate(f.start, f.zone), lastDay: addDays(localDate(f.end, f.zone), -1) })),
      now,
    );
    // A paused backfill stays paused: its re-queued segments wait for Resume like the rest.
    const status: CollectionStatus = collection.status === "paused" ? "paused" : "running";
    await tx
      .update(reportDataCollections)
      .set({ status, updatedAt: now })
      .where(eq(reportDataCollections.id, collection.id));
    await recordAudit(tx, {
      actor: user,
      action: "backfill.retry",
      targetType: "backfill",
      targetId: collection.collectionId,
      instanceId: report.instanceId,
      details: { reportId: report.reportId, retried: failed.length },
      now,
    });
    return { collectionId: collection.collectionId, retried: failed.length, status };
  });
}

/**
 * Cancels the rest of a backfill: pending segments are dropped at once, running ones are
 * cancelled at AMC first (lib/executions/cancel.ts). Completed segments keep their results.
 */
export async function cancelBackfill(
  deps: EngineDeps,
  user: SessionUser,
  ref: BackfillRef,
): Promise<{ collectionId: string; cancelled: number; cancelling: number; status: CollectionStatus }> {
  const { db, now } = deps;
  const { collection } = await db.transaction(async (tx) => {
    const found = await collectionFor(tx, user, ref, true);
    if (!(ACTIVE_COLLECTION_STATUSES as readonly string[]).includes(found.collection.status)) {
      throw new AppError("VALIDATION_ERROR", `This backfill already ended (${found.collection.status}); there is nothing to cancel.`);
    }
    // Marked first, so the tick's status refresh never turns it back into running/completed.
    await tx
      .update(reportDataCollections)
      .set({ status: "cancelled", updatedAt: now })
      .where(eq(reportDataCollections.id, found.collection.id));
    // One entry for the backfill, with the transaction that marks it cancelled; its segments'
    // cancels below are the system acting on that (no run.cancel per segment).
    await recordAudit(tx, {
      actor: user,
      action: "backfill.cancel",
      targetType: "backfill",
      targetId: found.collection.collectionId,
      instanceId: found.report.instanceId,
      details: { reportId: found.report.reportId },
      now,
    });
    return found;
  });
  const dropped = await db
    .update(reportExecutions)
    .set({ status: "cancelled", completedAt: now, cancelRequestedAt: now, updatedAt: now })
    .where(and(eq(reportExecutions.reportId, collection.reportId!), eq(reportExecutions.collectionId, collection.id), eq(reportExecutions.status, "pending")))
    .returning({ id: reportExecutions.id });
  let cancelled = dropped.length;
  let cancelling = 0;
  const running = await db
    .select({ id: reportExecutions.id })
    .from(reportExecutions)
    .where(and(eq(reportExecutions.reportId, collection.reportId!), eq(reportExecutions.collectionId, collection.id), inArray(reportExecutions.status, ["pending", "running"])));
  for (const r of running) {
    try {
      const res = await cancelExecution(deps, r.id);
      if (res.status === "cancelled") cancelled += 1;
      else cancelling += 1;
    } catch (e) {
      // Ended on its own meanwhile: nothing left to cancel.
      if (!(e instanceof AppError)) throw e;
    }
  }
  return { collectionId: collection.collectionId, cancelled, cancelling, status: "cancelled" };
}

export { refreshBackfills } from "./refresh";
