import type { PassSummary } from "../executions/pass";

/**
 * Runs `pass` every `intervalMs` inside a server process (npm run dev; opt-in on plain Node).
 * Passes never overlap within a process; across processes they may, which the engine allows.
 * Returns a stop function.
 */
export function startTicker(
  pass: () => Promise<PassSummary>,
  options: { intervalMs: number; log?: (line: string) => void },
): () => void {
  const log = options.log ?? ((line) => console.log(line));
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const s = await pass();
      const busy = s.submit.claimed + s.poll.polled + s.reap.timedOut + s.reap.resubmitted + s.reap.abandoned;
      if (busy > 0) log(JSON.stringify({ level: "info", msg: "engine pass", ...s }));
    } catch (e) {
      log(JSON.stringify({ level: "error", msg: "engine pass failed", error: e instanceof Error ? e.message : String(e) }));
    } finally {
      running = false;
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
