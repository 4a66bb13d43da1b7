import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { instanceScope } from "@/db/queries/access";
import { listAllRuns, type GlobalRunRow, type RunSort } from "@/db/queries/runs";
import { EXECUTION_STATUSES, TRIGGERS } from "@/db/schema/reports";
import { requireUser } from "@/lib/auth/session";
import { parseRunsQuery, runsHref, type RunsQuery } from "@/lib/executions/runs-query";
import { listInstancesForFilter } from "@/lib/reports/overview";
import type { SearchParams } from "@/lib/http/search-params";
import { StatusBadge } from "@/app/_components/badges";
import { DataTable } from "@/app/_components/data-table";
import { buttonClass, inputClass, Labeled, Options } from "@/app/_components/form";
import { formatDuration, formatWindow } from "@/app/_components/format";
import { LocalTime } from "@/app/_components/local-time";
import { RunLink } from "@/app/_components/run-link";
import { AutoRefresh } from "../reports/[reportId]/run-controls";

export const metadata: Metadata = { title: "Runs" };

const count = (n: number) => n.toLocaleString("en-US");

export default async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const query = parseRunsQuery(await searchParams);
  const db = getDb();
  const [{ rows, total }, instances] = await Promise.all([
    listAllRuns(db, await instanceScope(db, user), query),
    listInstancesForFilter(db, user),
  ]);
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  // A bookmarked page past the end (runs deleted, filters narrower): show the last one.
  if (rows.length === 0 && total > 0 && query.page > pages) redirect(runsHref({ ...query, page: pages }));
  const live = rows.some((r) => r.status === "pending" || r.status === "running");
  const filtered = Boolean(query.instance || query.report || query.status || query.trigger || query.from || query.to);

  return (
    <div className="flex flex-col gap-4">
      <AutoRefresh active={live} />
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold text-slate-900">Runs</h1>
        <span className="text-sm text-slate-500" data-testid="runs-total">
          {filtered ? `${count(total)} matching` : count(total)}
        </span>
      </div>

      {/* A plain GET form: the filters land in the URL, and it works before any script loads. */}
      <form method="get" action="/runs" role="search" aria-label="Filter runs" className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-4 lg:grid-cols-7">
        <AnyOf name="instance" label="Instance" value={query.instance} any="All instances" options={instances.map((i) => ({ value: i.id, label: i.instanceName }))} />
        <Labeled id="runs-report" label="Report">
          <input id="runs-report" name="report" type="search" defaultValue={query.report ?? ""} placeholder="rpt_… or name" maxLength={100} className={inputClass} />
        </Labeled>
        <AnyOf name="status" label="Status" value={query.status} any="Any status" options={EXECUTION_STATUSES} />
        <AnyOf name="trigger" label="Trigger" value={query.trigger} any="Any trigger" options={TRIGGERS} />
        <Labeled id="runs-from" label="Created from (UTC)">
          <input id="runs-from" name="from" type="date" defaultValue={query.fromDay ?? ""} className={inputClass} />
        </Labeled>
        <Labeled id="runs-to" label="Created to (UTC)">
          <input id="runs-to" name="to" type="date" defaultValue={query.toDay ?? ""} className={inputClass} />
        </Labeled>
        {query.sort !== "created" && <input type="hidden" name="sort" value={query.sort} />}
        {query.dir !== "desc" && <input type="hidden" name="dir" value={query.dir} />}
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass("primary")}>Apply</button>
          {filtered && (
            <Link href={runsHref({ ...query, instance: undefined, report: undefined, status: undefined, trigger: undefined, from: undefined, to: undefined, fromDay: undefined, toDay: undefined, page: 1 })} className="py-2 text-sm text-indigo-700 hover:underline">
              Clear
            </Link>
          )}
        </div>
      </form>

      {total === 0 ? (
        <p data-testid="runs-empty" className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
          {filtered ? "No runs match these filters." : "No runs yet. Runs appear here when a report runs, by hand, on a schedule, in a backfill or through the API."}
        </p>
      ) : (
        <>
          <DataTable
            testId="runs-table"
            columns={[
              "Run",
              "Report",
              "Instance",
              "Trigger",
              { label: <span title="The days the run covers, first and last included, in the report's time zone">Window</span> },
              { label: <SortLink query={query} sort="status" label="Status" /> },
              { label: <SortLink query={query} sort="created" label="Created" /> },
              { label: <SortLink query={query} sort="duration" label="Duration" /> },
              { label: "Rows", className: "text-right" },
            ]}
          >
            {rows.map((r) => (
              <RunRow key={r.executionId} run={r} />
            ))}
          </DataTable>
          <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
            <p data-testid="pagination-summary">
              Showing {count((query.page - 1) * query.pageSize + 1)}–{count((query.page - 1) * query.pageSize + rows.length)} of {count(total)}
            </p>
            <div className="flex items-center gap-3">
              {query.page > 1 && <Link href={runsHref({ ...query, page: query.page - 1 })} className={buttonClass("secondary", "sm")}>Previous</Link>}
              <span>Page {query.page} of {pages}</span>
              {query.page < pages && <Link href={runsHref({ ...query, page: query.page + 1 })} className={buttonClass("secondary", "sm")}>Next</Link>}
            </div>
          </nav>
        </>
      )}
    </div>
  );
}

/** A column head that sorts by it; clicking the current sort flips its direction. */
function SortLink({ query, sort, label }: { query: RunsQuery; sort: RunSort; label: string }) {
  const current = query.sort === sort;
  const dir = current && query.dir === "desc" ? "asc" : "desc";
  return (
    <Link
      href={runsHref({ ...query, sort, dir, page: 1 })}
      aria-label={`Sort by ${label.toLowerCase()}`}
      aria-current={current ? "true" : undefined}
      className="hover:text-indigo-700"
    >
      {label}
      {current ? (query.dir === "asc" ? " ▲" : " ▼") : ""}
    </Link>
  );
}

function RunRow({ run }: { run: GlobalRunRow }) {
  const duration = run.startedAt ? (run.completedAt ?? new Date()).getTime() - run.startedAt.getTime() : null;
  return (
    <tr data-testid="run-row" data-trigger={run.triggeredBy} data-status={run.status}>
      <td className="px-3 py-2">
        <RunLink reportId={run.reportId} executionId={run.executionId} />
      </td>
      <td className="px-3 py-2">
        <Link href={`/reports/${run.reportId}`} className="text-slate-800 hover:text-indigo-700">{run.reportName}</Link>
        <div className="font-mono text-xs text-slate-500">{run.reportId}</div>
      </td>
      <td className="px-3 py-2 text-slate-700">{run.instanceName ?? "—"}</td>
      <td className="px-3 py-2 text-slate-700" data-testid="run-trigger">{run.triggeredBy}</td>
      <td className="px-3 py-2 text-xs text-slate-700" data-testid="run-window">{formatWindow(run.timeWindowStart, run.timeWindowEnd, run.timeWindowTimezone)}</td>
      <td className="px-3 py-2">
        <StatusBadge status={run.status} />
        {run.errorMessage && <div className="mt-1 max-w-xs truncate text-xs text-red-700" title={run.errorMessage}>{run.errorMessage}</div>}
      </td>
      <td className="px-3 py-2"><LocalTime iso={run.createdAt?.toISOString() ?? null} /></td>
      <td className="px-3 py-2 tabular-nums">{formatDuration(duration)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{run.rowCount ?? "—"}</td>
    </tr>
  );
}

/** A filter select whose first option means "no filter". */
function AnyOf(props: { name: string; label: string; value: string | undefined; any: string; options: Parameters<typeof Options>[0]["options"] }) {
  const id = `runs-${props.name}`;
  return (
    <Labeled id={id} label={props.label}>
      <select id={id} name={props.name} defaultValue={props.value ?? ""} className={inputClass}>
        <option value="">{props.any}</option>
        <Options options={props.options} />
      </select>
    </Labeled>
  );
}
