import type { ParamDef } from "../params/definitions";
import { isSkippedCampaign, PICKER_KINDS } from "./known-kinds";

/**
 * Which parameters a brand mapping pre-fills, and with what (pure: the wizard runs it in the
 * browser). A template's one ASIN list gets the brand's ASINs and its one campaign list the
 * brand's campaigns; a template with several lists of a kind (a focus and a base, DSP and
 * sponsored products) has only the one named `asin_list` / `campaign_list` pre-filled, since the
 * same ids in both would make no sense.
 */

export interface MappingForPrefill {
  brand: string;
  asins: string[];
  campaignIds: string[];
}

export function prefillTargets(defs: ParamDef[]): { asin: ParamDef | null; campaign: ParamDef | null } {
  const pick = (type: "asin_list" | "campaign_list") => {
    const all = defs.filter((d) => d.type === type);
    return all.length === 1 ? all[0]! : (all.find((d) => d.name === type) ?? null);
  };
  return { asin: pick("asin_list"), campaign: pick("campaign_list") };
}

/** Parameter name → the pasted-list text the mapping gives it (nothing for an empty list). */
export function prefillValues(defs: ParamDef[], mapping: MappingForPrefill): Record<string, string> {
  const targets = prefillTargets(defs);
  const out: Record<string, string> = {};
  if (targets.asin && mapping.asins.length > 0) out[targets.asin.name] = mapping.asins.join("\n");
  const campaigns = mapping.campaignIds.filter((c) => !isSkippedCampaign(c));
  if (targets.campaign && campaigns.length > 0) out[targets.campaign.name] = campaigns.join("\n");
  return out;
}

/** Whether a parameter type gets a picker. */
export const hasPicker = (def: ParamDef) => PICKER_KINDS[def.type] !== undefined;
