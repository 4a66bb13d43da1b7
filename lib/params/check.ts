import { PARAM_LIMITS, type ParamDef } from "./definitions";
import { renderSql, type FieldIssue, type FormIssue } from "./render";
import { resolveWindow, toAmcWindow, type ResolvedWindow, type WindowSpec } from "./window";

/**
 * Everything the builder, the server actions and `POST /api/report-builder/validate-parameters`
 * say about a template + values + window at a given clock: field and form errors, non-blocking
 * warnings, the resolved window and, only when all is valid, the SQL exactly as a run with the
 * same inputs and clock would send it (it comes from the one renderer). Pure: the caller loads
 * the template and checks access (lib/reports/validate.ts).
 */

export interface CheckInput {
  sqlTemplate: string;
  defs: ParamDef[];
  /** The template's data_lag_days: the default lag of relative windows. */
  dataLagDays: number;
  values: Record<string, unknown>;
  window: WindowSpec;
  timeZone: string;
  now: Date;
}

export interface Warning {
  code: "provisional_window" | "large_list" | "long_window" | "beyond_retention";
  message: string;
  field?: string;
}

export type CostEstimate = "low" | "medium" | "high";

/** The resolved window as the API and the preview show it. */
export interface TimeWindowView {
  /** AMC's `timeWindowStart` / `timeWindowEnd`: local wall time in `timeZone`, no offset. */
  start: string;
  end: string;
  timeZone: string;
  /** First and last local dates included. */
  firstDay: string;
  lastDay: string;
  days: number;
  lagDays: number;
  provisional: boolean;
  /** The same bounds as instants (UTC ISO). */
  startUtc: string;
  endUtc: string;
}

export interface CheckResult {
  valid: boolean;
  errors: FieldIssue[];
  formErrors: FormIssue[];
  warnings: Warning[];
  previewSql: string | null;
  /** The values as validated (lists split and de-duplicated, numbers as numbers, defaults filled). */
  values: Record<string, unknown> | null;
  timeWindow: TimeWindowView;
  estimatedCost: CostEstimate;
}

/** AMC keeps about 13 months of data (amc-data-model.md §2.3). */
const RETENTION_DAYS = 395;
const LIST_TYPES = new Set(["asin_list", "campaign_list", "string_list", "campaign_filter"]);

export function windowView(w: ResolvedWindow): TimeWindowView {
  const amc = toAmcWindow(w);
  return {
    start: amc.start,
    end: amc.end,
    timeZone: w.timeZone,
    firstDay: w.firstDay,
    lastDay: w.lastDay,
    days: w.days,
    lagDays: w.lagDays,
    provisional: w.provisional,
    startUtc: w.start.toISOString(),
    endUtc: w.end.toISOString(),
  };
}

function listLimit(def: ParamDef): number {
  if (def.rules.maxItems) return def.rules.maxItems;
  if (def.type === "asin_list") return PARAM_LIMITS.asins;
  if (def.type === "campaign_list") return PARAM_LIMITS.campaignIds;
  return PARAM_LIMITS.stringList;
}

/** A hint from the window length and list sizes; AMC's real cost is not known in advance. */
export function estimateCost(days: number, listItems: number): CostEstimate {
  if (days > 92 || listItems > 500) return "high";
  if (days > 31 || listItems > 100) return "medium";
  return "low";
}

export function checkParameters(input: CheckInput): CheckResult {
  const { defs, window: spec, now } = input;
  const window = resolveWindow(spec, now, input.timeZone, input.dataLagDays);
  const rendered = renderSql({ sqlTemplate: input.sqlTemplate, defs, values: input.values, window });
  const errors = rendered.ok ? [] : rendered.issues;
  const formErrors = rendered.ok ? [] : [...rendered.formIssues];
  const warnings: Warning[] = [];

  if (window.provisional) {
    const inside = `The window ends on ${window.lastDay}, inside the ${window.lagDays}-day data lag: AMC may still add attributed conversions to those days.`;
    if (spec.includeProvisional) {
      warnings.push({ code: "provisional_window", message: `${inside} Results are marked provisional and may change when re-run.` });
    } else {
      formErrors.push({
        code: "provisional_window",
        message: `${inside} Tick "Include provisional data" to run it anyway, or pick a window that ends earlier.`,
      });
    }
  }

  let listItems = 0;
  const values = rendered.ok ? rendered.values : null;
  for (const def of defs) {
    if (!LIST_TYPES.has(def.type)) continue;
    const v = values?.[def.name];
    const n = Array.isArray(v) ? v.length : 0;
    listItems += n;
    const limit = listLimit(def);
    if (n > limit / 2) {
      warnings.push({
        code: "large_list",
        field: def.name,
        message: `${def.label}: ${n.toLocaleString("en-US")} items (limit ${limit.toLocaleString("en-US")}). Long lists make the query longer and slower at AMC.`,
      });
    }
  }
  if (window.days > 180) {
    warnings.push({
      code: "long_window",
      message: `The window covers ${window.days} days. Long windows take longer at AMC and may time out; a backfill in weekly or monthly segments is more robust.`,
    });
  }
  if (now.getTime() - window.start.getTime() > RETENTION_DAYS * 86_400_000) {
    warnings.push({
      code: "beyond_retention",
      message: `The window starts on ${window.firstDay}; AMC keeps about 13 months of data, so earlier days return nothing.`,
    });
  }

  const valid = rendered.ok && formErrors.length === 0;
  return {
    valid,
    errors,
    formErrors,
    warnings,
    previewSql: valid && rendered.ok ? rendered.sql : null,
    values,
    timeWindow: windowView(window),
    estimatedCost: estimateCost(window.days, listItems),
  };
}
