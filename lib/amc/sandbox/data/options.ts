/** What a sandbox generation is asked for (seed, anchor, size), and its validation. */

export const SANDBOX_DEFAULT_SEED = 20250101;
/** End (exclusive) of the traffic window, in each advertiser's time zone (§4.5: 2025-01-01 + 90 days). */
export const SANDBOX_DEFAULT_ANCHOR = "2025-04-01";

export interface SandboxSize {
  users: number;
  /** Days of traffic before the anchor (a 14-day warm-up comes on top). */
  days: number;
}

export const SANDBOX_SIZES = {
  /** The app's sandbox: 50k users × 90 days (≈ 2 M rows). */
  default: { users: 50_000, days: 90 },
  /** Enough days for "last 30 days, 14 days ago" windows at any date. */
  ci: { users: 5_000, days: 60 },
  /** For unit tests: a couple of seconds. */
  test: { users: 2_000, days: 30 },
} as const satisfies Record<string, SandboxSize>;

export interface SandboxDataOptions {
  seed?: number;
  /** Receives one line per generation step with its duration. */
  log?: (line: string) => void;
  /** `YYYY-MM-DD` (or a Date, its UTC day): the day after the last day of traffic. */
  anchor?: string | Date;
  size?: SandboxSize | keyof typeof SANDBOX_SIZES;
}

/** Options with the defaults filled in and checked. */
export interface ResolvedOptions {
  seed: number;
  anchor: string;
  size: SandboxSize;
}

export function resolveOptions(options: SandboxDataOptions): ResolvedOptions {
  const seed = options.seed ?? SANDBOX_DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2_147_483_647) {
    throw new Error(`sandbox seed must be an integer in [0, 2^31): ${seed}`);
  }
  const anchorRaw = options.anchor ?? SANDBOX_DEFAULT_ANCHOR;
  const anchor = typeof anchorRaw === "string" ? anchorRaw : anchorRaw.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(anchor) || Number.isNaN(Date.parse(`${anchor}T00:00:00Z`))) {
    throw new Error(`sandbox anchor must be YYYY-MM-DD: ${anchor}`);
  }
  const size = typeof options.size === "string" ? SANDBOX_SIZES[options.size] : (options.size ?? SANDBOX_SIZES.default);
  if (!Number.isInteger(size.users) || size.users < 10 || size.users > 2_000_000) {
    throw new Error(`sandbox size.users must be an integer in [10, 2,000,000]: ${size.users}`);
  }
  if (!Number.isInteger(size.days) || size.days < 7 || size.days > 400) {
    throw new Error(`sandbox size.days must be an integer in [7, 400]: ${size.days}`);
  }
  return { seed, anchor, size: { users: size.users, days: size.days } };
}
