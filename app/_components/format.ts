import { windowDays } from "@/lib/params/zoned";

/** Small display helpers shared by pages (no React, usable on server and client). */

export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatBytes(n: number | null): string {
  if (n === null) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

/**
 * The one way a window is shown. Windows are stored half-open ([start, end), end exclusive);
 * people think of them as the days they cover, last day included, in the report's zone:
 * "2026-10-01 – 2026-10-07 (America/New_York)", or "2026-10-01 (UTC)" for a single day.
 */
export function formatWindow(start: Date | null, end: Date | null, zone: string | null): string {
  if (!start || !end) return "—";
  const d = windowDays(start, end, zone);
  return d.first === d.last ? `${d.first} (${d.zone})` : `${d.first} – ${d.last} (${d.zone})`;
}
