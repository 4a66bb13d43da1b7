import type { Metadata } from "next";
import Link from "next/link";
import { RunLink } from "@/app/_components/run-link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getReportDetail, listRuns, RUNS_PAGE_SIZE } from "@/db/queries/report-detail";
import { reportForUserOrThrow } from "@/lib/auth/guards";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { StateBadge, StatusBadge } from "@/app/_components/badges";
import { DataTable } from "@/app/_components/data-table";
import { LocalTime } from "@/app/_components/local-time";
import { RecordTitle } from "@/app/_components/page-header";
import { NeedsConnectionMarker } from "@/app/(app)/instances/needs-connection";
import { formatBytes, formatDuration, formatWindow } from "@/app/_components/format";
import { describeWindow } from "@/lib/params/describe";
import { windowSpecSchema } from "@/lib/params/window";
import { AutoRefresh, CancelRunButton, NewRunsWatcher, RunNowButton } from "./run-controls";
import { latestRunMark } from "@/db/queries/runs-mark";
import { runRecipe } from "@/lib/executions/rerun";
import { AppError } from "@/lib/errors";
import { executionIdSchema } from "@/lib/ids";
import { searchParam } from "@/lib/http/search-params";
import type { SessionUser } from "@/db/queries/access";
import type { Database } from "@/db/client";
import { DefinitionActions } from "./edit/definition-actions";
import { ScheduleSection } from "./schedule-card";
import { BackfillSection } from "./backfill-section";
import type { PageArgs } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Report" };

const pageParam = z.coerce.number().int().min(1).max(10_000).catch(1);
const dayParam = z.iso.date();

/**
 * `?scheduleFrom=exec_…` (the run page's *Schedule this*): the run the schedule form starts
 * from, read through the same access checks as everything else; a run that cannot be used says why.
 */
async function scheduleFromRun(db: Database, user: SessionUser, reportId: string, executionId: string | undefined, lagDays: number) {
  if (!executionId) return undefined;
  try {
    const r = await runRecipe(db, user, { reportId, executionId });
    return {
      ok: true as const,
      run: {
        executionId: r.executionId,
        changedValues: r.changedValues,
        windowLabel: describeWindow(r.scheduleWindow, lagDays),
        windowChanges: r.windowChanges,
        days: r.days,
        zone: r.zone,
      },
    };
  } catch (e) {
    if (e instanceof AppError) return { ok: false as const, message: `Run ${executionId} cannot be scheduled: ${e.message}` };
    throw e;
  }
}

export default async function ReportPage({ params, searchParams }: PageArgs<{ reportId: string }>) {
  const user = await requireUser();
  const { reportId } = await params;
  const query = await searchParams;
  const page = pageParam.parse(query.page);
  const db = getDb();
  const guarded = await orNotFound(reportForUserOrThrow(db, user, reportId));
  const data = await getReportDetail(db, guarded.id);
  if (!data) notFound();
  const { report } = data;
  const runs = await listRuns(db, report.id, page);
  const live = runs.rows.some((r) => r.status === "pending" || r.status === "running");
  const spec = windowSpecSchema.safeParse(report.windowSpec);
  const state = data.schedule?.isPaused ? "paused" : report.isActive ? "active" : "inactive";
  const pages = Math.max(1, Math.ceil(runs.total / RUNS_PAGE_SIZE));
  const mark = await latestRunMark(db, report.id);
  const lagDays = data.dataLagDays ?? 14;
  const fromRun = await scheduleFromRun(db, user, report.reportId, searchParam(query.scheduleFrom, executionIdSchema), lagDays);
  // The run page's *Run another window*: the run form opened with that run's days to change.
  const runFrom = searchParam(query.runFrom, dayParam);
  const runTo = searchParam(query.runTo, dayParam);

  return (
    <div className="space-y-8">
      <AutoRefresh active={live} />
      <NewRunsWatcher reportId={report.reportId} shown={mark} />
      <RecordTitle
        back={{ href: "/reports", label: "Reports" }}
        title={report.name}
        id={report.reportId}
        facts={
          <>
            <StateBadge state={state} />
            <span>{report.frequency}</span>
            <NeedsConnectionMarker instanceUuid={guarded.instanceId} />
          </>
        }
        actions={
          <div className="flex flex-wrap items-start gap-3">
            <Link href={`/dashboards/report/${report.reportId}`} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">Dashboard</Link>
            <DefinitionActions reportId={report.reportId} name={report.name} runCount={runs.total} />
            <RunNowButton reportId={report.reportId} otherWindow={runFrom && runTo ? { start: runFrom, end: runTo } : undefined} />
          </div>
        }
      >
        {report.description && <p className="mt-2 max-w-2xl text-sm text-slate-700">{report.description}</p>}
      </RecordTitle>

      <section aria-labelledby="definition" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="definition" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Definition</h2>
        <dl className="mt-3 grid grid-cols-1 gap-x-8 gap-y-2 text-sm sm:grid-cols-2">
          <Item label="Template">
            {data.templateName ?? "—"} <span className="text-slate-500">(version {data.templateVersion ?? "?"})</span>
          </Item>
          <Item label="Instance">
            {data.instanceName} <code className="font-mono text-xs text-slate-500">{data.amcInstanceId}</code>
            {data.instanceType === "SANDBOX" && (
              <span className="ml-2 rounded bg-amber-100 px-1 text-[10px] font-semibold uppercase text-amber-800">Sandbox</span>
            )}
          </Item>
          <Item label="Owner">{data.ownerName ?? data.ownerEmail ?? "—"}</Item>
          <Item label="Time zone">{report.timezone}</Item>
          <Item label="Window">
            {spec.success ? describeWindow(spec.data, data.dataLagDays ?? 14) : "not set"}
          </Item>
          <Item label="Schedule">
            {data.schedule ? (
              <>
                <code className="font-mono text-xs">{data.schedule.cronExpression}</code> in {data.schedule.timezone}
                {data.schedule.isPaused && <span className="ml-2 text-amber-800">paused{data.schedule.pauseReason ? `: ${data.schedule.pauseReason}` : ""}</span>}
              </>
            ) : (
              "none (runs only when started)"
            )}
          </Item>
          <Item label="Parameters" wide>
            <ParameterList values={report.parameters as Record<string, unknown>} />
          </Item>
        </dl>
      </section>

      <ScheduleSection reportId={report.reportId} report={report} schedule={data.schedule} lagDays={lagDays} fromRun={fromRun} />
      <BackfillSection reportId={report.reportId} reportUuid={report.id} zone={report.timezone} lagDays={lagDays} />

      <section aria-labelledby="runs" className="space-y-3">
        <div className="flex items-baseline justify-between">
          <h2 id="runs" className="text-base font-semibold">Runs</h2>
          <span className="text-sm text-slate-500">{runs.total} in all</span>
        </div>
        {runs.rows.length === 0 ? (
          <p data-testid="runs-empty" className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
            No runs yet. Press <strong>Run now</strong> to run this report on its instance.
          </p>
        ) : (
          <DataTable
            testId="runs-table"
            columns={["Run", "Status", "Trigger", "Window", "Created", "Duration", { label: "Rows", className: "text-right" }, "Details"]}
          >
            {runs.rows.map((r) => (
              <tr key={r.id} data-testid="run-row" data-execution-id={r.executionId} className="align-top">
                <td className="px-3 py-2">
                  <RunLink reportId={report.reportId} executionId={r.executionId} />
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={r.status} />
                  {r.waitingReason === "reauthorization" && r.status === "running" && (
                    <span data-testid="run-waiting" className="mt-1 block text-xs text-amber-800">
                      Waiting for re-authorization
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-slate-700">
                  {r.triggeredBy}
                  {r.userName && <span className="block text-xs text-slate-500">by {r.userName}</span>}
                </td>
                <td className="px-3 py-2 text-xs text-slate-700">{formatWindow(r.timeWindowStart, r.timeWindowEnd, r.timeWindowTimezone)}</td>
                <td className="px-3 py-2"><LocalTime iso={r.createdAt?.toISOString() ?? null} /></td>
                <td className="px-3 py-2 tabular-nums">
                  {r.startedAt ? formatDuration((r.completedAt ?? new Date()).getTime() - r.startedAt.getTime()) : "—"}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {r.rowCount ?? "—"}
                  {r.sizeBytes !== null && <span className="block text-xs text-slate-500">{formatBytes(r.sizeBytes)}</span>}
                </td>
                <td className="max-w-md px-3 py-2">
                  {r.errorMessage && <p data-testid="run-error-message" className="line-clamp-3 text-xs text-red-700">{r.errorMessage}</p>}
                  {r.cancelRequestedAt && r.status === "running" && <p className="text-xs text-amber-800">Cancelling at AMC…</p>}
                  {(r.status === "pending" || r.status === "running") && !r.cancelRequestedAt && (
                    <CancelRunButton reportId={report.reportId} executionId={r.executionId} />
                  )}
                  {r.status === "completed" && (
                    <Link href={`/reports/${report.reportId}/runs/${r.executionId}`} className="text-xs text-indigo-700 hover:underline">
                      View result
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {pages > 1 && (
          <nav aria-label="Runs pages" className="flex gap-3 text-sm">
            {page > 1 && <Link href={`?page=${page - 1}`} className="text-indigo-700 hover:underline">Newer</Link>}
            <span className="text-slate-500">Page {page} of {pages}</span>
            {page < pages && <Link href={`?page=${page + 1}`} className="text-indigo-700 hover:underline">Older</Link>}
          </nav>
        )}
      </section>
    </div>
  );
}

function Item({ label, children, wide }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="text-slate-800">{children}</dd>
    </div>
  );
}

function ParameterList({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <span className="text-slate-500">none</span>;
  return (
    <ul className="space-y-0.5">
      {entries.map(([k, v]) => (
        <li key={k}>
          <code className="font-mono text-xs text-slate-500">{k}</code>{" "}
          {Array.isArray(v) ? `${v.join(", ")} (${v.length})` : String(v)}
        </li>
      ))}
    </ul>
  );
}
