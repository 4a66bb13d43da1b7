import { schedulerSettingsFromEnv } from "../scheduler/settings";
import { appEngineDeps } from "./app-deps";
import { runTick, tickWasBusy, type TickSummary } from "./tick";

/**
 * Configuration of the in-process ticker (instrumentation.ts): on by default in development,
 * opt-in in production with ENGINE_TICKER=1; ENGINE_TICKER=0 turns it off anywhere.
 */
export function tickerConfig(env: NodeJS.ProcessEnv): { enabled: boolean; intervalMs: number } {
  const flag = env.ENGINE_TICKER?.trim();
  const enabled = flag === "1" || flag === "true" ? true : flag === "0" || flag === "false" ? false : env.NODE_ENV !== "production";
  const parsed = Number(env.ENGINE_TICK_MS);
  const intervalMs = Number.isFinite(parsed) && parsed >= 250 ? Math.round(parsed) : 5_000;
  return { enabled, intervalMs };
}

/**
 * Runs `tick` every `intervalMs` inside a server process. Ticks never overlap within a process;
 * across processes (several servers, or the cron endpoint at the same time) they may, which
 * the scheduler and the engine allow. Logs a line only when a tick did something or failed.
 * Returns a stop function.
 */
export function startSchedulerTicker(
  tick: () => Promise<TickSummary>,
  options: { intervalMs: number; log?: (line: string) => void },
): () => void {
  const log = options.log ?? ((line) => console.log(line));
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const s = await tick();
      if (tickWasBusy(s)) log(JSON.stringify({ level: s.ok ? "info" : "error", msg: "scheduler tick", ...s }));
    } catch (e) {
      log(JSON.stringify({ level: "error", msg: "scheduler tick failed", error: e instanceof Error ? e.message.split("\n")[0] : String(e) }));
    } finally {
      running = false;
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The tick on an interval inside this server process (plain Node, `npm run dev`): the same pass
 * as /api/cron/tick. ENGINE_TICK_MS sets the interval (default 5000); several servers ticking at
 * once is safe. Called from instrumentation.ts.
 */
export function startInProcessTicker(env: NodeJS.ProcessEnv): void {
  // Never while `next build` prerenders.
  if (env.NEXT_PHASE === "phase-production-build") return;
  const { enabled, intervalMs } = tickerConfig(env);
  if (!enabled) return;
  // One ticker per process, even when development reloads modules.
  const g = globalThis as unknown as { __amcSchedulerTicker?: () => void };
  if (g.__amcSchedulerTicker) return;
  const settings = schedulerSettingsFromEnv(env);
  g.__amcSchedulerTicker = startSchedulerTicker(() => runTick(appEngineDeps(new Date()), { settings }), { intervalMs });
  console.log(JSON.stringify({ level: "info", msg: "scheduler ticker started", intervalMs }));
}
