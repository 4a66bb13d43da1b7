import type { NewSchedulePreview } from "@/lib/reports/definitions";

/**
 * What a schedule being set up would do: in words, its cron, warnings, and its next runs (5, or
 * `limit`) in its zone with the days each covers (inclusive). The builder and the report page
 * name the runs differently for their browser tests (runTestId).
 */
export function ScheduleRuns({ preview, runTestId, limit }: { preview: NewSchedulePreview; runTestId: string; limit?: number }) {
  const runs = limit === undefined ? preview.runs : preview.runs.slice(0, limit);
  return (
    <>
      <p className="font-medium text-slate-800">
        {preview.description} <code className="ml-1 font-mono text-xs text-slate-500">{preview.cron}</code>
      </p>
      {preview.warnings.map((w) => (
        <p key={w} className="mt-1 text-xs text-amber-800">
          {w}
        </p>
      ))}
      <p className="mt-2 text-xs font-medium text-slate-600">
        Next {runs.length} runs ({preview.timezone})
      </p>
      <ol className="mt-1 space-y-0.5">
        {runs.map((r) => (
          <li key={r.at} data-testid={runTestId} className="tabular-nums">
            {r.local}
            {r.window && <span className="ml-2 text-xs text-slate-500">covers {r.window}</span>}
          </li>
        ))}
      </ol>
    </>
  );
}
