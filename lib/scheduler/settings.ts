import { z } from "zod";

/** Every limit of the scheduler in one place (product.md §3.4; the engine's are in lib/executions/settings). */
export interface SchedulerSettings {
  /**
   * Consecutive failed scheduled runs after which a schedule pauses itself: 3, as product.md
   * says (issue 14; it was 5 per issue 6). SCHEDULE_AUTO_PAUSE_FAILURES overrides it.
   */
  autoPauseAfterFailures: number;
  /**
   * Due schedules claimed (and materialized) per transaction. A batch is a fixed handful of
   * statements, so larger batches cost fewer round trips; 1,000 keeps a batch's transaction (and
   * its row locks) well under a second and still spreads over concurrent ticks.
   */
  materializeBatch: number;
  /** Schedules whose finished runs are counted per transaction. */
  outcomesBatch: number;
  /** Missed occurrences recorded one row each per catch-up; older ones are only counted. */
  maxRecordedSkips: number;
  /** One tick's time budget (a Vercel function has 60 s; leave room for the response). */
  tickBudgetMs: number;
  /** Share of the budget materializing may use, so submit/poll/outcomes still run. */
  materializeShare: number;
}

export const DEFAULT_SCHEDULER_SETTINGS: SchedulerSettings = {
  autoPauseAfterFailures: 3,
  materializeBatch: 1000,
  outcomesBatch: 200,
  maxRecordedSkips: 1000,
  tickBudgetMs: 25_000,
  materializeShare: 0.6,
};

const envSchema = z.object({
  SCHEDULE_AUTO_PAUSE_FAILURES: z.coerce.number().int().min(1).max(100).optional(),
  TICK_BUDGET_MS: z.coerce.number().int().min(1_000).max(300_000).optional(),
});

/** Overrides from the environment; a bad value is a start-up error, not a silent default. */
export function schedulerSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<SchedulerSettings> {
  const parsed = envSchema.parse({
    SCHEDULE_AUTO_PAUSE_FAILURES: env.SCHEDULE_AUTO_PAUSE_FAILURES || undefined,
    TICK_BUDGET_MS: env.TICK_BUDGET_MS || undefined,
  });
  const out: Partial<SchedulerSettings> = {};
  if (parsed.SCHEDULE_AUTO_PAUSE_FAILURES !== undefined) out.autoPauseAfterFailures = parsed.SCHEDULE_AUTO_PAUSE_FAILURES;
  if (parsed.TICK_BUDGET_MS !== undefined) out.tickBudgetMs = parsed.TICK_BUDGET_MS;
  return out;
}

export const schedulerSettings = (over?: Partial<SchedulerSettings>): SchedulerSettings => ({
  ...DEFAULT_SCHEDULER_SETTINGS,
  ...over,
});
