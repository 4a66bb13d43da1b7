import type { ValidationResponse } from "@/lib/reports/validate";

/** The resolved window of a preview: dates, zone, the AMC window, data lag and cost. */
export function WindowSummary({ preview }: { preview: ValidationResponse }) {
  const w = preview.timeWindow;
  return (
    <dl data-testid="preview-window" className="grid gap-x-6 gap-y-1 rounded-lg border border-slate-200 bg-white p-3 text-sm sm:grid-cols-2">
      <div>
        <dt className="text-xs text-slate-500">Dates</dt>
        <dd>
          {w.firstDay} – {w.lastDay} ({w.days} day{w.days === 1 ? "" : "s"}){w.provisional && <span className="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-900">provisional</span>}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Time zone</dt>
        <dd>{w.timeZone}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">AMC time window</dt>
        <dd className="font-mono text-xs">
          {w.start} → {w.end}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Data lag · estimated cost</dt>
        <dd>
          {w.lagDays} days · {preview.estimatedCost}
        </dd>
      </div>
    </dl>
  );
}
