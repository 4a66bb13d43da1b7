import { ALL_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, choices, enumParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T11: users by the combination of ad products that reached them.
export const mediaMixReach: LibraryTemplate = {
  templateId: "media_mix_reach",
  name: "Media-Mix Reach",
  description:
    "Users reached by each combination of ad products (DSP, SP, SB, SD, Sponsored TV), with impressions, frequency, purchasers and purchase rate per combination.",
  question: "Which combinations of channels reach people, and which combinations convert?",
  category: "Reach",
  reportType: "media_mix",
  dataLagDays: 14,
  tags: ["omnichannel", "reach", "overlap"],
  sql: `WITH touches AS (
  SELECT user_id, 'DSP' AS channel, SUM(impressions) AS imps
  FROM dsp_impressions
  WHERE user_id IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
  UNION ALL
  SELECT user_id,
         CASE ad_product_type WHEN 'sponsored_products' THEN 'SP' WHEN 'sponsored_brands' THEN 'SB'
              WHEN 'sponsored_display' THEN 'SD' ELSE 'STV' END,
         SUM(impressions)
  FROM sponsored_ads_traffic
  WHERE user_id IS NOT NULL AND impressions > 0 AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
),
per_user AS (
  SELECT user_id, ARRAY_TO_STRING(ARRAY_SORT(COLLECT(DISTINCT channel)), '+') AS channel_mix,
         SUM(imps) AS imps
  FROM touches
  WHERE channel IN ({{channels}})
  GROUP BY 1
),
buyers AS (
  SELECT user_id, SUM(total_purchases) AS purchases
  FROM amazon_attributed_events_by_traffic_time
  WHERE {{with_conversions}} AND user_id IS NOT NULL AND total_purchases > 0
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
)
SELECT p.channel_mix,
       COUNT(DISTINCT p.user_id) AS reach,
       SUM(p.imps) AS impressions,
       SUM(p.imps) / NULLIF(COUNT(DISTINCT p.user_id), 0) AS avg_frequency,
       COUNT(DISTINCT b.user_id) AS purchasers,
       COUNT(DISTINCT b.user_id) / NULLIF(COUNT(DISTINCT p.user_id), 0) AS purchase_rate,
       COUNT(DISTINCT p.user_id) / NULLIF(SUM(COUNT(DISTINCT p.user_id)) OVER (), 0) AS share_of_reach
FROM per_user p
LEFT JOIN buyers b ON b.user_id = p.user_id
GROUP BY 1`,
  params: [
    campaignListParam({ default: ALL_CAMPAIGNS }),
    enumParam("channels", "Channels", ["DSP", "SP", "SB", "SD", "STV"], choices({ DSP: "DSP", SP: "Sponsored Products", SB: "Sponsored Brands", SD: "Sponsored Display", STV: "Sponsored TV" }), { group: "scope", multiple: true }),
    booleanParam("with_conversions", "With purchases", true, { group: "scope" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "Reach and purchase rate per mix", x: "channel_mix", y: ["reach"], y2: ["purchase_rate"] },
      { type: "pie", title: "Share of reach", x: "channel_mix", y: ["reach"] },
      { type: "metric_card", title: "Deduplicated reach", y: ["reach"], aggregate: "sum", format: "number" },
    ],
    privacy: { userCountColumn: "reach", sensitivity: "low" },
  },
  ui: { groups: [scopeGroup("campaign_list", "channels", "with_conversions")], defaultWindow: last30Days() },
};
