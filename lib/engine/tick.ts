import { sql } from "drizzle-orm";
import { reportSchedules } from "../../db/schema";
import { logOf, type EngineDeps } from "../executions/deps";
import { runEnginePass, type PassSummary } from "../executions/pass";
import { refreshBackfills } from "../backfill/refresh";
import { materializeDue, type CreateFn, type MaterializeSummary } from "./materialize";
import { recordOutcomes, type OutcomeSummary } from "./outcomes";
import { schedulerSettings, type SchedulerSettings } from "./settings";

/**
 * One tick of the scheduler: materialize due schedules → one engine pass (reap, submit, poll +
 * ingest) → count finished scheduled runs into their schedules. Bounded by a time budget
 * (materializing may use part of it, so the other phases still run), safe to run from any
 * number of servers at once, and a function of `deps` alone (database and `now`): the HTTP
 * endpoint, the in-process ticker and the tests all call this.
 */

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
  overdue: { schedules: number; oldestSeconds: number } | null;
  engine: PassSummary | null;
  outcomes: OutcomeSummary | null;
  errors: { phase: "materialize" | "engine" | "outcomes"; message: string }[];
}

export interface TickOptions {
  budgetMs?: number;
  settings?: Partial<SchedulerSettings>;
  /** Test seam for materialize. */
  create?: CreateFn;
}

export async function runTick(deps: EngineDeps, options: TickOptions = {}): Promise<TickSummary> {
  const settings = schedulerSettings(options.settings);
  const budgetMs = options.budgetMs ?? settings.tickBudgetMs;
  const started = performance.now();
  const end = started + budgetMs;
  const log = logOf(deps);
  const summary: TickSummary = {
    ok: true,
    now: deps.now.toISOString(),
    budgetMs,
    durationMs: 0,
    budgetExhausted: false,
    materialize: null,
    overdue: null,
    engine: null,
    outcomes: null,
    errors: [],
  };
  const fail = (phase: TickSummary["errors"][number]["phase"], e: unknown) => {
    const message = errorMessage(e);
    summary.errors.push({ phase, message });
    log.error("tick phase failed", { phase, error: message });
  };

  try {
    summary.materialize = await materializeDue(deps, {
      settings,
      deadline: started + budgetMs * settings.materializeShare,
      create: options.create,
    });
  } catch (e) {
    fail("materialize", e);
  }

  try {
    summary.overdue = await overdueSchedules(deps);
    if (summary.overdue.oldestSeconds > OVERDUE_ALARM_SECONDS) {
      log.warn("schedules are overdue", { ...summary.overdue, alarmAfterSeconds: OVERDUE_ALARM_SECONDS });
    }
  } catch (e) {
    fail("materialize", e);
  }

  if (performance.now() < end) {
    try {
      summary.engine = await runEnginePass(deps);
      await refreshBackfills(deps);
    } catch (e) {
      fail("engine", e);
    }
  } else summary.budgetExhausted = true;

  if (performance.now() < end) {
    try {
      summary.outcomes = await recordOutcomes(deps, { settings, deadline: end });
    } catch (e) {
      fail("outcomes", e);
    }
  } else summary.budgetExhausted = true;

  summary.durationMs = Math.round(performance.now() - started);
  if (summary.durationMs >= budgetMs) summary.budgetExhausted = true;
  summary.ok = summary.errors.length === 0;
  return summary;
}

/** Due schedules older than this after a tick are logged as an alarm (the tick runs every minute). */
export const OVERDUE_ALARM_SECONDS = 5 * 60;

async function overdueSchedules(deps: EngineDeps): Promise<{ schedules: number; oldestSeconds: number }> {
  // Served by idx_report_schedules_next_run (its predicate, literally).
  const [row] = await deps.db
    .select({ n: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${reportSchedules.nextRunAt})` })
    .from(reportSchedules)
    .where(sql`${reportSchedules.isActive} = TRUE AND ${reportSchedules.isPaused} = FALSE AND ${reportSchedules.nextRunAt} <= ${deps.now.toISOString()}::timestamptz`);
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return {
    schedules: row?.n ?? 0,
    oldestSeconds: oldest ? Math.max(0, Math.round((deps.now.getTime() - oldest.getTime()) / 1000)) : 0,
  };
}

/**
 * An error's message without what drizzle appends to failed queries (the statement and every
 * bound parameter, which may hold secrets): the driver's own message is enough.
 */
export function errorMessage(e: unknown): string {
  const cause = e && typeof e === "object" && "cause" in e ? (e as { cause: unknown }).cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  if (e instanceof Error) return e.message.split("\n")[0]!.slice(0, 300);
  return String(e).slice(0, 300);
}

/** Whether a tick did anything worth a log line. */
export function tickWasBusy(s: TickSummary): boolean {
  const m = s.materialize;
  const e = s.engine;
  const o = s.outcomes;
  return (
    !s.ok ||
    (m !== null && m.claimed > 0) ||
    (e !== null && e.submit.claimed + e.poll.polled + e.reap.timedOut + e.reap.resubmitted + e.reap.abandoned > 0) ||
    (o !== null && o.counted > 0)
  );
}
