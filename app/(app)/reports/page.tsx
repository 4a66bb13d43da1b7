import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import {
  RECENT_RUNS,
  listInstancesForFilter,
  listOwnersForFilter,
  listReportsOverview,
  type OverviewRow,
} from "@/lib/reports/overview";
import { requireUser } from "@/lib/auth/session";
import {
  hasActiveFilters,
  overviewHref,
  parseOverviewQuery,
  totalPages,
  withFilters,
  type OverviewQuery,
  type SearchParamsInput,
} from "@/lib/reports/overview-query";
import { FilterBar } from "./filter-bar";
import { ReportsTable, type ReportRowView } from "./reports-table";

export const metadata: Metadata = { title: "Reports" };

// Server-rendered numbers use one locale so they never differ between renders.
const count = (n: number) => n.toLocaleString("en-US");

export default async function ReportsPage({
  searchParams,
}: {
  searchParams: Promise<SearchParamsInput>;
}) {
  const user = await requireUser();
  const query = parseOverviewQuery(await searchParams);
  const db = getDb();
  const [{ rows, total }, instances, owners] = await Promise.all([
    listReportsOverview(db, user, query),
    listInstancesForFilter(db, user),
    listOwnersForFilter(db, user),
  ]);

  const pages = totalPages(total, query.pageSize);
  // A bookmarked page that no longer exists (reports deleted, filters narrower): show the last.
  if (rows.length === 0 && total > 0 && query.page > pages) {
    redirect(overviewHref({ ...query, page: pages }));
  }

  const filtered = hasActiveFilters(query);
  const canonical = overviewHref(query);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold text-slate-900">Reports</h1>
        <span className="text-sm text-slate-500" data-testid="reports-total">
          {filtered ? `${count(total)} matching` : count(total)}
        </span>
        <Link href="/reports/new" className="ml-auto rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
          New report
        </Link>
      </div>

      {total === 0 && !filtered ? (
        <NoReportsYet role={user.role} hasInstances={instances.length > 0} />
      ) : (
        <>
          <FilterBar key={canonical} query={query} instances={instances} owners={owners} />
          {total === 0 ? (
            <NoMatches clearHref={overviewHref(withFilters(query, { status: [] }))} />
          ) : (
            <>
              <ReportsTable rows={rows.map(toView)} query={query} />
              <Pagination query={query} total={total} shown={rows.length} pages={pages} />
            </>
          )}
        </>
      )}
    </div>
  );
}

function toView(r: OverviewRow): ReportRowView {
  return {
    reportUuid: r.reportUuid,
    reportId: r.reportId,
    name: r.name,
    templateName: r.templateName,
    instanceName: r.instanceName,
    amcInstanceId: r.amcInstanceId,
    ownerName: r.ownerName,
    ownerEmail: r.ownerEmail,
    frequency: r.frequency,
    state: r.state,
    latestStatus: r.latestStatus,
    lastRunAt: r.lastRunAt?.toISOString() ?? null,
    nextRunAt: r.nextRunAt?.toISOString() ?? null,
    createdAt: r.createdAt?.toISOString() ?? null,
    executionCount: r.executionCount,
    isFavorite: r.isFavorite,
    dashboardId: r.dashboardId,
    scheduleId: r.scheduleId,
    recentCompleted: r.recentCompleted,
    recentFinished: r.recentFinished,
    recentRuns: Math.min(r.executionCount ?? 0, RECENT_RUNS),
  };
}

function Pagination({
  query,
  total,
  shown,
  pages,
}: {
  query: OverviewQuery;
  total: number;
  shown: number;
  pages: number;
}) {
  const first = (query.page - 1) * query.pageSize + 1;
  const last = first + shown - 1;
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
  const disabled = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-300";
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      <p data-testid="pagination-summary">
        Showing {count(first)}–{count(last)} of {count(total)}
      </p>
      <div className="flex items-center gap-3">
        {query.page > 1 ? (
          <Link href={overviewHref({ ...query, page: query.page - 1 })} rel="prev" className={link}>
            Previous
          </Link>
        ) : (
          <span aria-disabled="true" className={disabled}>
            Previous
          </span>
        )}
        <span>
          Page {count(query.page)} of {count(pages)}
        </span>
        {query.page < pages ? (
          <Link href={overviewHref({ ...query, page: query.page + 1 })} rel="next" className={link}>
            Next
          </Link>
        ) : (
          <span aria-disabled="true" className={disabled}>
            Next
          </span>
        )}
      </div>
    </nav>
  );
}

function NoReportsYet({ role, hasInstances }: { role: "admin" | "member"; hasInstances: boolean }) {
  return (
    <section
      data-testid="reports-empty"
      className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
    >
      <h2 className="text-base font-semibold text-slate-900">No reports yet</h2>
      <p className="mx-auto mt-2 max-w-xl text-sm text-slate-600">
        Reports are created from a template: pick one in the{" "}
        <Link href="/templates" className="text-indigo-700 hover:underline">
          template library
        </Link>
        , choose an AMC instance and its parameters, then run it once, put it on a schedule or
        backfill it. Your reports and their latest runs will be listed here.
      </p>
      {role === "member" && !hasInstances && (
        <p className="mx-auto mt-3 max-w-xl text-sm text-slate-600">
          You don&apos;t have access to any AMC instance yet. Reports belong to instances, so ask an
          admin to grant you access in Settings.
        </p>
      )}
      {role === "member" && hasInstances && (
        <p className="mx-auto mt-3 max-w-xl text-sm text-slate-600">
          Expected to see reports here? You only see reports on the instances you have access to;
          an admin can grant more in Settings.
        </p>
      )}
      {role === "admin" && (
        <p className="mx-auto mt-3 max-w-xl text-sm text-slate-600">
          As an admin you can also grant members access to instances in{" "}
          <Link href="/settings" className="text-indigo-700 hover:underline">
            Settings
          </Link>
          .
        </p>
      )}
    </section>
  );
}

function NoMatches({ clearHref }: { clearHref: string }) {
  return (
    <section
      data-testid="reports-no-match"
      className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
    >
      <h2 className="text-base font-semibold text-slate-900">No reports match these filters</h2>
      <p className="mt-2 text-sm text-slate-600">Try a different search or fewer filters.</p>
      <Link
        href={clearHref}
        className="mt-4 inline-block rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
      >
        Clear filters
      </Link>
    </section>
  );
}
