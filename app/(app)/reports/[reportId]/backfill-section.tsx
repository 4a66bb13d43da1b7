import { getDb } from "@/db/client";
import { backfillProgress, type BackfillProgress, type SegmentProgress } from "@/lib/backfill/progress";
import { formatWindow } from "@/app/_components/format";
import { BackfillControls } from "./backfill-controls";
import { BackfillForm } from "./backfill-form";
import { AutoRefresh } from "./run-controls";
import { addDays, localDate } from "@/lib/params/zoned";

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
 * backfill, done/total, counts, one cell per segment coloured by status (its tooltip from the
 * stored attempts, AMC id and error), Retry failed segments, Pause / Resume and Cancel.
 * Re-reads itself every 2 s while a backfill has work under way. Access was checked by the
 * page (getReportForUser) before this renders.
 */
export async function BackfillSection({
  reportId,
  reportUuid,
  zone,
  lagDays,
}: {
  reportId: string;
  reportUuid: string;
  zone: string;
  lagDays: number;
}) {
  const backfills = await backfillProgress(getDb(), { reportUuid });
  const active = backfills.some((b) => ACTIVE.has(b.status));
  // A paused backfill changes only through its segments still at AMC, or when someone resumes it.
  const live = backfills.some((b) => b.status === "pending" || b.status === "running" || (b.status === "paused" && b.running > 0));
  const today = localDate(new Date(), zone);
  return (
    <section aria-labelledby="backfills" data-testid="backfills" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <AutoRefresh active={live} />
      <div>
        <h2 id="backfills" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Backfill</h2>
        <p className="mt-1 text-sm text-slate-600">
          Run this report over past periods, one run per segment, newest first. Up to 365 days, ending at the template&apos;s data lag.
        </p>
      </div>
      <BackfillForm reportId={reportId} blocked={active} defaultLastDay={addDays(today, -lagDays - 1)} today={today} lagDays={lagDays} zone={zone} />
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
            · {b.segmentType} · {b.startDate} – {b.endDate ? addDays(b.endDate, -1) : "?"} · <code className="font-mono text-xs">{b.collectionId}</code>
          </span>
        </p>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-700">{b.status.replaceAll("_", " ")}</span>
      </div>
      <p className="text-xs text-slate-600" data-testid="backfill-counts">
        {b.running} running · {b.pending} pending · {b.failed} failed{b.cancelled > 0 ? ` · ${b.cancelled} cancelled` : ""} · {b.rows.toLocaleString("en-US")} rows
      </p>
      {b.status === "paused" && (
        <p data-testid="backfill-paused" className="text-xs text-amber-800">
          Paused: no new segments are sent to AMC until it is resumed; segments already there finish.
        </p>
      )}
      <ol className="flex flex-wrap gap-1" aria-label="Backfill cells, newest first">
        {b.segments.map((s) => {
          const tip = segmentTip(s, b.status === "paused");
          return (
            <li
              key={s.executionId}
              tabIndex={0}
              data-testid="segment-cell"
              data-status={s.status}
              data-attempts={s.attempts}
              title={tip}
              aria-label={tip}
              className={`h-4 w-4 rounded-sm focus:outline-none focus:ring-2 focus:ring-indigo-500 ${CELL[s.status]}`}
            />
          );
        })}
      </ol>
      <BackfillControls
        reportId={reportId}
        collectionId={b.collectionId}
        canRetry={b.failed > 0 && b.status !== "cancelled"}
        canPause={b.status === "pending" || b.status === "running"}
        canResume={b.status === "paused"}
        canCancel={active}
      />
    </div>
  );
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * A segment's tooltip, from what is stored: its window, state, attempts as the engine counts
 * them (failed tries while it retries by itself, the attempts used once it failed), how often
 * it was re-queued, AMC's id, rows and the last error.
 */
function segmentTip(s: SegmentProgress, paused: boolean): string {
  const parts = [formatWindow(s.windowStart, s.windowEnd, s.timeZone), s.status];
  if (s.status === "pending") {
    if (s.attempts > 0) {
      const next = s.nextAttemptAt ? `, next try ${s.nextAttemptAt.toISOString().slice(11, 16)} UTC` : "";
      parts.push(`${plural(s.attempts, "failed attempt")} so far, retrying by itself${next}`);
    } else parts.push(paused ? "waits for Resume" : "not sent yet");
  } else if (s.status === "failed") {
    parts.push(s.attempts > 0 ? `failed after ${plural(s.attempts, "attempt")}` : "failed");
  }
  if (s.runs > 1) parts.push(`queued ${s.runs} times (retried)`);
  if (s.amcExecutionId) parts.push(`AMC ${s.amcExecutionId}`);
  if (s.rows !== null && s.status === "completed") parts.push(plural(s.rows, "row"));
  if (s.error) parts.push(`last error: ${s.error}`);
  return parts.join(" · ");
}
