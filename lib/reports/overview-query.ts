import { z } from "zod";
// Type-only: this module is also bundled for the browser (the table builds its sort links with
// toSearchParams), so it must not pull drizzle's schema code in at runtime.
import type { ExecutionStatus, Frequency } from "../../db/schema/reports";
import type { ReportState } from "../../db/schema/views";

/**
 * The Reports overview's URL state. Everything a user can change on the page lives in the
 * search params, so a view can be bookmarked, shared and navigated with the back button.
 * Parsing never fails: a hand-edited or stale URL shows the page with the bad parts ignored.
 */

export const OVERVIEW_SORTS = ["created", "name", "last_run", "next_run", "executions"] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

export const SORT_DIRS = ["asc", "desc"] as const;
export type SortDir = (typeof SORT_DIRS)[number];

/** The direction a column sorts in when first clicked: newest / most first, names A→Z, soonest next run first. */
export const DEFAULT_DIR: Readonly<Record<OverviewSort, SortDir>> = {
  created: "desc",
  name: "asc",
  last_run: "desc",
  next_run: "asc",
  executions: "desc",
};

export const EXECUTION_STATUS_VALUES = [
  "pending",
  "running",
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly ExecutionStatus[];
// Compile-time guard: the list above must name every status the schema knows.
const _everyStatusListed: [Exclude<ExecutionStatus, (typeof EXECUTION_STATUS_VALUES)[number]>] extends [never]
  ? true
  : never = true;

/** Latest-run status filter values; "never" means the report has no executions. */
export const OVERVIEW_STATUSES = [...EXECUTION_STATUS_VALUES, "never"] as const;
export type OverviewStatus = (typeof OVERVIEW_STATUSES)[number];

export const REPORT_STATES = ["active", "paused", "inactive"] as const satisfies readonly ReportState[];
export const FREQUENCY_VALUES = [
  "once",
  "daily",
  "weekly",
  "monthly",
  "quarterly",
] as const satisfies readonly Frequency[];

export const PAGE_SIZES = [25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 50;
const PAGE_SIZE_BY_PARAM = { "25": 25, "50": 50, "100": 100 } as const satisfies Record<
  `${PageSize}`,
  PageSize
>;

export const SEARCH_MAX_LENGTH = 100;

export interface OverviewQuery {
  page: number;
  pageSize: PageSize;
  sort: OverviewSort;
  dir: SortDir;
  /** Empty = any status. Deduplicated, in OVERVIEW_STATUSES order. */
  status: OverviewStatus[];
  state?: ReportState;
  /** amc_instances.id (our uuid), lower-case. */
  instance?: string;
  /** users.id (our uuid) of the reports' owner, lower-case. The page offers it to admins. */
  owner?: string;
  frequency?: Frequency;
  /** Trimmed, non-empty, at most SEARCH_MAX_LENGTH characters. */
  q?: string;
}

export type SearchParamsInput = Record<string, string | string[] | undefined>;

// A repeated param (?sort=a&sort=b) is a user or link error, not a crash: the first one wins.
// A NUL byte cannot be stored or compared in PostgreSQL text: such a value is dropped like any bad one.
const first = (v: unknown): unknown => {
  const f = Array.isArray(v) ? v[0] : v;
  return typeof f === "string" && f.includes("\u0000") ? undefined : f;
};

// Status accepts both ?status=failed,never (what toSearchParams writes) and repeated params.
const splitList = (v: unknown): string[] => {
  const parts = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return parts
    .filter((p): p is string => typeof p === "string")
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
};

const one = <T extends z.ZodType>(schema: T) => z.preprocess(first, schema);

const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  one(z.enum(values).optional()).catch(undefined);

export const overviewQuerySchema = z
  .object({
    // Digits only: "2abc", "1.5", "-1" and "1e3" are not pages.
    page: one(z.string().regex(/^[1-9]\d{0,6}$/).transform(Number)).catch(1),
    size: one(z.enum(["25", "50", "100"]).transform((s) => PAGE_SIZE_BY_PARAM[s])).catch(
      DEFAULT_PAGE_SIZE,
    ),
    sort: one(z.enum(OVERVIEW_SORTS)).catch("created"),
    dir: optionalEnum(SORT_DIRS),
    // Unknown values are dropped one by one, so ?status=failed,bogus still filters on failed.
    status: z
      .preprocess(splitList, z.array(z.string()))
      .transform((values) => OVERVIEW_STATUSES.filter((s) => values.includes(s)))
      .catch([]),
    state: optionalEnum(REPORT_STATES),
    instance: one(z.guid().optional())
      .transform((v) => v?.toLowerCase())
      .catch(undefined),
    owner: one(z.guid().optional())
      .transform((v) => v?.toLowerCase())
      .catch(undefined),
    frequency: optionalEnum(FREQUENCY_VALUES),
    q: one(z.string().trim().max(SEARCH_MAX_LENGTH).optional())
      .transform((v) => (v ? v : undefined))
      .catch(undefined),
  })
  .transform(
    (r): OverviewQuery => ({
      page: r.page,
      pageSize: r.size,
      sort: r.sort,
      dir: r.dir ?? DEFAULT_DIR[r.sort],
      status: r.status,
      ...(r.state ? { state: r.state } : {}),
      ...(r.instance ? { instance: r.instance } : {}),
      ...(r.owner ? { owner: r.owner } : {}),
      ...(r.frequency ? { frequency: r.frequency } : {}),
      ...(r.q ? { q: r.q } : {}),
    }),
  );

/** Never throws: every field falls back to its default. */
export function parseOverviewQuery(params: SearchParamsInput): OverviewQuery {
  return overviewQuerySchema.parse(params);
}

export const DEFAULT_OVERVIEW_QUERY: OverviewQuery = parseOverviewQuery({});

export function hasActiveFilters(query: OverviewQuery): boolean {
  return (
    query.status.length > 0 ||
    query.state !== undefined ||
    query.instance !== undefined ||
    query.owner !== undefined ||
    query.frequency !== undefined ||
    query.q !== undefined
  );
}

/**
 * The canonical search params for `query`: defaults are omitted and keys come in a fixed
 * order, so equal views have equal URLs (bookmarks, caching, tests).
 */
export function toSearchParams(query: OverviewQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (query.q) p.set("q", query.q);
  const status = OVERVIEW_STATUSES.filter((s) => query.status.includes(s));
  if (status.length > 0) p.set("status", status.join(","));
  if (query.state) p.set("state", query.state);
  if (query.instance) p.set("instance", query.instance);
  if (query.owner) p.set("owner", query.owner);
  if (query.frequency) p.set("frequency", query.frequency);
  if (query.sort !== "created") p.set("sort", query.sort);
  if (query.dir !== DEFAULT_DIR[query.sort]) p.set("dir", query.dir);
  if (query.pageSize !== DEFAULT_PAGE_SIZE) p.set("size", String(query.pageSize));
  if (query.page !== 1) p.set("page", String(query.page));
  return p;
}

/** `/reports?…` for `query` (or plain `/reports` for the default view). */
export function overviewHref(query: OverviewQuery, base = "/reports"): string {
  const qs = toSearchParams(query).toString();
  return qs ? `${base}?${qs}` : base;
}

/** The query for clicking a column header: flip the direction if already sorted by it. */
export function withSort(query: OverviewQuery, sort: OverviewSort): OverviewQuery {
  const dir: SortDir =
    query.sort === sort ? (query.dir === "asc" ? "desc" : "asc") : DEFAULT_DIR[sort];
  return { ...query, sort, dir, page: 1 };
}

/** Filters changed: back to page 1, keep sort and page size. */
export function withFilters(
  query: OverviewQuery,
  filters: Pick<OverviewQuery, "status" | "state" | "instance" | "owner" | "frequency" | "q">,
): OverviewQuery {
  const next: OverviewQuery = {
    page: 1,
    pageSize: query.pageSize,
    sort: query.sort,
    dir: query.dir,
    status: filters.status,
  };
  if (filters.state) next.state = filters.state;
  if (filters.instance) next.instance = filters.instance;
  if (filters.owner) next.owner = filters.owner;
  if (filters.frequency) next.frequency = filters.frequency;
  if (filters.q) next.q = filters.q;
  return next;
}

export function totalPages(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
