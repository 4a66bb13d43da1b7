import { SANDBOX_ASINS, SANDBOX_CAMPAIGNS } from "../../amc/sandbox/entities";

/**
 * Default values of library parameters: real ids of the sandbox's synthetic data (brand A,
 * "Copperleaf Kitchen"), so every template runs on the sandbox instance as it comes and returns
 * rows. On a live instance users replace them (the form says so).
 */
const brandA = SANDBOX_CAMPAIGNS.filter((c) => c.brand === "A");
const ids = (pred: (c: (typeof brandA)[number]) => boolean) => brandA.filter(pred).map((c) => c.campaignIdString);

/** Every brand A campaign, DSP and sponsored ads (24 ids). */
export const ALL_CAMPAIGNS = ids(() => true);
export const DSP_CAMPAIGNS = ids((c) => c.channel === "DSP");
export const SP_CAMPAIGNS = ids((c) => c.channel === "SP");
/** The Streaming TV awareness campaign, and the display campaigns as its base. */
export const STV_CAMPAIGN = ids((c) => c.channel === "DSP" && c.kind === "stv");
export const DISPLAY_CAMPAIGNS = ids((c) => c.channel === "DSP" && (c.kind === "prospecting" || c.kind === "remarketing"));

/**
 * Brand A's 40 ASINs. Attributed purchases spread thinly over products, and AMC drops ASINs
 * bought by fewer than 2 users, so a short list can come back empty on a quiet window.
 */
export const BRAND_A_ASINS: string[] = SANDBOX_ASINS.filter((a) => a.brand === "A").map((a) => a.asin);
