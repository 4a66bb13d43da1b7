import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { reportExecutions } from "../../db/schema";
import { CLOCK_SKEW_MS, findSubmitted, type AmcGateway, type SubmitRequest } from "../amc/gateway";
import type { InstanceRef } from "../engine/deps";

/**
 * AMC has no idempotency key: a create whose answer was lost (504, timeout, reset, or a crash
 * before the id was saved) may have been accepted. Before any resubmit, the engine lists the
 * instance's executions created since the run's first attempt and adopts the one that is this
 * run's create (same SQL, window and zone, not already another run's), so AMC runs it once.
 */

/** Whether an AMC execution already belongs to another run of ours on the same instance. */
async function ownedByOtherRun(db: Database, instanceUuid: string, runUuid: string, amcExecutionId: string): Promise<boolean> {
  const [hit] = await db
    .select({ id: reportExecutions.id })
    .from(reportExecutions)
    .where(
      and(
        eq(reportExecutions.instanceId, instanceUuid),
        eq(reportExecutions.amcExecutionId, amcExecutionId),
        ne(reportExecutions.id, runUuid),
      ),
    )
    .limit(1);
  return hit !== undefined;
}

/** `ownedByOtherRun` for one run, as the listing's filter. */
export function adoptedElsewhere(db: Database, instanceUuid: string, runUuid: string) {
  return (amcExecutionId: string): Promise<boolean> => ownedByOtherRun(db, instanceUuid, runUuid, amcExecutionId);
}

/**
 * The AMC id of this run's earlier create if AMC accepted it, else null (then sending it again
 * makes no second execution). Throws what the listing throws: the caller must not resubmit then.
 */
export async function acceptedEarlier(
  gateway: AmcGateway,
  instance: InstanceRef,
  req: SubmitRequest,
  firstAttemptAt: Date,
): Promise<string | null> {
  const listed = await gateway.listExecutions(instance.instanceId, new Date(firstAttemptAt.getTime() - CLOCK_SKEW_MS));
  return (await findSubmitted(listed, req))?.amcExecutionId ?? null;
}

/**
 * Stores an adopted AMC id unless another run got it first ("taken"), or the row is no longer
 * this server's to write ("lost": cancelled, reaped). Two runs with the same SQL and
 * window could both find the same execution; the advisory lock on the id makes the check and
 * the write one step, so each execution belongs to at most one run.
 */
export async function storeAmcId(
  db: Database,
  where: ReturnType<typeof and>,
  instanceUuid: string,
  runUuid: string,
  amcExecutionId: string,
  values: Partial<typeof reportExecutions.$inferInsert>,
): Promise<"saved" | "taken" | "lost"> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`amc-execution:${amcExecutionId}`}))`);
    if (await ownedByOtherRun(tx, instanceUuid, runUuid, amcExecutionId)) return "taken";
    const saved = await tx
      .update(reportExecutions)
      .set({ ...values, amcExecutionId })
      .where(where)
      .returning({ id: reportExecutions.id });
    return saved.length > 0 ? "saved" : "lost";
  });
}
