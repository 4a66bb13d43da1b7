/**
 * The column values of the run-state moves more than one phase makes, written once so every
 * phase ends or requeues a run the same way (a terminal run never keeps a lease).
 */

/** A failed run's reason for the user, and machine-readable details for support. */
export interface Failure {
  message: string;
  details: Record<string, unknown>;
}

/** running → completed | failed | cancelled: stamped when, lease released, reason if failed. */
export function ended(status: "completed" | "failed" | "cancelled", now: Date, failure?: Failure) {
  return {
    status,
    completedAt: now,
    leaseExpiresAt: null,
    // A finished run waits for nothing.
    waitingReason: null,
    ...(failure ? { errorMessage: failure.message, errorDetails: failure.details } : {}),
  };
}

/** running → pending: back in the submit queue, not before `at`. */
export function requeued(at: Date) {
  return { status: "pending" as const, startedAt: null, leaseExpiresAt: null, nextAttemptAt: at };
}
