"use client";

import Link from "next/link";
import { useSyncExternalStore } from "react";
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

/** One overview row as the browser gets it: timestamps as ISO strings, only what is shown. */
export interface ReportRowView {
  reportUuid: string;
  reportId: string;
  name: string;
  templateName: string | null;
  instanceName: string | null;
  amcInstanceId: string | null;
  frequency: Frequency;
  state: ReportState;
  latestStatus: ExecutionStatus | null;
  lastRunAt: string | null;
  nextRunAt: string | null;
  createdAt: string | null;
  executionCount: number | null;
  isFavorite: boolean;
}

interface ColumnMeta {
  /** Header text; a sortable header's link is named "Sort by <label>". */
  label: string;
  /** Set on columns the server can sort by; the column id is the same sort key. */
  sortKey?: OverviewSort;
  align?: "right";
}

// Sorting and paging happen in SQL: the table only renders the page it is given. The sorting
// feature is registered so headers can read their state (getIsSorted) from the URL's sort.
const features = tableFeatures({ rowSortingFeature, columnMeta: {} as ColumnMeta });
const helper = createColumnHelper<typeof features, ReportRowView>();

const columns = helper.columns([
  helper.accessor("isFavorite", {
    id: "favorite",
    header: "",
    enableSorting: false,
    meta: { label: "Favorite" },
    cell: (info) =>
      info.getValue() ? (
        <span role="img" aria-label="Favorite" className="text-amber-500">★</span>
      ) : (
        <span role="img" aria-label="Not a favorite" className="text-slate-300">☆</span>
      ),
  }),
  helper.accessor("name", {
    id: "name",
    header: "Name",
    meta: { label: "Name", sortKey: "name" },
    cell: (info) => (
      <div className="min-w-48">
        <div className="font-medium text-slate-900">{info.getValue()}</div>
        <div className="font-mono text-xs text-slate-500">{info.row.original.reportId}</div>
      </div>
    ),
  }),
  helper.accessor("templateName", {
    id: "template",
    header: "Template",
    enableSorting: false,
    meta: { label: "Template" },
    cell: (info) => info.getValue() ?? <Missing />,
  }),
  helper.accessor("instanceName", {
    id: "instance",
    header: "Instance",
    enableSorting: false,
    meta: { label: "Instance" },
    cell: (info) => (
      <div>
        <div>{info.getValue() ?? <Missing />}</div>
        {info.row.original.amcInstanceId && (
          <div className="font-mono text-xs text-slate-500">{info.row.original.amcInstanceId}</div>
        )}
      </div>
    ),
  }),
  helper.accessor("frequency", {
    id: "frequency",
    header: "Frequency",
    enableSorting: false,
    meta: { label: "Frequency" },
    cell: (info) => <span className="capitalize">{info.getValue()}</span>,
  }),
  helper.accessor("state", {
    id: "state",
    header: "State",
    enableSorting: false,
    meta: { label: "State" },
    cell: (info) => <StateBadge state={info.getValue()} />,
  }),
  helper.accessor("latestStatus", {
    id: "status",
    header: "Latest status",
    enableSorting: false,
    meta: { label: "Latest status" },
    cell: (info) => <StatusBadge status={info.getValue()} />,
  }),
  helper.accessor("lastRunAt", {
    id: "last_run",
    header: "Last run",
    meta: { label: "Last run", sortKey: "last_run" },
    cell: (info) => <LocalTime iso={info.getValue()} />,
  }),
  helper.accessor("nextRunAt", {
    id: "next_run",
    header: "Next run",
    meta: { label: "Next run", sortKey: "next_run" },
    cell: (info) =>
      info.row.original.state === "paused" ? (
        <span className="text-slate-500" title={info.getValue() ?? undefined}>Paused</span>
      ) : (
        <LocalTime iso={info.getValue()} />
      ),
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
    cell: (info) => <LocalTime iso={info.getValue()} />,
  }),
]);

export function ReportsTable({ rows, query }: { rows: ReportRowView[]; query: OverviewQuery }) {
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
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
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
                    className={`whitespace-nowrap px-3 py-2 font-medium text-slate-600 ${
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
                      ? "px-3 py-2 text-right align-top text-slate-700"
                      : "px-3 py-2 align-top text-slate-700"
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
  );
}

function Missing() {
  return <span className="text-slate-400">—</span>;
}

const STATUS_STYLES: Record<ExecutionStatus, string> = {
  pending: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-blue-50 text-blue-700 ring-blue-300",
  completed: "bg-green-50 text-green-700 ring-green-300",
  failed: "bg-red-50 text-red-700 ring-red-300",
  cancelled: "bg-amber-50 text-amber-800 ring-amber-300",
};

export function StatusBadge({ status }: { status: ExecutionStatus | null }) {
  if (!status) {
    return (
      <span data-testid="status-badge" data-status="never" className="text-xs italic text-slate-400">
        never run
      </span>
    );
  }
  return (
    <span
      data-testid="status-badge"
      data-status={status}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[status]}`}
    >
      {status}
    </span>
  );
}

const STATE_STYLES: Record<ReportState, string> = {
  active: "bg-emerald-50 text-emerald-700",
  paused: "bg-amber-50 text-amber-800",
  inactive: "bg-slate-100 text-slate-600",
};

function StateBadge({ state }: { state: ReportState }) {
  return (
    <span
      data-testid="state-badge"
      className={`inline-flex rounded px-1.5 py-0.5 text-xs font-medium capitalize ${STATE_STYLES[state]}`}
    >
      {state}
    </span>
  );
}

// The server does not know the viewer's time zone, so the first render (server and hydration)
// shows UTC and the client re-renders in the viewer's zone right after hydrating.
const subscribeNever = () => () => {};
const useHydrated = () =>
  useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function LocalTime({ iso }: { iso: string | null }) {
  const hydrated = useHydrated();
  if (!iso) return <Missing />;
  // Built from the ISO string by hand: ICU versions format "en-US" slightly differently in
  // Node and in browsers, which would be a hydration mismatch.
  const utc = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {hydrated ? localFormat.format(new Date(iso)) : utc}
    </time>
  );
}
