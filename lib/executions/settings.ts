/** Every limit of the execution engine in one place (product.md §3.6). */
export interface EngineSettings {
  /** AMC runs at most 10 executions at once per instance; more answer 429. */
  maxRunningPerInstance: number;
  /**
   * One backfill uses at most this share of an instance's slots, so a long backfill never holds
   * every slot while scheduled and manual runs (claimed first anyway) wait for one to free up.
   */
  backfillSlotShare: number;
  /** How many pending runs one pass submits at most (a tick has a time budget). */
  submitBatch: number;
  /** Submit attempts for transient causes (5xx, network) before the run fails. 429s don't count. */
  maxSubmitAttempts: number;
  /** Waits between transient submit attempts: 10 s, 20 s, 40 s, capped at 60 s. */
  submitBackoffMs: readonly number[];
  /** Wait after a 429 that came without Retry-After. */
  rateLimitBackoffMs: number;
  /** A submit in flight holds its row this long; past it, the reaper recovers the row. */
  submitLeaseMs: number;
  /** Polling starts at 15 s and grows ×1.5 up to 5 min, for every run however old. */
  firstPollMs: number;
  pollGrowth: number;
  maxPollMs: number;
  /** Sandbox runs finish in seconds; poll them every 1.5 s instead. */
  sandboxPollMs: number;
  pollBatch: number;
  /** A poll/download in flight holds its row this long (downloads of big results take a while). */
  pollLeaseMs: number;
  /** Attempts at downloading and storing a result before the run fails. */
  maxIngestAttempts: number;
  /** `running` longer than this (24 h) is failed as timed out. */
  runningTimeoutMs: number;
  /**
   * How long after submitting a run that waits for its account to be reconnected we still
   * expect AMC to hand out its result; past it the run fails with a clear message. amc-api.md
   * gives no figure, so this is a setting (30 days by default).
   */
  resultRetentionMs: number;
  /** Stored results are kept this many months after their window ends (product.md §3.9). */
  storedResultMonths: number;
  /** Rows per COPY batch written while ingesting a result. */
  ingestFlushRows: number;
  /** Completed runs followed up (dashboard created) per transaction. */
  followUpBatch: number;
  /** Wait before a failed follow-up is tried again (on a later tick, never in a hot loop). */
  followUpRetryMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  maxRunningPerInstance: 10,
  backfillSlotShare: 0.5,
  submitBatch: 50,
  maxSubmitAttempts: 3,
  submitBackoffMs: [10_000, 20_000, 40_000],
  rateLimitBackoffMs: 30_000,
  submitLeaseMs: 2 * 60_000,
  firstPollMs: 15_000,
  pollGrowth: 1.5,
  maxPollMs: 5 * 60_000,
  sandboxPollMs: 1_500,
  pollBatch: 50,
  pollLeaseMs: 15 * 60_000,
  maxIngestAttempts: 5,
  runningTimeoutMs: 24 * 3600_000,
  resultRetentionMs: 30 * 24 * 3600_000,
  storedResultMonths: 13,
  ingestFlushRows: 5_000,
  followUpBatch: 100,
  followUpRetryMs: 60_000,
};

/** `builtinSandbox`: the app's synthetic sandbox finishes in seconds (Amazon's SANDBOX instances don't). */
export function pollDelayMs(settings: EngineSettings, pollCount: number, builtinSandbox = false): number {
  if (builtinSandbox) return settings.sandboxPollMs;
  return Math.min(settings.maxPollMs, Math.round(settings.firstPollMs * settings.pollGrowth ** pollCount));
}

export function submitBackoffMs(settings: EngineSettings, attempts: number): number {
  const i = Math.max(0, Math.min(attempts - 1, settings.submitBackoffMs.length - 1));
  return Math.min(60_000, settings.submitBackoffMs[i] ?? 60_000);
}
