import { z } from "zod";
import { addDays, daysBetween, isCalendarDate } from "../params/zoned";
import { columnKind } from "../results/format";

/**
 * Period comparison on dashboards (story 5), the pure part: which two periods, how two series
 * line up (by day offset from each period's start, or by key), how table rows match, and the
 * delta and % between a value and its base. The page and the exports both use these, so what
 * the screen shows and what the file says agree.
 */

/** Inclusive first and last day, YYYY-MM-DD (the dashboard's date range). */
export interface Period {
  from: string;
  to: string;
}

export const COMPARE_PRESETS = ["previous", "last_year"] as const;
export type ComparePreset = (typeof COMPARE_PRESETS)[number];

export const periodDays = (p: Period) => daysBetween(p.from, p.to) + 1;

/** The same number of days, ending the day before `p` starts. */
export function previousPeriod(p: Period): Period {
  const to = addDays(p.from, -1);
  return { from: addDays(to, -(periodDays(p) - 1)), to };
}

/** The same calendar day a year earlier; 29 February becomes the 28th. */
export function dayLastYear(date: string): string {
  const y = String(Number(date.slice(0, 4)) - 1).padStart(4, "0");
  const md = date.slice(5);
  return md === "02-29" ? `${y}-02-28` : `${y}-${md}`;
}

export const samePeriodLastYear = (p: Period): Period => ({ from: dayLastYear(p.from), to: dayLastYear(p.to) });

export const presetPeriod = (preset: ComparePreset, p: Period): Period => (preset === "previous" ? previousPeriod(p) : samePeriodLastYear(p));

// One value per key: a repeated key (`?from=a&from=b`) is a mistake worth saying, not guessing.
const single = (label: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .refine((v) => !Array.isArray(v), { error: `Give one ${label}.` })
    .transform((v) => (typeof v === "string" && v !== "" ? v : undefined))
    .refine((v) => v === undefined || isCalendarDate(v), { error: `The ${label} must be a date as YYYY-MM-DD.` });

/** The period query's fields, for schemas that add their own (the export's format). */
export const periodQueryFields = {
  from: single("start date"),
  to: single("end date"),
  cmp_from: single("comparison start date"),
  cmp_to: single("comparison end date"),
  cmp: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(z.enum(["none", ...COMPARE_PRESETS, "custom"], { error: "Compare with the previous period, the same period last year, or dates." }).optional()),
};

const periodObject = z.object(periodQueryFields);
type PeriodFields = z.output<typeof periodObject>;

/** The checks across fields: ranges in order, both comparison dates, a range to compare. */
export function refinePeriods(q: PeriodFields, ctx: z.RefinementCtx) {
  const explicit = q.cmp === undefined || q.cmp === "custom";
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["to"], message: "The end date is before the start date." });
  if (q.cmp_from && q.cmp_to && q.cmp_from > q.cmp_to)
    ctx.addIssue({ code: "custom", path: ["cmp_to"], message: "The comparison's end date is before its start date." });
  if (!!q.cmp_from !== !!q.cmp_to && explicit)
    ctx.addIssue({ code: "custom", path: [q.cmp_from ? "cmp_to" : "cmp_from"], message: "Give both dates of the period to compare with." });
  if (q.cmp_from && q.cmp_to && !(q.from && q.to) && explicit)
    ctx.addIssue({ code: "custom", path: ["from"], message: "Choose the date range (from and to) to compare." });
}

/**
 * The dashboard's period query, on the page and in the export: `from`/`to` (the range) and
 * `cmp_from`/`cmp_to` (the period to compare with), or `cmp=previous|last_year` for a preset
 * (`cmp=none`: the form's "no comparison", its date inputs ignored). Unknown keys are ignored;
 * a bad value is a message, never a crash.
 */
export const periodQuerySchema = periodObject.superRefine(refinePeriods);
export type PeriodQuery = z.output<typeof periodQuerySchema>;

/** The two periods a parsed query compares (a preset resolved against from/to), or null. */
export function comparedPeriods(q: PeriodFields): { current: Period; base: Period } | null {
  if (!q.from || !q.to || q.cmp === "none") return null;
  const current = { from: q.from, to: q.to };
  if (q.cmp === "previous" || q.cmp === "last_year") return { current, base: presetPeriod(q.cmp, current) };
  return q.cmp_from && q.cmp_to ? { current, base: { from: q.cmp_from, to: q.cmp_to } } : null;
}

/** The first of the issues zod found, as one sentence for the page. */
export const firstIssue = (e: z.ZodError) => e.issues[0]?.message ?? "The dates in the address are not valid.";

export interface Change {
  /** current − base; null when either is missing. */
  delta: number | null;
  /** (current − base) / |base| × 100; null when either is missing or the base is 0. */
  pct: number | null;
}

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

export function change(current: number | null | undefined, base: number | null | undefined): Change {
  if (!finite(current) || !finite(base)) return { delta: null, pct: null };
  const delta = current - base;
  // A negative base (a loss) that shrinks is an improvement: the % is relative to its size.
  return { delta, pct: base === 0 ? null : (delta / Math.abs(base)) * 100 };
}

/** "+12.5%", "−3.0%", "0.0%", or "—" when there is no base to compare with. */
export function formatPct(pct: number | null): string {
  if (pct === null) return "—";
  const r = Math.round(pct * 10) / 10;
  if (r === 0) return "0.0%";
  return `${r > 0 ? "+" : "−"}${Math.abs(r).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** Which way a change went, for its color: up, down, or flat / unknown. */
export const direction = (c: Change): "up" | "down" | "none" => (c.delta === null || c.delta === 0 ? "none" : c.delta > 0 ? "up" : "down");

// A category that is a day (the x of a chart by date or by window): "2026-10-01", or a timestamp.
const DAY_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;
const dayOf = (s: string | null): string | null => {
  const m = s === null ? null : DAY_PREFIX.exec(s);
  return m && isCalendarDate(m[1]!) ? m[1]! : null;
};

/** `date` moved by `days` when the text starts with a calendar date (the rest kept), else unchanged. */
export function shiftDate(text: string, days: number): string {
  const d = dayOf(text);
  return d ? addDays(d, days) + text.slice(10) : text;
}

export interface SeriesLike {
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
}

export interface AlignedRow {
  /** The current period's category, or null when only the comparison has this position. */
  x: string | null;
  /** The comparison period's category at the same position, or null. */
  baseX: string | null;
  /** Days from the period's start when aligned by offset, else null. */
  offset: number | null;
  /** One value per `names` entry. */
  current: (number | null)[];
  base: (number | null)[];
}

export interface ComparedSeries {
  /** Series names: the current period's, then any only the comparison has. */
  names: string[];
  /** True when the categories are days and were lined up by their offset from each start. */
  byOffset: boolean;
  rows: AlignedRow[];
}

/**
 * Two periods' chart data side by side. Days line up by their offset from each period's start
 * (a week's Monday with the other week's Monday); any other category (channel, campaign) lines
 * up by its value. Series match by name. A position either side lacks gets nulls there, so
 * periods of different lengths or with missing keys still compare what they share.
 */
export function alignSeries(current: SeriesLike, base: SeriesLike, starts: { current: string; base: string }): ComparedSeries {
  const names = [...new Set([...current.series.map((s) => s.name), ...base.series.map((s) => s.name)])];
  const keyed = (data: SeriesLike, start: string | null) => {
    const map = new Map<string, number>();
    data.categories.forEach((c, i) => {
      const d = start === null ? null : dayOf(c);
      map.set(d === null ? `k:${c}` : `d:${daysBetween(start!, d)}`, i);
    });
    return map;
  };
  const allDays = [...current.categories, ...base.categories].every((c) => dayOf(c) !== null);
  let byOffset = allDays && current.categories.length + base.categories.length > 0;
  let cur = keyed(current, byOffset ? starts.current : null);
  let bas = keyed(base, byOffset ? starts.base : null);
  // Two categories on the same day (timestamps within one day) cannot share an offset: by value.
  if (byOffset && (cur.size < current.categories.length || bas.size < base.categories.length)) {
    byOffset = false;
    cur = keyed(current, null);
    bas = keyed(base, null);
  }
  const keys = [...new Set([...cur.keys(), ...bas.keys()])];
  if (byOffset) keys.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  const valuesAt = (data: SeriesLike, i: number | undefined) =>
    names.map((n) => (i === undefined ? null : (data.series.find((s) => s.name === n)?.values[i] ?? null)));
  return {
    names,
    byOffset,
    rows: keys.map((k) => {
      const ci = cur.get(k);
      const bi = bas.get(k);
      return {
        x: ci === undefined ? null : current.categories[ci]!,
        baseX: bi === undefined ? null : base.categories[bi]!,
        offset: byOffset ? Number(k.slice(2)) : null,
        current: valuesAt(current, ci),
        base: valuesAt(base, bi),
      };
    }),
  };
}

/**
 * Rows of two periods paired by key, streaming the current period: each current row with the
 * base row of the same key (the n-th current row of a key with the n-th base row of it), then
 * the base rows nothing matched, in their order. The base period is held in memory.
 */
export async function* matchRowsByKey<T>(
  current: AsyncIterable<T[]>,
  base: readonly T[],
  currentKey: (row: T) => string,
  baseKey: (row: T) => string,
): AsyncGenerator<{ current: T | null; base: T | null }[]> {
  const index = new Map<string, number[]>();
  base.forEach((row, i) => {
    const k = baseKey(row);
    const list = index.get(k);
    if (list) list.push(i);
    else index.set(k, [i]);
  });
  const used = new Uint8Array(base.length);
  for await (const batch of current) {
    yield batch.map((row) => {
      const i = index.get(currentKey(row))?.shift();
      if (i === undefined) return { current: row, base: null };
      used[i] = 1;
      return { current: row, base: base[i]! };
    });
  }
  const rest = base.filter((_, i) => !used[i]).map((row) => ({ current: null, base: row }));
  if (rest.length) yield rest;
}

// Plain decimals only: what the XLSX writer stores as a number and a person reads as one.
const PLAIN = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const decimals = (s: string) => (s.includes(".") ? s.length - s.indexOf(".") - 1 : 0);

/**
 * A number as a plain decimal with at most `places` places (15 at most: past that a double's
 * digits are noise, and the XLSX writer keeps only up to 15 as a number), no exponent.
 */
function plain(n: number, places: number): string {
  const s = n.toFixed(Math.min(places, 15));
  const trimmed = s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  return trimmed === "-0" ? "0" : trimmed;
}

/**
 * The export's delta cells of one value: [Δ, Δ%] as text, Δ with the inputs' precision (12.34 −
 * 10.1 is "2.24", not 2.2399999999999984), Δ% rounded to 2 places; empty when a side is missing
 * or not a number, Δ% also when the base is 0.
 */
export function deltaCells(current: string | null, base: string | null): [string | null, string | null] {
  if (current === null || base === null || !PLAIN.test(current) || !PLAIN.test(base)) return [null, null];
  const c = change(Number(current), Number(base));
  if (c.delta === null) return [null, null];
  return [plain(c.delta, Math.max(decimals(current), decimals(base))), c.pct === null ? null : plain(c.pct, 2)];
}

/** A stored result's column names and their inferred types (execution_results.column_slots). */
export interface TypedColumns {
  columns: readonly string[];
  types: readonly ("date" | "integer" | "decimal" | "text")[];
}

/**
 * Which columns are values to compare (the rest are the row's key): named like a measure (not an
 * id, date, code...; lib/results/format.ts decides by name) and stored as a number (integer or
 * decimal) in at least one of the results. One result typing a column as text (a stray "n/a" in
 * its sales) does not turn it into a key, which would match nothing; its text cells get no delta.
 */
export function valueColumns(columns: readonly string[], results: readonly TypedColumns[]): number[] {
  return columns.flatMap((name, i) => {
    if (columnKind(name) === "identifier") return [];
    const numeric = results.some((r) => {
      const t = r.types[r.columns.indexOf(name)];
      return t === "integer" || t === "decimal";
    });
    return numeric ? [i] : [];
  });
}

/**
 * A result row's key in its period: its window's first day and every non-value cell, days moved
 * by `shiftDays` so that a comparison row lands on the current period's days.
 */
export function rowKey(windowDay: string | null, cells: readonly (string | null)[], valueIndexes: ReadonlySet<number>, shiftDays: number): string {
  const parts = [windowDay === null ? "" : shiftDate(windowDay, shiftDays)];
  cells.forEach((v, i) => {
    if (!valueIndexes.has(i)) parts.push(v === null ? "\u0000" : shiftDate(v, shiftDays));
  });
  return JSON.stringify(parts);
}
