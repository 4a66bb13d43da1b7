import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { amcAccounts, reportExecutions } from "../../db/schema";
import { AmcError, type AmcGateway } from "../amc/gateway";
import { addMs, logOf, settingsOf, type EngineDeps, type InstanceRef } from "../engine/deps";
import { isDatabaseUnavailable } from "../errors/unavailable";
import { explainFailure } from "./explain";
import { storeResult } from "../results/store";
import { accountNeedsReauthorization, instanceRef } from "./instance-ref";
import { takeLease } from "./lease";
import { pollDelayMs, submitBackoffMs } from "./settings";
import { ended } from "./transitions";

export interface PollSummary {
  polled: number;
  /** Runs set waiting: their account needs re-authorization (not polled until it is back). */
  waiting: number;
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
  const summary: PollSummary = { polled: 0, waiting: 0, stillRunning: 0, completed: 0, failed: 0, cancelled: 0, ingestRetried: 0 };
  const lease = addMs(now, settings.pollLeaseMs);

  // Runs whose account needs re-authorization cannot be polled, but AMC goes on running them:
  // they wait, visibly, instead of failing or timing out, and are polled once access is back.
  const accountBroken = accountNeedsReauthorization;
  const nowWaiting = await db
    .update(reportExecutions)
    .set({ waitingReason: "reauthorization" })
    .where(
      and(
        eq(reportExecutions.status, "running"),
        isNotNull(reportExecutions.amcExecutionId),
        isNull(reportExecutions.waitingReason),
        accountBroken,
      ),
    )
    .returning({ id: reportExecutions.id });
  summary.waiting += nowWaiting.length;

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
        sql`NOT ${accountBroken}`,
      ),
    )
    .orderBy(sql`${reportExecutions.nextAttemptAt} ASC NULLS FIRST`)
    .limit(settings.pollBatch)
    .for("update", { skipLocked: true });
  const claimed = await takeLease(db, next, lease);

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
): Promise<"waiting" | "stillRunning" | "completed" | "failed" | "cancelled" | "ingestRetried"> {
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
        .set({
          ...later(pollDelayMs(settings, row.pollCount + 1, instance.isBuiltinSandbox)),
          pollCount: row.pollCount + 1,
          waitingReason: null,
        })
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
    // The database went away, not AMC: nothing is known about the run. Failing it (the write
    // may land on another, live connection) would lose a run AMC is still doing; the lease
    // expires and a later tick polls it again.
    if (isDatabaseUnavailable(e)) throw e;
    if (e instanceof AmcError && e.retryable) {
      // AMC busy or flaky while polling (or a 401 that survived a refresh): the run itself is
      // fine, look again later.
      await db
        .update(reportExecutions)
        .set(later(e.retryAfterMs ?? pollDelayMs(settings, row.pollCount + 1, instance.isBuiltinSandbox)))
        .where(mine);
      return "stillRunning";
    }
    if (e instanceof AmcError && e.cause === "reauthorize") {
      // Login with Amazon refused the refresh token: nobody can reach AMC for this account until
      // an admin reconnects it, but AMC keeps the run (and its result). Wait; the claim above
      // skips the account's runs until it is active again, then they are due at once.
      if (instance.accountId) {
        await db
          .update(amcAccounts)
          .set({ status: "needs_reauthorization", lastError: e.message, lastCheckedAt: now })
          .where(and(eq(amcAccounts.id, instance.accountId), eq(amcAccounts.status, "active")));
      }
      await db
        .update(reportExecutions)
        .set({ waitingReason: "reauthorization", leaseExpiresAt: null, nextAttemptAt: now })
        .where(mine);
      logOf(deps).warn("waiting for re-authorization", { executionId: row.executionId });
      return "waiting";
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
      const result = await storeResult(
        tx,
        { executionUuid: row.id, reportUuid: row.reportId, windowStart: row.timeWindowStart, windowEnd: row.timeWindowEnd },
        files,
      );
      const [done] = await tx`
        UPDATE report_executions
           SET status = 'completed', completed_at = ${now}, lease_expires_at = NULL,
               row_count = ${result.rowCount}, size_bytes = ${result.sizeBytes}, waiting_reason = NULL,
               output_location = ${`db:execution_result_rows/${result.resultKey}`}, error_message = NULL
         WHERE id = ${row.id} AND status = 'running' AND lease_expires_at = ${lease}
         RETURNING id`;
      // Lost the lease (cancelled or taken over): roll the rows back with it.
      if (!done) throw new LeaseLost();
      return result;
    });
    // What follows a completed run (its report's dashboard) is the follow-up phase's job, retried
    // there: nothing after this commit can undo or hold up the completion.
    logOf(deps).info("completed", { executionId: row.executionId, rows: stored.rowCount, ingest: stored.path });
    return "completed";
  } catch (e) {
    if (e instanceof LeaseLost) return "ingestRetried";
    // Storing failed because the database went away: the rows rolled back with the transaction.
    // No ingest attempt is used up (the download was fine); the lease expires and it is redone.
    if (isDatabaseUnavailable(e)) throw e;
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
