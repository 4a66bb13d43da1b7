import type { WindowSpec } from "./window";

/** A window spec in words, for pages and previews. */
export function describeWindow(spec: WindowSpec, defaultLagDays: number): string {
  const words = describeKind(spec, defaultLagDays);
  return spec.includeProvisional ? `${words}; provisional data included` : words;
}

function describeKind(spec: WindowSpec, defaultLagDays: number): string {
  const lag = spec.kind === "absolute" ? null : (spec.lagDays ?? defaultLagDays);
  const ending = lag ? `, ending ${lag} day${lag === 1 ? "" : "s"} ago (data lag)` : "";
  switch (spec.kind) {
    case "absolute":
      return `${spec.start} to ${spec.end}`;
    case "last_days":
      return `Last ${spec.n} complete day${spec.n === 1 ? "" : "s"}${ending}`;
    case "last_weeks":
      return `Last ${spec.n} week${spec.n === 1 ? "" : "s"}${ending}`;
    case "last_months":
      return `Last ${spec.n} month${spec.n === 1 ? "" : "s"}${ending}`;
    case "previous_week":
      return `Previous complete week (Mon–Sun)${ending}`;
    case "previous_month":
      return `Previous calendar month${ending}`;
    case "previous_quarter":
      return `Previous calendar quarter${ending}`;
    case "month_to_date":
      return `Month to date${ending}`;
    case "quarter_to_date":
      return `Quarter to date${ending}`;
    case "year_to_date":
      return `Year to date${ending}`;
  }
}
