import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportDataCollections, type CollectionStatus } from "../../db/schema";
import type { SessionUser } from "../../db/queries/access";
import { recordAudit } from "../audit/record";
import { backfillForUserOrThrow } from "../auth/guards";
import { AppError } from "../errors";
import type { BackfillRef } from "./backfills";

/** Pause and Resume take the same arguments and answer alike. */
type PauseChange = (db: Database, user: SessionUser, ref: BackfillRef, now: Date) => Promise<{ collectionId: string; status: CollectionStatus }>;

/**
 * Pause / Resume of a backfill. Paused is a collection status: the submit phase
 * (lib/executions/submit.ts, `due`) does not take pending segments of a paused collection, and
 * the tick's status refresh leaves it alone. Segments already at AMC finish and store their
 * results; nothing is cancelled. Resume makes it running again and the queue continues where it
 * stopped (newest window first, as before).
 */
export const pauseBackfill: PauseChange = (db, user, ref, now) => setPaused(db, user, ref, now, true);

export const resumeBackfill: PauseChange = (db, user, ref, now) => setPaused(db, user, ref, now, false);

async function setPaused(db: Database, user: SessionUser, ref: BackfillRef, now: Date, pause: boolean) {
  return db.transaction(async (tx) => {
    // The report row lock serializes this with start / retry / cancel of the report's backfills.
    const { report, collection } = await backfillForUserOrThrow(tx, user, ref, { lock: true });
    const from: readonly CollectionStatus[] = pause ? ["pending", "running"] : ["paused"];
    if (!from.includes(collection.status)) {
      const why = pause
        ? collection.status === "paused"
          ? "This backfill is already paused."
          : `This backfill already ended (${collection.status.replaceAll("_", " ")}); there is nothing to pause.`
        : "This backfill is not paused.";
      throw new AppError("CONFLICT", why);
    }
    // Resumed as running: the next tick's refresh turns it completed if nothing is left open.
    const status: CollectionStatus = pause ? "paused" : "running";
    // Conditional: the tick's refresh may have ended it since it was read.
    const changed = await tx
      .update(reportDataCollections)
      .set({ status, updatedAt: now })
      .where(and(eq(reportDataCollections.id, collection.id), inArray(reportDataCollections.status, [...from])))
      .returning({ id: reportDataCollections.id });
    if (changed.length === 0) throw new AppError("CONFLICT", "This backfill changed meanwhile; reload the page and try again.");
    await recordAudit(tx, {
      actor: user,
      action: pause ? "backfill.pause" : "backfill.resume",
      targetType: "backfill",
      targetId: collection.collectionId,
      instanceId: report.instanceId,
      details: { reportId: report.reportId },
      now,
    });
    return { collectionId: collection.collectionId, status };
  });
}
