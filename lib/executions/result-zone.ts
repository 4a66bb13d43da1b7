/**
 * Which zone a result's day columns are in (issue 16, amc-data-model.md §1 "Time columns"): AMC's
 * `<x>_date`, `<x>_dt`, `<x>_hour`, `<x>_day`, `<x>_dt_hour` are in the advertiser's time zone,
 * their `_utc` twins in UTC. The advertiser's zone is the instance's advertiser_timezone; when a
 * caller does not know it, a non-UTC column is named as "the advertiser's time zone", never
 * guessed; only `_utc` columns are said to be UTC.
 */
const DAY_COLUMN = /(^|_)(date|dt|dt_hour|day|hour|week|month)(_utc)?$/i;

export interface DayColumns {
  /** Columns AMC gives in UTC (`…_utc`). */
  utc: string[];
  /** Columns AMC gives in the advertiser's time zone. */
  advertiser: string[];
}

export function dayColumns(columns: readonly string[]): DayColumns {
  const out: DayColumns = { utc: [], advertiser: [] };
  for (const c of columns) {
    const name = c.trim();
    if (!DAY_COLUMN.test(name)) continue;
    (/_utc$/i.test(name) ? out.utc : out.advertiser).push(c);
  }
  return out;
}

/**
 * The sentence the run page shows above a result, or null when it has no day column. With the
 * advertiser's zone and the window's, it names the zone and says when the two differ (a window in
 * another zone spans one more of the advertiser's dates: 31 for "last 30 days").
 */
export function dayColumnsNote(columns: readonly string[], zones: { advertiser?: string | null; window?: string | null } = {}): string | null {
  const { utc, advertiser } = dayColumns(columns);
  const list = (xs: string[]) => xs.join(", ");
  if (advertiser.length === 0 && utc.length === 0) return null;
  if (advertiser.length === 0) return `Dates in this result (${list(utc)}) are in UTC.`;
  const rest = utc.length > 0 ? ` ${list(utc)} ${utc.length === 1 ? "is" : "are"} in UTC.` : "";
  if (!zones.advertiser) {
    return `Dates in this result (${list(advertiser)}) are in the advertiser's time zone, as AMC reports them, which may differ from the run's window zone.${rest}`;
  }
  const differs =
    zones.window && zones.window !== zones.advertiser
      ? ` The window was in ${zones.window}, so the result can hold one more date than the window has days.`
      : "";
  return `Dates in this result (${list(advertiser)}) are in the advertiser's time zone, ${zones.advertiser}, as AMC reports them.${differs}${rest}`;
}
