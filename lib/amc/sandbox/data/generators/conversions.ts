import { CONVERSIONS, CONVERSIONS_ALL, CONVERSIONS_WITH_RELEVANCE, cols } from "../tables";

/** The columns conversions, conversions_with_relevance and conversions_all share, from _e. */
function conversionColumns(): string[] {
  return [
    "e.cid", "e.user_id", "e.user_id_type", "e.category", "e.subtype", "'CONVERSION'", "e.type_class", "e.description",
    "e.ts", "e.ts::date", "extract(hour FROM e.ts)::int", "date_trunc('hour', e.ts)", "extract(day FROM e.ts)::int",
    "e.marketplace_name", "CASE WHEN e.subtype = 'order' THEN e.asin END", "e.tracked_item", "e.ntb",
    "CASE WHEN e.subtype = 'order' THEN 'USD' END", "e.retail_program", "e.price", "COALESCE(e.sales, 0)",
    "COALESCE(e.units, 0)", "1", "0", "0", "COALESCE(e.sales, 0)", "NULL", "NULL",
  ];
}

/** The conversion event's user saw an ad of the brand in the 28 days before. */
const EXPOSED_28D = `EXISTS (SELECT 1 FROM _t t WHERE t.user_id = e.user_id AND t.brand = e.brand
  AND t.ts < e.ts AND t.ts >= e.ts - INTERVAL '28 days')`;

/** conversions: the ad-exposed shopping events. */
export function conversionsSql(): string {
  return `
    INSERT INTO amc_sandbox.conversions (${cols(CONVERSIONS)})
    SELECT ${conversionColumns().join(", ")} FROM _e e WHERE ${EXPOSED_28D}`;
}

/** conversions_with_relevance: one row per (event, campaign that reached the user in 28 days). */
export function relevanceSql(): string {
  return `
    INSERT INTO amc_sandbox.conversions_with_relevance (${cols(CONVERSIONS_WITH_RELEVANCE)})
    SELECT ${conversionColumns().join(", ")},
      c.advertiser, CASE WHEN c.channel = 'DSP' THEN c.advertiser_id END, c.campaign, c.campaign_id, c.campaign_id_string,
      c.start_day::timestamp, c.end_day::timestamp + INTERVAL '23:59:59',
      (e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz, ((e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::date,
      CASE WHEN e.asin = ANY(c.promoted) THEN 'PROMOTED' ELSE 'BRAND_HALO' END,
      CASE WHEN e.asin = ANY(c.promoted) THEN 'TRACKED_ASIN' WHEN e.subtype = 'searchConversion' THEN 'BRAND_KEYWORD'
           ELSE 'BRAND_CATEGORY' END
    FROM _e e
    JOIN LATERAL (
      SELECT DISTINCT t.ckey FROM _t t
      WHERE t.user_id = e.user_id AND t.brand = e.brand AND t.ts < e.ts AND t.ts >= e.ts - INTERVAL '28 days'
    ) r ON true
    JOIN _c c ON c.ckey = r.ckey`;
}

/** conversions_all: every shopping event, flagged ad-exposed or not. */
export function conversionsAllSql(): string {
  return `
    INSERT INTO amc_sandbox.conversions_all (${cols(CONVERSIONS_ALL)})
    SELECT ${conversionColumns().join(", ")},
      CASE WHEN ${EXPOSED_28D} THEN 'ad-exposed' ELSE 'non-ad-exposed' END,
      'amazon_retail', 'ATVPDKIKX0DER', 'fsi-subscription-sandbox'
    FROM _e e`;
}
