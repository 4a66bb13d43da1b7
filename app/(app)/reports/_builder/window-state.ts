import type { WindowSpec } from "@/lib/params/window";

/** The time-window picker's state: a preset, or N days, or two dates; and its data lag. */

const FIXED_N = [7, 14, 30, 60, 90] as const;
type FixedPreset = `last_${(typeof FIXED_N)[number]}`;
type Preset =
  | FixedPreset
  | "last_n"
  | "previous_week"
  | "previous_month"
  | "previous_quarter"
  | "month_to_date"
  | "quarter_to_date"
  | "year_to_date"
  | "absolute";

export const WINDOW_PRESETS: readonly { value: Preset; label: string }[] = [
  ...FIXED_N.map((n) => ({ value: `last_${n}` as const, label: `Last ${n} complete days` })),
  { value: "last_n", label: "Last N complete days…" },
  { value: "previous_week", label: "Previous week (Mon–Sun)" },
  { value: "previous_month", label: "Previous month" },
  { value: "previous_quarter", label: "Previous quarter" },
  { value: "month_to_date", label: "Month to date" },
  { value: "quarter_to_date", label: "Quarter to date" },
  { value: "year_to_date", label: "Year to date" },
  { value: "absolute", label: "Specific dates…" },
];

export interface WindowState {
  preset: Preset;
  n: string;
  /** "" = the template's data lag. */
  lagDays: string;
  start: string;
  end: string;
  includeProvisional: boolean;
}

const isFixed = (n: number): n is (typeof FIXED_N)[number] => (FIXED_N as readonly number[]).includes(n);

export function windowStateOf(spec: WindowSpec): WindowState {
  const base: WindowState = { preset: "last_30", n: "30", lagDays: "", start: "", end: "", includeProvisional: spec.includeProvisional ?? false };
  if (spec.kind !== "absolute" && spec.lagDays !== undefined) base.lagDays = String(spec.lagDays);
  switch (spec.kind) {
    case "last_days":
      return { ...base, preset: isFixed(spec.n) ? `last_${spec.n}` : "last_n", n: String(spec.n) };
    case "last_weeks":
      return { ...base, preset: "last_n", n: String(spec.n * 7) };
    case "last_months":
      return { ...base, preset: "last_n", n: String(spec.n * 30) };
    case "absolute":
      return { ...base, preset: "absolute", start: spec.start, end: spec.end };
    default:
      return { ...base, preset: spec.kind };
  }
}

/** The state as a WindowSpec (the server validates it; numbers that are not numbers go as-is). */
export function windowSpecOf(s: WindowState): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (s.includeProvisional) extra.includeProvisional = true;
  if (s.preset === "absolute") return { kind: "absolute", start: s.start, end: s.end, ...extra };
  if (s.lagDays.trim() !== "") extra.lagDays = Number(s.lagDays);
  if (s.preset === "last_n") return { kind: "last_days", n: Number(s.n), ...extra };
  if (s.preset.startsWith("last_")) return { kind: "last_days", n: Number(s.preset.slice(5)), ...extra };
  return { kind: s.preset, ...extra };
}
