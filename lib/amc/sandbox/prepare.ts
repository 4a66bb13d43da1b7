import type { Database } from "../../../db/client";
import { SANDBOX_SIZES } from "./data/options";
import { ensureSandboxData } from "./generate";

/**
 * The sandbox data the app runs on: traffic up to the next Monday (UTC), so that the windows
 * users pick (ending at today − lag) always have data behind them, regenerated at most once a
 * week at start-up rather than every day (same seed and anchor → same rows).
 */
export function sandboxAnchor(now: Date): string {
  const day = now.getUTCDay(); // 0 = Sunday
  const ahead = day === 1 ? 7 : (8 - day) % 7;
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ahead));
  return next.toISOString().slice(0, 10);
}

export async function prepareSandbox(
  db: Database,
  options: { size?: string; now?: Date; log?: (line: string) => void } = {},
) {
  const size = options.size && options.size in SANDBOX_SIZES ? (options.size as keyof typeof SANDBOX_SIZES) : "default";
  const result = await ensureSandboxData(db, { anchor: sandboxAnchor(options.now ?? new Date()), size, log: options.log });
  const totalRows = Object.values(result.rowCounts).reduce((a, b) => a + b, 0);
  return { ...result, totalRows };
}
