import { getDb } from "@/db/client";
import { backfillProgress, type BackfillProgress, type SegmentProgress } from "@/lib/backfill/progress";
import { formatWindow } from "@/app/_components/format";
import { BackfillControls } from "./backfill-controls";
import { BackfillForm } from "./backfill-form";
import { AutoRefresh } from "./run-controls";

const CELL: Record<SegmentProgress["status"], string> = {
  completed: "bg-emerald-500",
  running: "bg-sky-400 animate-pulse",
  pending: "bg-slate-200",
  failed: "bg-red-500",
  cancelled: "bg-slate-400",
};

const ACTIVE = new Set(["pending", "running", "paused"]);

/**
 * The report's Backfills (product.md §2): the form (plan shown before starting) and, per
 * backfill, done/total, counts, one cell per segment coloured by status, Retry failed segments
 * and Cancel. Re-reads itself every 2 s while a backfill is active. Access was checked by the
 * page (getReportForUser) before this renders.
 */
export async function BackfillSection({ reportId, reportUuid }: { reportId: string; reportUuid: string }) {
  const backfills = await backfillProgress(getDb(), { reportUuid });
  const live = backfills.some((b) => ACTIVE.has(b.status));
  return (
    <section aria-labelledby="backfills" data-testid="backfills" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <AutoRefresh active={live} />
      <div>
        <h2 id="backfills" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Backfill</h2>
        <p className="mt-1 text-sm text-slate-600">
          Run this report over past periods, one run per segment, newest first. Up to 365 days, ending at the template&apos;s data lag.
        </p>
      </div>
      <BackfillForm reportId={reportId} blocked={live} />
      {backfills.map((b) => (
        <BackfillBlock key={b.id} reportId={reportId} b={b} />
      ))}
    </section>
  );
}

function BackfillBlock({ reportId, b }: { reportId: string; b: BackfillProgress }) {
  const active = ACTIVE.has(b.status);
  return (
    <div
      data-testid="backfill-progress"
      data-collection-id={b.collectionId}
      data-done={b.done}
      data-total={b.total}
      data-status={b.status}
      className="space-y-2 rounded-md border border-slate-200 p-3"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm">
          <span className="font-medium text-slate-900">
            {b.done}/{b.total} done
          </span>{" "}
          <span className="text-slate-600">
            · {b.segmentType} · {b.startDate} – {b.endDate} (end exclusive) · <code className="font-mono text-xs">{b.collectionId}</code>
          </span>
        </p>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-700">{b.status.replaceAll("_", " ")}</span>
      </div>
      <p className="text-xs text-slate-600" data-testid="backfill-counts">
        {b.running} running · {b.pending} pending · {b.failed} failed{b.cancelled > 0 ? ` · ${b.cancelled} cancelled` : ""} · {b.rows.toLocaleString("en-US")} rows
      </p>
      <ol className="flex flex-wrap gap-1" aria-label="Backfill cells, newest first">
        {b.segments.map((s) => (
          <li
            key={s.executionId}
            data-testid="segment-cell"
            data-status={s.status}
            title={`${formatWindow(s.windowStart, s.windowEnd, s.timeZone)} · ${s.status} · attempts ${s.attempts}${s.runs > 1 ? ` · run ${s.runs} times` : ""}${s.rows !== null ? ` · ${s.rows} rows` : ""}${s.error ? ` · ${s.error}` : ""}`}
            className={`h-4 w-4 rounded-sm ${CELL[s.status]}`}
          >
            <span className="sr-only">{formatWindow(s.windowStart, s.windowEnd, s.timeZone)}: {s.status}</span>
          </li>
        ))}
      </ol>
      <BackfillControls reportId={reportId} collectionId={b.collectionId} canRetry={b.failed > 0 && b.status !== "cancelled"} canCancel={active} />
    </div>
  );
}
