"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition, type FormEvent } from "react";
import {
  DEFAULT_DIR,
  DEFAULT_OVERVIEW_QUERY,
  DEFAULT_PAGE_SIZE,
  FREQUENCY_VALUES,
  REPORT_STATES,
  SEARCH_MAX_LENGTH,
  hasActiveFilters,
  overviewHref,
  parseOverviewQuery,
  withFilters,
  type OverviewQuery,
  type OverviewStatus,
} from "@/lib/reports/overview-query";
import { Options } from "@/app/_components/form";

export interface InstanceOption {
  id: string;
  instanceId: string;
  instanceName: string;
}

/** A report owner the filter offers (admins only: the page passes none to members). */
export interface OwnerOption {
  id: string;
  name: string;
  email: string;
}

const STATUS_LABELS: Record<OverviewStatus, string> = {
  pending: "Pending",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
  never: "Never run",
};

const selectClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

/**
 * All filter state lives in the URL. Without JavaScript this is a plain GET form; with it,
 * submitting (or changing a select) navigates to the canonical URL for the new filters, on
 * page 1 with the current sort, as a history entry so Back undoes a filter change.
 * The page keys this component by its URL, so the fields always show the URL's values.
 */
export function FilterBar({ query, instances, owners }: { query: OverviewQuery; instances: InstanceOption[]; owners: OwnerOption[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function apply(form: HTMLFormElement) {
    const data = new FormData(form);
    const read = (name: string) => {
      const v = data.get(name);
      return typeof v === "string" ? v : undefined;
    };
    // Parsed exactly as the server will parse the URL, so what is pushed is what is shown.
    const parsed = parseOverviewQuery({
      q: read("q"),
      status: read("status"),
      state: read("state"),
      instance: read("instance"),
      owner: read("owner"),
      frequency: read("frequency"),
    });
    const href = overviewHref(withFilters(query, parsed));
    startTransition(() => router.push(href, { scroll: false }));
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    apply(e.currentTarget);
  }

  const multipleStatuses = query.status.length > 1 ? query.status.join(",") : undefined;
  const clearHref = overviewHref(withFilters(query, { status: [] }));

  return (
    <form
      action="/reports"
      method="get"
      role="search"
      aria-label="Filter reports"
      onSubmit={onSubmit}
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
    >
      {/* Without JavaScript the GET form must carry the sort along. */}
      {query.sort !== DEFAULT_OVERVIEW_QUERY.sort && <input type="hidden" name="sort" value={query.sort} />}
      {query.dir !== DEFAULT_DIR[query.sort] && <input type="hidden" name="dir" value={query.dir} />}
      {query.pageSize !== DEFAULT_PAGE_SIZE && <input type="hidden" name="size" value={query.pageSize} />}

      <FilterField name="q" label="Search" className="min-w-56 flex-1">
        <input
          id="filter-q"
          name="q"
          type="search"
          defaultValue={query.q ?? ""}
          maxLength={SEARCH_MAX_LENGTH}
          placeholder="Name, report id or description"
          className={selectClass}
        />
      </FilterField>

      <FilterSelect
        name="status"
        label="Status"
        value={multipleStatuses ?? query.status[0]}
        anyLabel="Any status"
        options={(Object.keys(STATUS_LABELS) as OverviewStatus[]).map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
      >
        {/* A bookmarked ?status=failed,never has no single option; keep it selectable. */}
        {multipleStatuses && <option value={multipleStatuses}>{query.status.map((s) => STATUS_LABELS[s]).join(" or ")}</option>}
      </FilterSelect>

      <FilterSelect
        name="state"
        label="State"
        value={query.state}
        anyLabel="Any state"
        options={REPORT_STATES.map((v) => ({ value: v, label: capitalize(v) }))}
      />

      <FilterSelect
        name="instance"
        label="Instance"
        value={query.instance}
        anyLabel="All instances"
        className="max-w-64"
        options={instances.map((i) => ({ value: i.id, label: `${i.instanceName} (${i.instanceId})` }))}
      />

      {owners.length > 0 && (
        <FilterSelect
          name="owner"
          label="Owner"
          value={query.owner}
          anyLabel="Anyone"
          className="max-w-56"
          options={owners.map((o) => ({ value: o.id, label: `${o.name} (${o.email})` }))}
        />
      )}

      <FilterSelect
        name="frequency"
        label="Frequency"
        value={query.frequency}
        anyLabel="Any frequency"
        options={FREQUENCY_VALUES.map((v) => ({ value: v, label: capitalize(v) }))}
      />

      <div className="flex items-center gap-3">
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-1"
        >
          Apply
        </button>
        {hasActiveFilters(query) && (
          <Link href={clearHref} className="text-sm text-indigo-700 hover:underline">
            Clear filters
          </Link>
        )}
        <span aria-live="polite" className="text-xs text-slate-500">
          {pending ? "Updating…" : ""}
        </span>
      </div>
    </form>
  );
}

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** A filter's small label over its control (id `filter-<name>`). */
function FilterField({ name, label, className = "", children }: { name: string; label: string; className?: string; children: React.ReactNode }) {
  return (
    <div className={`flex flex-col gap-1 ${className}`.trim()}>
      <label htmlFor={`filter-${name}`} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A labelled filter select that applies itself on change (the form's submit navigates). */
function FilterSelect({
  name,
  label,
  value,
  anyLabel,
  options,
  className = "",
  children,
}: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: { value: string; label: string }[];
  className?: string;
  /** Options after the listed ones. */
  children?: React.ReactNode;
}) {
  return (
    <FilterField name={name} label={label}>
      <select
        id={`filter-${name}`}
        name={name}
        defaultValue={value ?? ""}
        onChange={(e) => e.currentTarget.form?.requestSubmit()}
        className={`${selectClass} ${className}`}
      >
        <option value="">{anyLabel}</option>
        <Options options={options} />
        {children}
      </select>
    </FilterField>
  );
}
