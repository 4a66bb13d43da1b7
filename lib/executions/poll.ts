import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { reportExecutions } from "../../db/schema";
import { AmcError, type AmcGateway } from "../amc/gateway";
import { addMs, logOf, settingsOf, type EngineDeps, type InstanceRef } from "../engine/deps";
import { explainFailure } from "./explain";
import { copyResultRows } from "./ingest";
import { instanceRef } from "./instance-ref";
import { pollDelayMs, submitBackoffMs } from "./settings";
import { ended } from "./transitions";

export interface PollSummary {
  polled: number;
  stillRunning: number;
  completed: number;
  failed: number;
  cancelled: number;
  ingestRetried: number;
}

type Execution = typeof reportExecutions.$inferSelect;

/**
 * Poll phase: claim running runs whose poll is due with a lease (one statement, SKIP LOCKED),
 * ask AMC, and act. Only this phase ends a submitted run (pitfall 8: never "completed" on
 * submit), and "completed" is written in the same transaction as the stored rows.
 */
export async function pollRunning(deps: EngineDeps): Promise<PollSummary> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const summary: PollSummary = { polled: 0, stillRunning: 0, completed: 0, failed: 0, cancelled: 0, ingestRetried: 0 };
  const lease = addMs(now, settings.pollLeaseMs);

  const next = db
    .select({ id: reportExecutions.id })
    .from(reportExecutions)
    .where(
      and(
        eq(reportExecutions.status, "running"),
        isNotNull(reportExecutions.amcExecutionId),
        // A submitted run without a poll time is due at once (nothing may stay running unpolled).
        or(isNull(reportExecutions.nextAttemptAt), lte(reportExecutions.nextAttemptAt, now)),
        or(isNull(reportExecutions.leaseExpiresAt), lte(reportExecutions.leaseExpiresAt, now)),
      ),
    )
    .orderBy(sql`${reportExecutions.nextAttemptAt} ASC NULLS FIRST`)
    .limit(settings.pollBatch)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(reportExecutions)
    .set({ leaseExpiresAt: lease })
    .where(sql`${reportExecutions.id} IN (${next})`)
    .returning();

  for (const row of claimed) {
    summary.polled += 1;
    const instance = await instanceRef(db, row.instanceId);
    if (!instance) continue; // instance deleted: its executions went with it (cascade)
    const outcome = await pollOne(deps, instance, row, lease);
    summary[outcome] += 1;
  }
  return summary;
}

async function pollOne(
  deps: EngineDeps,
  instance: InstanceRef,
  row: Execution,
  lease: Date,
): Promise<"stillRunning" | "completed" | "failed" | "cancelled" | "ingestRetried"> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const amcId = row.amcExecutionId!;
  // Every write below is conditional on still holding our lease: if we were slow and another
  // server took over, our late answer is dropped rather than overwriting theirs.
  const mine = and(eq(reportExecutions.id, row.id), eq(reportExecutions.status, "running"), eq(reportExecutions.leaseExpiresAt, lease));
  const later = (ms: number) => ({ leaseExpiresAt: null, nextAttemptAt: addMs(now, ms) });

  let gateway: AmcGateway;
  try {
    gateway = await deps.gateways(instance);
    if (row.cancelRequestedAt) {
      await gateway.cancel(instance.instanceId, amcId);
      await db.update(reportExecutions).set(ended("cancelled", now)).where(mine);
      return "cancelled";
    }
    const state = await gateway.status(instance.instanceId, amcId);
    if (state.status === "pending" || state.status === "running") {
      await db
        .update(reportExecutions)
        .set({ ...later(pollDelayMs(settings, row.pollCount + 1, instance.instanceType)), pollCount: row.pollCount + 1 })
        .where(mine);
      return "stillRunning";
    }
    if (state.status === "failed") {
      await db
        .update(reportExecutions)
        .set(
          ended("failed", now, {
            message: `AMC reported the run failed: ${state.reason ?? `status ${state.amcStatus}, no reason given`}`,
            details: { cause: "amc_failed", amcStatus: state.amcStatus },
          }),
        )
        .where(mine);
      return "failed";
    }
    if (state.status === "cancelled") {
      await db.update(reportExecutions).set(ended("cancelled", now)).where(mine);
      return "cancelled";
    }
    return await ingest(deps, gateway, instance, row, lease);
  } catch (e) {
    if (e instanceof AmcError && e.retryable) {
      // AMC busy or flaky while polling: the run itself is fine, look again later.
      await db
        .update(reportExecutions)
        .set(later(e.retryAfterMs ?? pollDelayMs(settings, row.pollCount + 1, instance.instanceType)))
        .where(mine);
      return "stillRunning";
    }
    const { message, cause } = explainFailure(e, instance.instanceId);
    logOf(deps).warn("poll failed", { executionId: row.executionId, cause });
    await db
      .update(reportExecutions)
      .set(ended("failed", now, { message, details: { cause } }))
      .where(mine);
    return "failed";
  }
}

async function ingest(
  deps: EngineDeps,
  gateway: AmcGateway,
  instance: InstanceRef,
  row: Execution,
  lease: Date,
): Promise<"completed" | "failed" | "ingestRetried"> {
  const { db, now } = deps;
  const settings = settingsOf(deps);
  const amcId = row.amcExecutionId!;
  try {
    const files = await gateway.results(instance.instanceId, amcId);
    const stored = await deps.sql.begin(async (tx) => {
      const result = await copyResultRows(tx, row.id, files);
      const [done] = await tx`
        UPDATE report_executions
           SET status = 'completed', completed_at = ${now}, lease_expires_at = NULL,
               row_count = ${result.rowCount}, size_bytes = ${result.sizeBytes},
               output_location = ${`db:execution_result_rows/${row.executionId}`}, error_message = NULL
         WHERE id = ${row.id} AND status = 'running' AND lease_expires_at = ${lease}
         RETURNING id`;
      // Lost the lease (cancelled or taken over): roll the rows back with it.
      if (!done) throw new LeaseLost();
      await tx`
        INSERT INTO execution_results (execution_id, report_id, columns, row_count, size_bytes, window_start, window_end)
        VALUES (${row.id}, ${row.reportId}, ${tx.json(result.columns)}, ${result.rowCount}, ${result.sizeBytes},
                ${row.timeWindowStart}, ${row.timeWindowEnd})
        ON CONFLICT (execution_id) DO UPDATE
          SET columns = excluded.columns, row_count = excluded.row_count, size_bytes = excluded.size_bytes`;
      return result;
    });
    // What follows a completed run (its report's dashboard) is the follow-up phase's job, retried
    // there: nothing after this commit can undo or hold up the completion.
    logOf(deps).info("completed", { executionId: row.executionId, rows: stored.rowCount });
    return "completed";
  } catch (e) {
    if (e instanceof LeaseLost) return "ingestRetried";
    const attempts = row.attempts + 1;
    const transient = !(e instanceof AmcError) || e.retryable;
    if (transient && attempts < settings.maxIngestAttempts) {
      await db
        .update(reportExecutions)
        .set({
          attempts,
          leaseExpiresAt: null,
          nextAttemptAt: addMs(now, submitBackoffMs(settings, attempts)),
          errorDetails: { lastError: e instanceof Error ? e.message : String(e), phase: "download" },
        })
        .where(and(eq(reportExecutions.id, row.id), eq(reportExecutions.leaseExpiresAt, lease)));
      return "ingestRetried";
    }
    const reason = e instanceof Error ? e.message : String(e);
    await db
      .update(reportExecutions)
      .set(
        ended("failed", now, {
          message: `AMC finished the run, but its result could not be downloaded and stored after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason}`,
          details: { cause: "download", attempts },
        }),
      )
      .where(and(eq(reportExecutions.id, row.id), eq(reportExecutions.leaseExpiresAt, lease)));
    return "failed";
  }
}

class LeaseLost extends Error {
  constructor() {
    super("lease lost");
  }
}
