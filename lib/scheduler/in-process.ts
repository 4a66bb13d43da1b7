import { appEngineDeps } from "../engine/app-engine";
import { schedulerSettingsFromEnv } from "./settings";
import { runTick } from "./tick";
import { startSchedulerTicker, tickerConfig } from "./ticker";

/**
 * The scheduler tick on an interval inside this server process (plain Node, `npm run dev`):
 * the same pass as /api/cron/tick. On by default in development, opt-in in production
 * (ENGINE_TICKER=1), ENGINE_TICKER=0 turns it off; ENGINE_TICK_MS sets the interval (default
 * 5000). Several servers ticking at once is safe. Called from instrumentation.ts.
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
