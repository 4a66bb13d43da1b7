import { change, direction, formatPct, type Change, type ComparedSeries } from "@/lib/dashboards/compare";
import { formatValue, type NumberFormat } from "./charts";

/**
 * How a comparison looks on a dashboard (server components): a metric's two values with the
 * delta and %, and a widget's table with the comparison's value, Δ and Δ% per value column.
 * The arithmetic is lib/dashboards/compare.ts's; these only show it.
 */

const TONE = { up: "text-emerald-700", down: "text-red-700", none: "text-slate-500" } as const;

/** A delta with its sign: "+$12.00", "-3", or percentage points for a percent format. */
export function formatDelta(delta: number | null, format?: NumberFormat): string {
  if (delta === null) return "—";
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "";
  if (format === "percent") return `${sign}${(Math.abs(delta) * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })} pp`;
  return `${sign}${formatValue(Math.abs(delta), format)}`;
}

function ChangeCells({ c, format }: { c: Change; format?: NumberFormat }) {
  const tone = TONE[direction(c)];
  return (
    <>
      <td data-testid="delta" data-direction={direction(c)} className={`whitespace-nowrap px-2 py-1 text-right tabular-nums ${tone}`}>{formatDelta(c.delta, format)}</td>
      <td data-testid="delta-pct" className={`whitespace-nowrap px-2 py-1 text-right tabular-nums ${c.pct === null ? TONE.none : tone}`}>{formatPct(c.pct)}</td>
    </>
  );
}

/** The metric's comparison line under its value: the base, the delta and the % change. */
export function MetricComparison({ value, base, format, baseLabel }: { value: number | null; base: number | null; format?: NumberFormat; baseLabel: string }) {
  const c = change(value, base);
  const tone = TONE[direction(c)];
  return (
    <dl data-testid="metric-compare" className="mt-1 flex flex-wrap items-baseline gap-x-3 text-sm">
      <dt className="sr-only">Change</dt>
      <dd data-testid="metric-delta" data-direction={direction(c)} className={`font-medium tabular-nums ${tone}`}>
        {formatDelta(c.delta, format)} <span data-testid="metric-pct">({formatPct(c.pct)})</span>
      </dd>
      <dt className="text-slate-500">vs {baseLabel}</dt>
      <dd data-testid="metric-base" className="tabular-nums text-slate-700">{formatValue(base, format)}</dd>
    </dl>
  );
}

/**
 * A widget's data table, both periods side by side: per value column its two values, Δ and Δ%.
 * The sub-headers are short ("this period", "compared"); the dates are in their titles and in
 * the comparison summary above the widgets.
 */
export function ComparedTable({
  aligned,
  provisional,
  xLabel,
  format,
  labels,
}: {
  aligned: ComparedSeries;
  provisional: boolean[];
  xLabel: string;
  format?: NumberFormat;
  labels: { current: string; base: string };
}) {
  return (
    <div className="max-h-80 overflow-auto">
      <table className="min-w-full text-xs" data-testid="widget-table" data-compare="true">
        <thead className="sticky top-0 bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-2 py-1">{xLabel}</th>
            {aligned.byOffset && <th scope="col" className="px-2 py-1">compared day</th>}
            {aligned.names.map((n) => (
              <th key={n} scope="colgroup" colSpan={4} className="border-l border-slate-200 px-2 py-1 text-center">{n}</th>
            ))}
          </tr>
          <tr className="text-slate-600">
            <th scope="col" className="px-2 py-1"><span className="sr-only">{xLabel}</span></th>
            {aligned.byOffset && <th scope="col" className="px-2 py-1"><span className="sr-only">compared day</span></th>}
            {aligned.names.map((n) => [
              <th key={`${n}-c`} scope="col" title={labels.current} className="whitespace-nowrap border-l border-slate-200 px-2 py-1 text-right font-normal">this period</th>,
              <th key={`${n}-b`} scope="col" title={labels.base} className="whitespace-nowrap px-2 py-1 text-right font-normal">compared</th>,
              <th key={`${n}-d`} scope="col" className="px-2 py-1 text-right font-normal">Δ</th>,
              <th key={`${n}-p`} scope="col" className="px-2 py-1 text-right font-normal">Δ%</th>,
            ])}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {aligned.rows.map((r, i) => (
            <tr key={i} data-testid="compare-row" data-key={r.x ?? r.baseX ?? ""} className={provisional[i] ? "bg-amber-50" : undefined}>
              <td className="whitespace-nowrap px-2 py-1">{r.x ?? (aligned.byOffset ? "—" : r.baseX)}</td>
              {aligned.byOffset && <td className="whitespace-nowrap px-2 py-1 text-slate-500">{r.baseX ?? "—"}</td>}
              {aligned.names.map((n, k) => [
                <td key={`${n}-c`} className="border-l border-slate-200 px-2 py-1 text-right tabular-nums">{formatValue(r.current[k], format)}</td>,
                <td key={`${n}-b`} data-testid="base-value" className="px-2 py-1 text-right tabular-nums text-slate-600">{formatValue(r.base[k], format)}</td>,
                <ChangeCells key={`${n}-d`} c={change(r.current[k], r.base[k])} format={format} />,
              ])}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
