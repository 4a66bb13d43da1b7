import { z } from "zod";
import { EXECUTION_STATUSES, TRIGGERS } from "../../db/schema/reports";
import { RUN_SORTS, type RunsFilter } from "../../db/queries/runs";
import { searchParam, type SearchParams } from "../http/search-params";

/**
 * The global Runs page's URL state: every filter lives in the search params, so a view can be
 * bookmarked and shared. A bad value is ignored, never an error (searchParam's rule).
 */

export const RUNS_PAGE_SIZE = 50;

const DAY_MS = 86_400_000;
const uuid = z.string().uuid();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A YYYY-MM-DD day as its UTC midnight, or undefined for an impossible date (2025-02-30). */
function utcDay(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : d;
}

export interface RunsQuery extends RunsFilter {
  /** The days as typed, for the form and links; `from`/`to` are their UTC instants. */
  fromDay?: string;
  toDay?: string;
}

export function parseRunsQuery(sp: SearchParams): RunsQuery {
  const fromDay = searchParam(sp.from, day);
  const toDay = searchParam(sp.to, day);
  const from = utcDay(fromDay);
  const toStart = utcDay(toDay);
  const report = searchParam(sp.report)?.trim().slice(0, 100);
  return {
    page: searchParam(sp.page, z.coerce.number().int().min(1).max(100_000)) ?? 1,
    pageSize: RUNS_PAGE_SIZE,
    sort: searchParam(sp.sort, z.enum(RUN_SORTS)) ?? "created",
    dir: searchParam(sp.dir, z.enum(["asc", "desc"])) ?? "desc",
    instance: searchParam(sp.instance, uuid)?.toLowerCase(),
    report: report ? report : undefined,
    status: searchParam(sp.status, z.enum(EXECUTION_STATUSES)),
    trigger: searchParam(sp.trigger, z.enum(TRIGGERS)),
    ...(from ? { from, fromDay } : {}),
    // "to" names the last day shown: the filter ends at the next day's midnight (half-open).
    ...(toStart ? { to: new Date(toStart.getTime() + DAY_MS), toDay } : {}),
  };
}

/** The page's URL for `q`, defaults left out so equal views have equal URLs. */
export function runsHref(q: RunsQuery): string {
  const s = new URLSearchParams();
  if (q.instance) s.set("instance", q.instance);
  if (q.report) s.set("report", q.report);
  if (q.status) s.set("status", q.status);
  if (q.trigger) s.set("trigger", q.trigger);
  if (q.fromDay) s.set("from", q.fromDay);
  if (q.toDay) s.set("to", q.toDay);
  if (q.sort !== "created") s.set("sort", q.sort);
  if (q.dir !== "desc") s.set("dir", q.dir);
  if (q.page > 1) s.set("page", String(q.page));
  const text = s.toString();
  return text ? `/runs?${text}` : "/runs";
}
