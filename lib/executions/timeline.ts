import type { ExecutionStatus } from "../../db/schema/reports";

/**
 * A run's status timeline for its page, from the timestamps the engine stamps: created (pending),
 * started (claimed by the submit phase, being sent), submitted (AMC accepted it and runs it), and
 * the end. Steps the run never reached are absent rather than guessed; each step carries the time
 * since the previous step it reached, and an unfinished run's last step the time so far.
 */

export type TimelineStepKind = "created" | "started" | "submitted" | "completed" | "failed" | "cancelled";

export interface TimelineStep {
  kind: TimelineStepKind;
  label: string;
  at: Date;
  /** Milliseconds since the previous step, or null for the first. */
  sincePreviousMs: number | null;
}

export interface Timeline {
  steps: TimelineStep[];
  /** For a pending or running run: what it is doing now and for how long. */
  current: { label: string; forMs: number } | null;
}

const LABELS: Record<TimelineStepKind, string> = {
  created: "Created",
  started: "Sent to AMC",
  submitted: "Running at AMC",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export interface TimelineInput {
  status: ExecutionStatus;
  createdAt: Date | null;
  startedAt: Date | null;
  submittedAt: Date | null;
  completedAt: Date | null;
}

export function runTimeline(run: TimelineInput, now: Date): Timeline {
  const terminal = run.status === "completed" || run.status === "failed" || run.status === "cancelled";
  const candidates: [TimelineStepKind, Date | null][] = [
    ["created", run.createdAt],
    ["started", run.startedAt],
    ["submitted", run.submittedAt],
  ];
  if (terminal) candidates.push([run.status as "completed" | "failed" | "cancelled", run.completedAt]);
  const steps: TimelineStep[] = [];
  for (const [kind, at] of candidates) {
    if (!at) continue;
    const previous = steps[steps.length - 1];
    steps.push({ kind, label: LABELS[kind], at, sincePreviousMs: previous ? Math.max(0, at.getTime() - previous.at.getTime()) : null });
  }
  const last = steps[steps.length - 1];
  const current =
    terminal || !last
      ? null
      : {
          label: run.status === "pending" ? (run.startedAt ? "Waiting to be sent again" : "Waiting to be sent") : run.submittedAt ? "AMC is running it" : "Being sent to AMC",
          forMs: Math.max(0, now.getTime() - last.at.getTime()),
        };
  return { steps, current };
}
