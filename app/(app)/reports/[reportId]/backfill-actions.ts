"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/action";
import {
  backfillInputSchema,
  backfillRefSchema,
  cancelBackfill,
  previewBackfill,
  retryFailedSegments,
  startBackfill,
} from "@/lib/backfill/backfills";
import { pauseBackfill, resumeBackfill } from "@/lib/backfill/pause";
import { appEngineDeps } from "@/lib/engine/app-deps";

// Thin: the wrapper parses input and requires a session; lib/backfill checks access to the
// report's instance by id, the one-active-backfill rule and the daily limit.

/** The plan shown before starting: every segment with its exact window. */
export const previewBackfillAction = action(backfillInputSchema, async (input, { db, user }) =>
  previewBackfill(db, user, input, new Date()),
);

export const startBackfillAction = action(backfillInputSchema, async (input, { db, user }) => {
  const r = await startBackfill(db, user, input, new Date());
  revalidatePath(`/reports/${input.reportId}`);
  return { collectionId: r.collectionId, totalSegments: r.totalSegments, status: r.status };
});

export const retryFailedSegmentsAction = action(backfillRefSchema, async (input, { db, user }) => {
  const r = await retryFailedSegments(db, user, input, new Date());
  revalidatePath(`/reports/${input.reportId}`);
  return r;
});

export const cancelBackfillAction = action(backfillRefSchema, async (input, { user }) => {
  const r = await cancelBackfill(appEngineDeps(new Date()), user, input);
  revalidatePath(`/reports/${input.reportId}`);
  return r;
});

/** Pause: pending segments wait (the engine does not send them); running ones finish. */
export const pauseBackfillAction = action(backfillRefSchema, async (input, { db, user }) => {
  const r = await pauseBackfill(db, user, input, new Date());
  revalidatePath(`/reports/${input.reportId}`);
  return r;
});

export const resumeBackfillAction = action(backfillRefSchema, async (input, { db, user }) => {
  const r = await resumeBackfill(db, user, input, new Date());
  revalidatePath(`/reports/${input.reportId}`);
  return r;
});
