import type { FollowUpFn, FollowUpSummary } from "../executions/follow-up";
import type { PollSummary } from "../executions/poll";
import type { ReapSummary } from "../executions/reap";
import type { SubmitSummary } from "../executions/submit";
import type { CreateFn, MaterializeSummary } from "../scheduler/materialize";
import type { NotifySummary } from "../notifications/deliver";
import type { OutcomeSummary } from "../scheduler/outcomes";
import type { Overdue } from "../scheduler/overdue";
import type { RetentionSummary } from "../results/retention";
import { schedulerSettings, type SchedulerSettings } from "../scheduler/settings";
import { isDatabaseUnavailable } from "../errors/unavailable";
import { errorMessage, logOf, type EngineDeps } from "./deps";
import { PHASES, STAGES, type Budget, type Phase, type PhaseName, type PhaseResults, type Stage } from "./phases";

/**
 * One tick of the engine: the phases of ./phases.ts in their order (materialize due schedules →
 * reap → submit → poll + ingest → follow-up → backfill refresh → count outcomes into schedules).
 * Bounded by a time budget (materializing may use part of it, so the other phases still run),
 * safe to run from any number of servers at once, and a function of `deps` alone (database and
 * `now`): the HTTP endpoint, the in-process ticker and the tests all call this.
 */

export interface EngineSummary {
  reap: ReapSummary;
  submit: SubmitSummary;
  poll: PollSummary;
  /** Null when the follow-up phase failed or did not run. */
  followUp: FollowUpSummary | null;
  durationMs: number;
}

export interface TickSummary {
  ok: boolean;
  now: string;
  budgetMs: number;
  durationMs: number;
  /** True when a phase stopped early or was not started for lack of time. */
  budgetExhausted: boolean;
  materialize: MaterializeSummary | null;
  /**
   * Schedules still due after materializing (the budget ran out, or a batch failed), and how
   * late the oldest is: next_run_at going stale is the alarm of pitfall 3.
   */
  overdue: Overdue | null;
  /** Set when reap, submit and poll all ran. */
  engine: EngineSummary | null;
  outcomes: OutcomeSummary | null;
  /** Stored results expired by retention this tick. */
  retention: RetentionSummary | null;
  /** Notifications queued and mails sent (null when the phase failed or did not run). */
  notify: NotifySummary | null;
  errors: { phase: Stage; message: string }[];
  /**
   * A phase failed because the database could not be reached (restart, failover): the tick
   * stopped there, having changed nothing the next tick cannot redo.
   */
  databaseUnavailable: boolean;
}

export interface TickOptions {
  budgetMs?: number;
  settings?: Partial<SchedulerSettings>;
  /** Test seam for materialize. */
  create?: CreateFn;
  /** Test seam for the follow-up of completed runs. */
  followUp?: FollowUpFn;
}

export async function runTick(deps: EngineDeps, options: TickOptions = {}): Promise<TickSummary> {
  const settings = schedulerSettings(options.settings);
  const budgetMs = options.budgetMs ?? settings.tickBudgetMs;
  const started = performance.now();
  const budget: Budget = { started, budgetMs, deadline: started + budgetMs, settings, create: options.create, followUp: options.followUp };
  const log = logOf(deps);
  const errors: TickSummary["errors"] = [];
  let budgetExhausted = false;
  let databaseUnavailable = false;

  const results: Partial<PhaseResults> = {};
  const tookMs: Partial<Record<PhaseName, number>> = {};
  let stage: Stage | null = null;
  let stageOpen = true;
  for (const phase of PHASES) {
    // Without the database every later phase would fail too, each after its own reconnect wait:
    // one error line, then the next tick tries again.
    if (databaseUnavailable) break;
    if (phase.stage !== stage) {
      stage = phase.stage;
      stageOpen = !STAGES[stage].needsBudget || performance.now() < budget.deadline;
      if (!stageOpen) budgetExhausted = true;
    }
    if (!stageOpen) continue;
    const t0 = performance.now();
    try {
      await runPhase(phase, deps, budget, results);
    } catch (e) {
      const message = errorMessage(e);
      errors.push({ phase: phase.stage, message });
      databaseUnavailable = isDatabaseUnavailable(e);
      log.error("tick phase failed", { phase: phase.stage, step: phase.name, error: message, ...(databaseUnavailable ? { databaseUnavailable } : {}) });
      if (STAGES[phase.stage].stopsOnFailure) stageOpen = false;
    }
    tookMs[phase.name] = performance.now() - t0;
  }

  const { reap, submit, poll } = results;
  const passMs = (["reap", "submit", "poll", "followUp"] as const).reduce((n, p) => n + (tookMs[p] ?? 0), 0);
  const durationMs = Math.round(performance.now() - started);
  return {
    ok: errors.length === 0,
    now: deps.now.toISOString(),
    budgetMs,
    durationMs,
    budgetExhausted: budgetExhausted || durationMs >= budgetMs,
    materialize: results.materialize ?? null,
    overdue: results.overdue ?? null,
    engine: reap && submit && poll ? { reap, submit, poll, followUp: results.followUp ?? null, durationMs: Math.round(passMs) } : null,
    outcomes: results.outcomes ?? null,
    retention: results.retention ?? null,
    notify: results.notify ?? null,
    errors,
    databaseUnavailable,
  };
}

// Generic in the phase's name, so its result lands under that name with its own type.
async function runPhase<N extends PhaseName>(phase: Phase<N>, deps: EngineDeps, budget: Budget, results: Partial<PhaseResults>) {
  results[phase.name] = await phase.run(deps, budget);
}

/** Whether a tick did anything worth a log line. */
export function tickWasBusy(s: TickSummary): boolean {
  const m = s.materialize;
  const e = s.engine;
  const o = s.outcomes;
  return (
    !s.ok ||
    (m !== null && m.claimed > 0) ||
    (e !== null && e.submit.claimed + e.poll.polled + e.reap.timedOut + e.reap.resubmitted + e.reap.abandoned + (e.followUp?.followedUp ?? 0) + (e.followUp?.failed ?? 0) > 0) ||
    (o !== null && o.counted > 0) ||
    (s.notify !== null && s.notify.recorded + s.notify.queued + s.notify.held + s.notify.sent + s.notify.retried + s.notify.gaveUp > 0)
  );
}
