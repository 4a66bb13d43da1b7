import type { Database } from "../../../db/client";
import { ensureSandboxData, SANDBOX_SIZES } from "./generate";

/**
 * The sandbox data the app runs on: traffic up to the first day of next month, so that the
 * windows users pick (ending at today − lag) have data, regenerated once a month at start-up
 * rather than every day (same seed and anchor → same rows).
 */
export function sandboxAnchor(now: Date): string {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
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
