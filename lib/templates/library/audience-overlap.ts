import { DSP_CAMPAIGNS, SP_CAMPAIGNS } from "./sandbox-defaults";
import { advancedGroup, namedCampaignListParam, booleanParam, enumParam, EXPOSURE_OPTIONS, last30Days } from "./builders";
import type { LibraryTemplate } from "./types";

// T07: users reached by DSP only, Sponsored Products only, or both, and how likely each group buys.
export const audienceOverlap: LibraryTemplate = {
  templateId: "audience_overlap_dsp_sp",
  name: "Audience Overlap: DSP and Sponsored Products",
  description:
    "Users reached by DSP only, by Sponsored Products only, or by both, with purchasers, sales and the purchase-rate lift of the overlap.",
  question: "How many users saw both DSP and Sponsored Products, and how much more likely are they to buy?",
  category: "Audience",
  reportType: "audience_overlap",
  dataLagDays: 14,
  tags: ["overlap", "dsp", "sponsored products", "lift"],
  sql: `WITH exposure AS (
  SELECT user_id, 1 AS is_dsp, 0 AS is_sp, MIN(impression_dt_utc) AS first_touch
  FROM dsp_impressions
  WHERE user_id IS NOT NULL AND campaign_id_string IN ({{dsp_campaign_list}})
  GROUP BY 1
  UNION ALL
  SELECT user_id, 0, 1, MIN(event_dt_utc)
  FROM sponsored_ads_traffic
  WHERE user_id IS NOT NULL AND ad_product_type = 'sponsored_products'
    AND campaign_id_string IN ({{sp_campaign_list}})
    AND IF({{sp_touch}} = 'clicks', clicks > 0, impressions > 0)
  GROUP BY 1
),
buyers AS (
  SELECT user_id, MAX(conversion_event_dt_utc) AS last_buy,
         SUM(total_purchases) AS purchases, SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE user_id IS NOT NULL AND total_purchases > 0
  GROUP BY 1
),
per_user AS (
  SELECT e.user_id, MAX(e.is_dsp) AS is_dsp, MAX(e.is_sp) AS is_sp
  FROM exposure e
  LEFT JOIN buyers b ON b.user_id = e.user_id
  WHERE NOT {{pre_purchase_only}} OR b.user_id IS NULL OR e.first_touch < b.last_buy
  GROUP BY 1
),
grouped AS (
  SELECT CASE WHEN p.is_dsp = 1 AND p.is_sp = 1 THEN 'both'
              WHEN p.is_dsp = 1 THEN 'dsp_only' ELSE 'sp_only' END AS exposure_group,
         COUNT(DISTINCT p.user_id) AS reach,
         COUNT(DISTINCT b.user_id) AS purchasers,
         SUM(COALESCE(b.purchases, 0)) AS purchases,
         SUM(COALESCE(b.sales, 0)) AS sales
  FROM per_user p
  LEFT JOIN buyers b ON b.user_id = p.user_id
  GROUP BY 1
),
rates AS (
  SELECT exposure_group, reach, purchasers, purchases, sales,
         purchasers / NULLIF(reach, 0) AS purchase_rate
  FROM grouped
)
SELECT r.exposure_group, r.reach, r.purchasers, r.purchases, r.sales, r.purchase_rate,
       r.purchase_rate / NULLIF(MAX(IF(r.exposure_group = 'dsp_only', r.purchase_rate, NULL)) OVER (), 0) AS lift_vs_dsp_only,
       r.purchase_rate / NULLIF(MAX(IF(r.exposure_group = 'sp_only', r.purchase_rate, NULL)) OVER (), 0) AS lift_vs_sp_only
FROM rates r`,
  params: [
    namedCampaignListParam("dsp_campaign_list", "DSP campaigns", DSP_CAMPAIGNS, { help: "DSP campaign ids. The defaults are the sandbox's Copperleaf Kitchen DSP campaigns.", group: "audiences" }),
    namedCampaignListParam("sp_campaign_list", "Sponsored Products campaigns", SP_CAMPAIGNS, { help: "Sponsored Products campaign_id_string values (console ids).", group: "audiences" }),
    enumParam("sp_touch", "Sponsored Products exposure", "impressions", EXPOSURE_OPTIONS, { group: "audiences" }),
    booleanParam("pre_purchase_only", "Only exposures before the purchase", true, { help: "Ignore ads a buyer first saw after their last purchase, as Amazon's instructional query does.", group: "advanced" }),
  ],
  reportConfig: {
    widgets: [
      { type: "pie", title: "Reach split", x: "exposure_group", y: ["reach"] },
      { type: "bar", title: "Purchase rate per group", x: "exposure_group", y: ["purchase_rate"], format: "percent" },
      { type: "metric_card", title: "Lift of the overlap vs DSP only", y: ["lift_vs_dsp_only"], aggregate: "max", format: "number" },
      { type: "table" },
    ],
    privacy: { userCountColumn: "reach", sensitivity: "low" },
  },
  ui: {
    groups: [
      { id: "audiences", label: "Audiences", fields: ["dsp_campaign_list", "sp_campaign_list", "sp_touch"] },
      advancedGroup("pre_purchase_only"),
    ],
    defaultWindow: last30Days(),
  },
};
