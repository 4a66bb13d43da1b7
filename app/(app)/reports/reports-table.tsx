"use client";

import Link from "next/link";
import { useMemo, useState, useSyncExternalStore } from "react";
import {
  createColumnHelper,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type SortingState,
} from "@tanstack/react-table";
import {
  overviewHref,
  withSort,
  type OverviewQuery,
  type OverviewSort,
} from "@/lib/reports/overview-query";
import type { ExecutionStatus, Frequency } from "@/db/schema/reports";
import type { ReportState } from "@/db/schema/views";
import { StateBadge, StatusBadge } from "@/app/_components/badges";
import { LocalTime } from "@/app/_components/local-time";
import { FavoriteStar, RowActions, type RowResult } from "./row-actions";

/** One overview row as the browser gets it: timestamps as ISO strings, only what is shown. */
export interface ReportRowView {
  reportUuid: string;
  reportId: string;
  name: string;
  templateName: string | null;
  instanceName: string | null;
  amcInstanceId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  frequency: Frequency;
  state: ReportState;
  latestStatus: ExecutionStatus | null;
  lastRunAt: string | null;
  nextRunAt: string | null;
  createdAt: string | null;
  executionCount: number | null;
  isFavorite: boolean;
  dashboardId: string | null;
  scheduleId: string | null;
  /** Of the newest RECENT_RUNS runs: completed, and completed + failed. */
  recentCompleted: number;
  recentFinished: number;
  recentRuns: number;
}

interface ColumnMeta {
  /** Header text; a sortable header's link is named "Sort by <label>". */
  label: string;
  /** Set on columns the server can sort by; the column id is the same sort key. */
  sortKey?: OverviewSort;
  align?: "right";
}

/** Cell callbacks the columns need from the table (row results go above it). */
interface TableContext {
  onResult: (r: RowResult) => void;
}

// Sorting and paging happen in SQL: the table only renders the page it is given. The sorting
// feature is registered so headers can read their state (getIsSorted) from the URL's sort.
const features = tableFeatures({ rowSortingFeature, columnMeta: {} as ColumnMeta });
const helper = createColumnHelper<typeof features, ReportRowView>();

const percent = (completed: number, finished: number) => `${Math.round((100 * completed) / finished)}%`;

/**
 * The columns, built per table so cells can reach its callbacks. Everything fits 1,248 px (the
 * page's width at a 1280 px window): the template sits under the name, the state and frequency
 * with the next run, the latest status with the last run, times in small type; the Columns menu
 * hides what a user does not need.
 */
function buildColumns(ctx: TableContext) {
  return helper.columns([
    helper.accessor("isFavorite", {
      id: "favorite",
      header: "",
      enableSorting: false,
      meta: { label: "Favorite" },
      cell: (info) => (
        <FavoriteStar
          name={info.row.original.name}
          dashboardId={info.row.original.dashboardId}
          favorite={info.getValue()}
          onResult={ctx.onResult}
        />
      ),
    }),
    helper.accessor("name", {
      id: "name",
      header: "Name",
      meta: { label: "Name", sortKey: "name" },
      cell: (info) => (
        <div className="min-w-40 max-w-64">
          <Link href={`/reports/${info.row.original.reportId}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
            {info.getValue()}
          </Link>
          <div className="font-mono text-xs text-slate-500">{info.row.original.reportId}</div>
          <div className="text-xs text-slate-500">{info.row.original.templateName ?? <Missing />}</div>
        </div>
      ),
    }),
    helper.accessor("instanceName", {
      id: "instance",
      header: "Instance",
      enableSorting: false,
      meta: { label: "Instance" },
      cell: (info) => (
        <div className="max-w-40">
          <div>{info.getValue() ?? <Missing />}</div>
          {info.row.original.amcInstanceId && (
            <div className="font-mono text-xs text-slate-500">{info.row.original.amcInstanceId}</div>
          )}
        </div>
      ),
    }),
    helper.accessor("ownerName", {
      id: "owner",
      header: "Owner",
      enableSorting: false,
      meta: { label: "Owner" },
      cell: (info) => (
        <div className="max-w-32 break-words" data-testid="report-owner" title={info.row.original.ownerEmail ?? undefined}>
          {info.getValue() ?? <Missing />}
        </div>
      ),
    }),
    helper.accessor("nextRunAt", {
      id: "next_run",
      header: "Next run",
      meta: { label: "Next run", sortKey: "next_run" },
      cell: (info) => (
        <div className="flex flex-col items-start gap-0.5">
          <div className="flex items-center gap-1.5">
            <StateBadge state={info.row.original.state} />
            <span className="text-xs capitalize text-slate-500">{info.row.original.frequency}</span>
          </div>
          <div className="text-xs">
            {info.row.original.state === "paused" ? (
              <span className="text-slate-500" title="Paused: no runs until the schedule is resumed">Paused</span>
            ) : info.row.original.state === "inactive" && info.row.original.scheduleId ? (
              // The scheduler skips an inactive report's slots: promising one would be untrue.
              <span className="text-slate-500" title="The report is inactive: its scheduled slots are skipped">no runs while inactive</span>
            ) : info.row.original.scheduleId ? (
              <LocalTime iso={info.getValue()} />
            ) : (
              <span className="text-slate-400">not scheduled</span>
            )}
          </div>
        </div>
      ),
    }),
    helper.accessor("lastRunAt", {
      id: "last_run",
      header: "Last run",
      meta: { label: "Last run", sortKey: "last_run" },
      cell: (info) => (
        <div className="flex flex-col items-start gap-0.5">
          <StatusBadge status={info.row.original.latestStatus} />
          {info.getValue() && (
            <div className="text-xs">
              <LocalTime iso={info.getValue()} />
            </div>
          )}
        </div>
      ),
    }),
    helper.accessor("recentFinished", {
      id: "success",
      header: "Success",
      enableSorting: false,
      meta: { label: "Success", align: "right" },
      cell: (info) => {
        const { recentCompleted: ok, recentFinished: ended, recentRuns } = info.row.original;
        if (ended === 0) return <span className="text-slate-400" title="No finished runs yet">—</span>;
        return (
          <span
            data-testid="success-rate"
            className={`tabular-nums ${ok === ended ? "text-green-700" : ok === 0 ? "text-red-700" : "text-slate-700"}`}
            title={`${ok} of the ${ended} finished among the last ${recentRuns} runs completed (cancelled and unfinished runs not counted)`}
          >
            {percent(ok, ended)}
            <span className="block text-xs text-slate-500">
              {ok}/{ended}
            </span>
          </span>
        );
      },
    }),
    helper.accessor("executionCount", {
      id: "executions",
      header: "Runs",
      meta: { label: "Runs", sortKey: "executions", align: "right" },
      cell: (info) => <span className="tabular-nums">{info.getValue() ?? 0}</span>,
    }),
    helper.accessor("createdAt", {
      id: "created",
      header: "Created",
      meta: { label: "Created", sortKey: "created" },
      cell: (info) => (
        <span className="text-xs">
          <LocalTime iso={info.getValue()} />
        </span>
      ),
    }),
    helper.accessor("reportId", {
      id: "actions",
      header: "",
      enableSorting: false,
      meta: { label: "Actions" },
      cell: (info) => (
        <RowActions
          onResult={ctx.onResult}
          target={{
            reportId: info.row.original.reportId,
            name: info.row.original.name,
            executionCount: info.row.original.executionCount ?? 0,
            scheduleId: info.row.original.scheduleId,
            schedulePaused: info.row.original.state === "paused",
            dashboardId: info.row.original.dashboardId,
          }}
        />
      ),
    }),
  ]);
}

/** Columns the user may hide (their ids above), in table order; the rest make a row what it is. */
const OPTIONAL_COLUMNS = [
  { id: "instance", label: "Instance" },
  { id: "owner", label: "Owner" },
  { id: "success", label: "Success" },
  { id: "executions", label: "Runs" },
  { id: "created", label: "Created" },
] as const;

const HIDDEN_KEY = "amc.reports.hiddenColumns";
const HIDDEN_EVENT = "amc:reports-columns";

// The hidden columns live in localStorage (per browser, like a view setting), read through
// useSyncExternalStore: the server and hydration render every column, then the client's choice.
function subscribeHidden(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(HIDDEN_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(HIDDEN_EVENT, onChange);
  };
}
const readHidden = () => {
  try {
    return window.localStorage.getItem(HIDDEN_KEY) ?? "";
  } catch {
    return ""; // storage blocked: every column shows
  }
};
function writeHidden(ids: string[]) {
  try {
    window.localStorage.setItem(HIDDEN_KEY, ids.join(","));
  } catch {
    // storage blocked: the choice lasts until the next event only
  }
  window.dispatchEvent(new Event(HIDDEN_EVENT));
}

export function ReportsTable({ rows, query }: { rows: ReportRowView[]; query: OverviewQuery }) {
  const [result, setResult] = useState<RowResult | null>(null);
  const [choosing, setChoosing] = useState(false);
  const hiddenRaw = useSyncExternalStore(subscribeHidden, readHidden, () => "");
  const hidden = useMemo(
    () => new Set(hiddenRaw.split(",").filter((id) => OPTIONAL_COLUMNS.some((c) => c.id === id))),
    [hiddenRaw],
  );
  const columns = useMemo(
    () => buildColumns({ onResult: setResult }).filter((c) => !c.id || !hidden.has(c.id)),
    [hidden],
  );
  const sorting: SortingState = [{ id: query.sort, desc: query.dir === "desc" }];
  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.reportUuid,
    state: { sorting },
    manualSorting: true,
    enableMultiSort: false,
  });

  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-start justify-between gap-3">
        <div className="min-h-6 flex-1" aria-live="polite">
          {result && (
            <p
              role={result.kind === "error" ? "alert" : "status"}
              data-testid={result.kind === "error" ? "row-action-error" : "row-action-result"}
              className={`text-sm ${result.kind === "error" ? "text-red-700" : "text-slate-700"}`}
            >
              {result.text}{" "}
              {result.link && (
                <Link href={result.link.href} className="text-indigo-700 hover:underline">
                  {result.link.label}
                </Link>
              )}
            </p>
          )}
        </div>
        {/* The checkboxes exist only while open: closed, nothing else on the page shares their names. */}
        <div className="relative text-sm" data-testid="column-chooser">
          <button
            type="button"
            aria-expanded={choosing}
            aria-controls="column-chooser-list"
            onClick={() => setChoosing((o) => !o)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs text-slate-700 hover:bg-slate-50"
          >
            Columns{hidden.size > 0 ? ` (${hidden.size} hidden)` : ""}
          </button>
          {choosing && (
            <fieldset id="column-chooser-list" className="absolute right-0 z-20 mt-1 w-44 rounded-md border border-slate-200 bg-white p-2 shadow-lg">
              <legend className="sr-only">Columns shown</legend>
              {OPTIONAL_COLUMNS.map((c) => (
                <label key={c.id} className="flex items-center gap-2 py-0.5 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    checked={!hidden.has(c.id)}
                    onChange={(e) => {
                      const next = new Set(hidden);
                      if (e.currentTarget.checked) next.delete(c.id);
                      else next.add(c.id);
                      writeHidden([...next]);
                    }}
                  />
                  {c.label}
                </label>
              ))}
            </fieldset>
          )}
        </div>
      </div>
      {/* Not a scroll box: a row's menu must be able to open past the table's last row. The
          columns wrap to fit the page at 1280 px; narrower windows scroll the page. */}
      <div className="rounded-lg border border-slate-200 bg-white" data-testid="reports-table-frame">
        <table data-testid="reports-table" className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  const sorted = header.column.getIsSorted();
                  const sortKey = meta?.sortKey;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      className={`whitespace-nowrap px-2 py-2 font-medium text-slate-600 ${
                        meta?.align === "right" ? "text-right" : "text-left"
                      }`}
                    >
                      {sortKey && header.column.getCanSort() ? (
                        <Link
                          href={overviewHref(withSort(query, sortKey))}
                          aria-label={`Sort by ${meta.label}`}
                          className="inline-flex items-center gap-1 hover:text-indigo-700"
                          scroll={false}
                        >
                          <table.FlexRender header={header} />
                          <span aria-hidden="true" className={sorted ? "text-indigo-700" : "text-slate-300"}>
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </Link>
                      ) : meta?.label && header.column.columnDef.header === "" ? (
                        <span className="sr-only">{meta.label}</span>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-slate-100">
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                data-testid="report-row"
                data-report-id={row.original.reportId}
                className="hover:bg-slate-50"
              >
                {row.getAllCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={
                      cell.column.columnDef.meta?.align === "right"
                        ? "px-2 py-2 text-right align-top text-slate-700"
                        : "px-2 py-2 align-top text-slate-700"
                    }
                  >
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Missing() {
  return <span className="text-slate-400">—</span>;
}

