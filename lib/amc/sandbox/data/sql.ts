/** Helpers that build the generator's SQL expressions (text, spliced into the statements). */

/** 1-based bucket of u under the weights (width_bucket over cumulative lower bounds). */
export function bucket(u: string, weights: number[]): string {
  const total = weights.reduce((s, w) => s + w, 0);
  const bounds: number[] = [0];
  let acc = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    acc += (weights[i] as number) / total;
    bounds.push(Number(acc.toFixed(12)));
  }
  return `width_bucket(${u}, '{${bounds.join(",")}}'::float8[])`;
}

/** Pick from string literals by weight. */
export function pickText(u: string, options: [string, number][]): string {
  return `(ARRAY[${options.map(([v]) => lit(v)).join(", ")}])[${bucket(u, options.map(([, w]) => w))}]`;
}

/** A SQL string literal (or NULL). */
export function lit(v: string | null): string {
  return v === null ? "NULL" : `'${v.replace(/'/g, "''")}'`;
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Power-law rank in [1, n] with weight (rank + q)^-s, by inverting the continuous CDF. */
export function powerRank(u: string, n: number, s: number, q = 0): string {
  const a = 1 + q;
  const b = n + 1 + q;
  const e = 1 - s;
  return `LEAST(${n}, GREATEST(1, floor(power(${a ** e} + (${u}) * (${b ** e - a ** e}), ${1 / e}) - ${q})::int))`;
}

/** A local timestamp expression in time zone `tz` (an SQL expression), as UTC. */
export function utc(local: string, tz: string): string {
  return `((${local}) AT TIME ZONE ${tz}) AT TIME ZONE 'UTC'`;
}


/** The AMC time columns of an event, by suffix (impression_dt, event_date_utc, ...), in the tables' order. */
export const EVENT_TIME_SUFFIXES = ["dt", "dt_utc", "date", "date_utc", "hour", "dt_hour", "day"] as const;

/** An event's time columns (EVENT_TIME_SUFFIXES) from its local and UTC timestamps; hour and day are local. */
export function eventTimeColumns(local: string, utc: string): string[] {
  const day = (ts: string) => (/\s/.test(ts) ? `(${ts})::date` : `${ts}::date`);
  return [
    local, utc, day(local), day(utc), `extract(hour FROM ${local})::int`, `date_trunc('hour', ${local})`,
    `extract(day FROM ${local})::int`,
  ];
}
