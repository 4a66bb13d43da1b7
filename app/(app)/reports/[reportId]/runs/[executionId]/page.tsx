import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getRunDetail } from "@/db/queries/report-detail";
import { RESULT_PAGE_SIZE, resultPage } from "@/lib/results/read";
import { executionForUserOrThrow, reportForUserOrThrow } from "@/lib/auth/guards";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { StatusBadge } from "@/app/_components/badges";
import { Fact } from "@/app/_components/fact";
import { LocalTime } from "@/app/_components/local-time";
import { formatBytes, formatDuration, formatWindow } from "@/app/_components/format";
import { AutoRefresh, CancelRunButton } from "../../run-controls";
import { CopySqlButton } from "./copy-sql-button";
import { RunActions } from "./run-actions";
import { dayColumnsNote } from "@/lib/executions/result-zone";
import { addDays, localDate } from "@/lib/params/zoned";
import { failureHint } from "@/lib/executions/failure-hint";
import { runTimeline, type Timeline } from "@/lib/executions/timeline";
import type { PageArgs } from "@/lib/http/search-params";
import { formatCell } from "@/lib/results/format";

export const metadata: Metadata = { title: "Run" };

const resultQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.coerce.number().int().min(0).max(500).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).catch("asc"),
});

export default async function RunPage({ params, searchParams }: PageArgs<{ reportId: string; executionId: string }>) {
  const user = await requireUser();
  const { reportId, executionId } = await params;
  const q = resultQuery.parse(await searchParams);
  const db = getDb();
  const report = await orNotFound(reportForUserOrThrow(db, user, reportId));
  const { execution } = await orNotFound(executionForUserOrThrow(db, user, executionId));
  const data = await getRunDetail(db, report.id, execution.id);
  if (!data) notFound();
  const { run, result } = data;
  const sortColumn = result && q.sort !== undefined && q.sort < result.columns.length ? q.sort : undefined;
  const rows = result ? await resultPage(db, result, { page: q.page, sortColumn, dir: q.dir }) : [];
  const pages = result ? Math.max(1, Math.ceil(result.rowCount / RESULT_PAGE_SIZE)) : 1;
  const live = run.status === "pending" || run.status === "running";
  const href = (p: Partial<{ page: number; sort: number; dir: string }>) => {
    const s = new URLSearchParams();
    const page = p.page ?? 1;
    const sort = "sort" in p ? p.sort : sortColumn;
    if (page > 1) s.set("page", String(page));
    if (sort !== undefined) s.set("sort", String(sort));
    const dir = p.dir ?? q.dir;
    if (sort !== undefined && dir !== "asc") s.set("dir", dir);
    const text = s.toString();
    return text ? `?${text}` : "?";
  };
  const snapshot = run.parametersSnapshot as { values?: Record<string, unknown> };
  const timeline = runTimeline(run, new Date());
  const hint = run.status === "failed" ? failureHint(run.errorMessage, run.errorDetails) : null;
  const finished = run.status === "completed" || run.status === "failed" || run.status === "cancelled";
  const zone = run.timeWindowTimezone ?? report.timezone;
  const days =
    run.timeWindowStart && run.timeWindowEnd
      ? { first: localDate(run.timeWindowStart, zone), last: addDays(localDate(run.timeWindowEnd, zone), -1) }
      : null;
  const zoneNote = result ? dayColumnsNote(result.columns, { advertiser: data.advertiserTimezone, window: zone }) : null;

  return (
    <div className="space-y-6">
      <AutoRefresh active={live} />
      <div>
        <p className="text-sm">
          <Link href="/reports" className="text-indigo-700 hover:underline">Reports</Link>
          {" / "}
          <Link href={`/reports/${data.reportId}`} className="text-indigo-700 hover:underline">{data.reportName}</Link>
        </p>
        <h1 className="mt-1 flex flex-wrap items-center gap-3 text-xl font-semibold">
          <code className="font-mono">{run.executionId}</code>
          <StatusBadge status={run.status} />
          {live && !run.cancelRequestedAt && <CancelRunButton reportId={data.reportId} executionId={run.executionId} />}
        </h1>
      </div>

      {finished && days && (
        <RunActions
          reportId={data.reportId}
          executionId={run.executionId}
          firstDay={days.first}
          lastDay={days.last}
          canSchedule={run.status === "completed"}
        />
      )}

      {run.waitingReason === "reauthorization" && run.status === "running" && (
        <div role="status" data-testid="run-waiting" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Waiting for re-authorization: AMC has this run (it may already have finished), but the Amazon Ads account
          needs to be reconnected before the result can be fetched. An admin can reconnect it on the{" "}
          <Link href="/instances" className="underline">Instances page</Link>; the result is then downloaded automatically.
        </div>
      )}

      {run.errorMessage && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          <p data-testid="run-error-message">{run.errorMessage}</p>
          {hint && (
            <p data-testid="run-error-hint" data-kind={hint.kind} className="mt-2 text-red-900">
              <span className="font-semibold">Likely cause: {hint.title}.</span> {hint.hint}
            </p>
          )}
        </div>
      )}

      <RunTimeline timeline={timeline} />

      <dl className="grid grid-cols-1 gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-3">
        <Fact label="Trigger">{run.triggeredBy}{data.userName ? ` by ${data.userName}` : ""}</Fact>
        <Fact label="Window">{formatWindow(run.timeWindowStart, run.timeWindowEnd, run.timeWindowTimezone)}</Fact>
        <Fact label="AMC execution id"><code className="font-mono text-xs">{run.amcExecutionId ?? (finished ? "never submitted" : "not submitted yet")}</code></Fact>
        <Fact label="Created"><LocalTime iso={run.createdAt?.toISOString() ?? null} /></Fact>
        <Fact label="Started"><LocalTime iso={run.startedAt?.toISOString() ?? null} /></Fact>
        <Fact label="Finished"><LocalTime iso={run.completedAt?.toISOString() ?? null} /></Fact>
        <Fact label="Duration">{run.startedAt ? formatDuration((run.completedAt ?? new Date()).getTime() - run.startedAt.getTime()) : "—"}</Fact>
        <Fact label="Rows">{run.rowCount ?? "—"}</Fact>
        <Fact label="Size">{formatBytes(run.sizeBytes)}</Fact>
      </dl>

      <details className="rounded-lg border border-slate-200 bg-white p-4">
        <summary className="cursor-pointer text-sm font-semibold">Executed SQL and parameters (template version {run.templateVersion ?? "?"})</summary>
        {run.renderedSql && (
          <div className="mt-3">
            <CopySqlButton sql={run.renderedSql} />
          </div>
        )}
        <pre data-testid="executed-sql" className="mt-3 overflow-x-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs">{run.renderedSql}</pre>
        <pre className="mt-3 overflow-x-auto rounded bg-slate-50 p-3 font-mono text-xs">{JSON.stringify(snapshot.values ?? {}, null, 2)}</pre>
      </details>

      <section aria-labelledby="result" className="space-y-3">
        <div className="flex items-baseline justify-between">
          <h2 id="result" className="text-base font-semibold">Result</h2>
          {result && !result.expiredAt && (
            <a
              href={`/api/executions/${run.executionId}/csv`}
              download
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              Download CSV
            </a>
          )}
        </div>
        {result && (
          <p data-testid="result-zone" className="text-sm text-slate-600">
            {zoneNote ?? "This result has no date column."} The run covered {formatWindow(run.timeWindowStart, run.timeWindowEnd, run.timeWindowTimezone)}.
          </p>
        )}
        {!result ? (
          <p className="text-sm text-slate-600">
            {live ? "The result appears here when AMC finishes the run." : "This run has no stored result."}
          </p>
        ) : result.expiredAt ? (
          <p data-testid="result-expired" className="text-sm text-slate-600">
            This result&apos;s {result.rowCount.toLocaleString("en-US")} rows were removed on <LocalTime iso={result.expiredAt.toISOString()} />: stored
            results are kept for a limited time after their window ends (13 months unless your administrator changed it). Run the
            window again to see it.
          </p>
        ) : result.rowCount === 0 ? (
          <p data-testid="result-empty" className="text-sm text-slate-600">
            The query returned no rows. AMC drops rows that fall below its privacy threshold (too few distinct users),
            so a narrow window or a small campaign can come back empty.
          </p>
        ) : (
          <>
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table data-testid="result-table" className="min-w-full divide-y divide-slate-200 text-sm">
                <thead className="bg-slate-50 text-left text-xs font-semibold text-slate-600">
                  <tr>
                    {result.columns.map((c, i) => (
                      <th key={i} scope="col" className="px-3 py-2">
                        <Link
                          href={href({ sort: i, dir: sortColumn === i && q.dir === "asc" ? "desc" : "asc" })}
                          aria-label={`Sort by ${c}`}
                          className="hover:text-indigo-700"
                        >
                          {c}
                          {sortColumn === i ? (q.dir === "asc" ? " ▲" : " ▼") : ""}
                        </Link>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((r) => (
                    <tr key={r.rowNo} data-testid="result-row">
                      {result.columns.map((c, i) => (
                        // The stored value on hover: the shown one is rounded for reading.
                        <td key={i} title={r.cells[i] ?? undefined} className="whitespace-nowrap px-3 py-1.5 tabular-nums">{formatCell(c, r.cells[i] ?? null)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav aria-label="Result pages" className="flex items-center gap-3 text-sm">
              {q.page > 1 && <Link href={href({ page: q.page - 1 })} className="text-indigo-700 hover:underline">Previous</Link>}
              <span className="text-slate-500">
                Rows {(q.page - 1) * RESULT_PAGE_SIZE + 1}–{Math.min(q.page * RESULT_PAGE_SIZE, result.rowCount)} of {result.rowCount}
              </span>
              {q.page < pages && <Link href={href({ page: q.page + 1 })} className="text-indigo-700 hover:underline">Next</Link>}
            </nav>
          </>
        )}
      </section>
    </div>
  );
}

/** The run's steps in order, each with the time it took to get there from the previous one. */
function RunTimeline({ timeline }: { timeline: Timeline }) {
  return (
    <section aria-labelledby="timeline" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="timeline" className="text-base font-semibold">Timeline</h2>
      <ol data-testid="run-timeline" className="mt-3 flex flex-wrap items-start gap-x-2 gap-y-3 text-sm">
        {timeline.steps.map((step, i) => (
          <li key={step.kind} data-testid="timeline-step" data-kind={step.kind} className="flex items-start gap-2">
            {i > 0 && (
              <span className="mt-0.5 whitespace-nowrap text-xs text-slate-500" aria-label={`after ${formatDuration(step.sincePreviousMs)}`}>
                → {formatDuration(step.sincePreviousMs)} →
              </span>
            )}
            <span>
              <span className={`block font-medium ${TIMELINE_TONE[step.kind]}`}>{step.label}</span>
              <span className="block text-xs text-slate-600"><LocalTime iso={step.at.toISOString()} /></span>
            </span>
          </li>
        ))}
        {timeline.current && (
          <li data-testid="timeline-current" className="flex items-start gap-2 text-slate-600">
            <span className="mt-0.5 text-xs">→</span>
            <span className="italic">{timeline.current.label} for {formatDuration(timeline.current.forMs)}</span>
          </li>
        )}
      </ol>
    </section>
  );
}

const TIMELINE_TONE: Record<Timeline["steps"][number]["kind"], string> = {
  created: "text-slate-800",
  started: "text-slate-800",
  submitted: "text-blue-700",
  completed: "text-green-700",
  failed: "text-red-700",
  cancelled: "text-amber-800",
};

