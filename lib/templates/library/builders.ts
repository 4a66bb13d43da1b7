import { PARAM_LIMITS, type ValidationRules } from "../../params/definitions";
import type { WindowSpec } from "../../params/window";
import type { UiGroup } from "../config";
import type { LibraryParam } from "./types";

/**
 * Small builders for what the library templates spell the same way again and again: parameter
 * definitions of one kind, the form's standard groups, the default window. Each builder writes its
 * keys in the order the hand-written definitions had (name, label, type, default, rules, help,
 * group), so the seeded rows and report configs are exactly what they were.
 */

type EnumOption = NonNullable<ValidationRules["options"]>[number];

/** Where a parameter sits in the form and what the form says under it. */
interface Placement {
  help?: string;
  group: string;
}

// `help` is left out, not set to undefined, where a parameter has none (toSeed keys on presence).
const placed = ({ help, group }: Placement): Placement => (help === undefined ? { group } : { help, group });

/**
 * The campaign list most templates filter on: `IN ({{campaign_list}})` over campaign_id_string,
 * at most AMC's 100 ids, defaulting to the sandbox's brand A campaigns. Templates override the
 * label, default or help where theirs differ.
 */
export function campaignListParam(overrides: Partial<LibraryParam> & { default: string[] }): LibraryParam {
  return {
    name: "campaign_list",
    label: "Campaigns",
    type: "campaign_list",
    rules: { maxItems: PARAM_LIMITS.campaignIds },
    help: "campaign_id_string values, comma or newline separated. The defaults are the sandbox's Copperleaf Kitchen campaigns.",
    group: "scope",
    ...overrides,
  };
}

/**
 * A campaign list of its own name next to or instead of campaign_list (a focus and a base, DSP
 * and Sponsored Products campaigns), with the same limit of AMC's 100 ids.
 */
export function namedCampaignListParam(name: string, label: string, defaultValue: string[], at: Placement): LibraryParam {
  return { name, label, type: "campaign_list", default: defaultValue, rules: { maxItems: PARAM_LIMITS.campaignIds }, ...placed(at) };
}

/** A drop-down (or, with `multiple`, a set of checkboxes) over fixed options. */
export function enumParam(
  name: string,
  label: string,
  defaultValue: string | string[],
  options: EnumOption[],
  at: Placement & { multiple?: boolean },
): LibraryParam {
  const rules: ValidationRules = at.multiple ? { multiple: true, options } : { options };
  return { name, label, type: "enum_select", default: defaultValue, rules, ...placed(at) };
}

/** Options that render as quoted literals, written as `{ value: label }` in display order. */
export function choices(labels: Record<string, string>): EnumOption[] {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

/** Options whose value is also the column they pick (a breakdown dimension), `{ column: label }`. */
export function columnChoices(labels: Record<string, string>): EnumOption[] {
  return Object.entries(labels).map(([column, label]) => ({ value: column, label, sql: column }));
}

/** How a sponsored ads user counts as exposed: any impression, or only a click. */
export const EXPOSURE_OPTIONS: EnumOption[] = choices({ impressions: "Saw an ad", clicks: "Clicked an ad" });

/** A switch: the template reads `{{name}}` as TRUE or FALSE. */
export function booleanParam(name: string, label: string, defaultValue: boolean, at: Placement): LibraryParam {
  return { name, label, type: "boolean", default: defaultValue, ...placed(at) };
}

/** A whole number between min and max (a bucket cap, a path length, a top N, a click threshold). */
export function integerParam(
  name: string,
  label: string,
  defaultValue: number,
  [min, max]: [number, number],
  at: Placement & { type?: "number" | "threshold_numeric" },
): LibraryParam {
  return { name, label, type: at.type ?? "number", default: defaultValue, rules: { min, max, integer: true }, ...placed(at) };
}

/** The usual first form group: the campaigns and switches that decide what the report counts. */
export function scopeGroup(...fields: string[]): UiGroup {
  return { id: "scope", label: "What to include", fields };
}

/** The folded group for settings most users leave alone. */
export function advancedGroup(...fields: string[]): UiGroup {
  return { id: "advanced", label: "Advanced", fields, collapsed: true };
}

/** The library's default report period: the last 30 complete days (after the template's lag). */
export const last30Days = (): WindowSpec => ({ kind: "last_days", n: 30 });
