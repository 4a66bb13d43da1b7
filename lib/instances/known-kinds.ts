import type { ParameterType } from "../../db/schema";

/**
 * The two kinds of value an instance "knows" (product.md story 8): its ASINs and its campaigns,
 * which the brand mappings hold, past results name and the sandbox's entities list.
 */
export const KNOWN_KINDS = ["asin", "campaign"] as const;
export type KnownKind = (typeof KNOWN_KINDS)[number];

/** The parameter types a picker serves, and the kind each picks from. */
export const PICKER_KINDS: Partial<Record<ParameterType, KnownKind>> = {
  asin_list: "asin",
  campaign_list: "campaign",
};

/**
 * Campaign ids that are not ad campaigns: coupon, promotion and social-media "campaigns" that
 * AMC's attribution tables carry next to real ones. The original app skipped them when it
 * collected an advertiser's campaigns; so do the pickers, the pre-fill and the mappings.
 */
export const SKIPPED_CAMPAIGN_PREFIXES = ["coupon-", "promo-", "socialmedia-"] as const;

export function isSkippedCampaign(id: string): boolean {
  const lower = id.trim().toLowerCase();
  return SKIPPED_CAMPAIGN_PREFIXES.some((p) => lower.startsWith(p));
}
