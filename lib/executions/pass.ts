import type { EngineDeps } from "./deps";
import { pollRunning, type PollSummary } from "./poll";
import { reap, type ReapSummary } from "./reap";
import { submitPending, type SubmitSummary } from "./submit";

export interface PassSummary {
  reap: ReapSummary;
  submit: SubmitSummary;
  poll: PollSummary;
  durationMs: number;
}

/**
 * One bounded pass of the engine: reap first (frees slots held by dead runs), then submit,
 * then poll. Safe to run from any number of servers at once. The scheduler's tick adds
 * materializing due schedules in front of this.
 */
export async function runEnginePass(deps: EngineDeps): Promise<PassSummary> {
  const started = performance.now();
  const reaped = await reap(deps);
  const submitted = await submitPending(deps);
  const polled = await pollRunning(deps);
  return { reap: reaped, submit: submitted, poll: polled, durationMs: Math.round(performance.now() - started) };
}
