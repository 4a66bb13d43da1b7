"use client";

import Link from "next/link";
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
        <Link href={`/reports/${info.row.original.reportId}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
          {info.getValue()}
        </Link>
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

