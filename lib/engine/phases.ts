import { refreshBackfills } from "../backfill/refresh";
import { followUpCompleted, type FollowUpFn, type FollowUpSummary } from "../executions/follow-up";
import { deliverNotifications, type NotifySummary } from "../notifications/deliver";
import { pollRunning, type PollSummary } from "../executions/poll";
import { reap, type ReapSummary } from "../executions/reap";
import { submitPending, type SubmitSummary } from "../executions/submit";
import { expireResults, type RetentionSummary } from "../results/retention";
import { materializeDue, type CreateFn, type MaterializeSummary } from "../scheduler/materialize";
import { recordOutcomes, type OutcomeSummary } from "../scheduler/outcomes";
import { overdueSchedules, type Overdue } from "../scheduler/overdue";
import type { SchedulerSettings } from "../scheduler/settings";
import type { EngineDeps } from "./deps";

/**
 * The engine as a state machine: the tick runs these phases in this order, each a function of
 * the deps (database, gateways, `now`) and the tick's budget, each moving executions (or
 * schedules) from some states to others. Every phase claims its rows with locks, SKIP LOCKED or
 * leases, so any number of ticks may run them at once. The domain logic lives in lib/scheduler,
 * lib/executions and lib/backfill; this file only says what runs when.
 *
 * Execution states: pending → running → completed | failed | cancelled (+ completed runs owe a
 * follow-up until followed_up_at is set).
 */

/** What a phase may spend. Times are `performance.now()` instants. */
export interface Budget {
  started: number;
  budgetMs: number;
  /** Past this no phase starts a new batch. */
  deadline: number;
  settings: SchedulerSettings;
  /** Test seams: the execution factory materialize uses, the follow-up run per completed run. */
  create?: CreateFn;
  followUp?: FollowUpFn;
}

export interface PhaseResults {
  materialize: MaterializeSummary;
  overdue: Overdue;
  reap: ReapSummary;
  submit: SubmitSummary;
  poll: PollSummary;
  followUp: FollowUpSummary;
  backfillRefresh: { updated: number };
  outcomes: OutcomeSummary;
  retention: RetentionSummary;
  notify: NotifySummary;
}

export type PhaseName = keyof PhaseResults;

/**
 * The tick's summary reports phases in three stages. `materialize` always runs (it has its own
 * share of the budget); the later stages start only while budget is left. In the engine and
 * outcomes stages a failed phase ends its stage for this tick: reap frees the slots submit
 * counts, and a database that failed one phase fails the next.
 */
export type Stage = "materialize" | "engine" | "outcomes" | "notify";

export const STAGES: Record<Stage, { needsBudget: boolean; stopsOnFailure: boolean }> = {
  materialize: { needsBudget: false, stopsOnFailure: false },
  engine: { needsBudget: true, stopsOnFailure: true },
  outcomes: { needsBudget: true, stopsOnFailure: true },
  // Its own stage: mail already owed still goes out on a tick whose outcomes phase failed.
  notify: { needsBudget: true, stopsOnFailure: true },
};

export interface Phase<N extends PhaseName = PhaseName> {
  name: N;
  stage: Stage;
  run: (deps: EngineDeps, budget: Budget) => Promise<PhaseResults[N]>;
}

const phase = <N extends PhaseName>(p: Phase<N>): Phase<N> => p;

export const PHASES = [
  // schedules due → one `pending` execution per (schedule, slot); next_run_at advanced; missed
  // slots skipped by policy. Uses at most materializeShare of the budget.
  phase({
    name: "materialize",
    stage: "materialize",
    run: (deps, b) =>
      materializeDue(deps, { settings: b.settings, deadline: b.started + b.budgetMs * b.settings.materializeShare, create: b.create }),
  }),
  // Moves nothing: counts schedules still due (and logs the alarm when they are late).
  phase({ name: "overdue", stage: "materialize", run: (deps) => overdueSchedules(deps) }),
  // running past the timeout → failed; running without an AMC id or live lease (a submit that
  // crashed) → pending, or failed once its attempts are spent. Frees slots before submit counts.
  phase({ name: "reap", stage: "engine", run: (deps) => reap(deps) }),
  // pending → running (submitted to AMC, at most N per instance); → pending again on 429 or a
  // transient error (backoff); → failed on a permanent error.
  phase({ name: "submit", stage: "engine", run: (deps) => submitPending(deps) }),
  // running (poll due) → completed (result stored in the same transaction) | failed | cancelled,
  // or stays running with the next poll time.
  phase({ name: "poll", stage: "engine", run: (deps) => pollRunning(deps) }),
  // completed with follow-up owed → followed up (the report's dashboard exists); a failure stays
  // owed and is retried on a later tick. Never changes the run's status.
  phase({ name: "followUp", stage: "engine", run: (deps, b) => followUpCompleted(deps, { deadline: b.deadline, followUp: b.followUp }) }),
  // Backfills (not executions): pending/running → running | completed | completed_with_failures
  // from their segments' newest executions.
  phase({ name: "backfillRefresh", stage: "engine", run: (deps) => refreshBackfills(deps) }),
  // Finished scheduled runs → counted into their schedule once; a schedule → paused after N
  // consecutive failures.
  phase({ name: "outcomes", stage: "outcomes", run: (deps, b) => recordOutcomes(deps, { settings: b.settings, deadline: b.deadline }) }),
  // Moves results, not executions: stored results past the retention setting → rows removed,
  // execution_results.expired_at set (the window shows as expired). Idempotent.
  phase({ name: "retention", stage: "outcomes", run: (deps, b) => expireResults(deps, { deadline: b.deadline }) }),
  // Moves notifications, not executions: Amazon connections that turned needs_reauthorization →
  // notified; notifications owing a mail → queued in mail_outbox (or held for a storm's daily
  // digest); due mails → sent over SMTP, or retried with backoff (none without SMTP_URL).
  phase({ name: "notify", stage: "notify", run: (deps, b) => deliverNotifications(deps, { deadline: b.deadline }) }),
] as const;
