import { DSP_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, integerParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T03: users by number of impressions seen, with the purchase rate of each bucket.
export const reachFrequency: LibraryTemplate = {
  templateId: "reach_frequency",
  name: "Reach and Frequency Distribution",
  description:
    "How many users saw 1, 2, … N or more impressions, and the purchase rate of each frequency bucket: where more exposure stops paying off.",
  question: "How often did reached users see the ads, and at what frequency does the purchase rate flatten?",
  category: "Reach",
  reportType: "reach_frequency",
  dataLagDays: 14,
  tags: ["frequency", "reach", "dsp"],
  sql: `WITH exposure AS (
  SELECT user_id, SUM(impressions) AS imps
  FROM dsp_impressions
  WHERE user_id IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
  UNION ALL
  SELECT user_id, SUM(impressions)
  FROM sponsored_ads_traffic
  WHERE {{include_sponsored_ads}} AND user_id IS NOT NULL AND impressions > 0
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
),
per_user AS (
  SELECT user_id, SUM(imps) AS imps FROM exposure GROUP BY 1
),
buyers AS (
  SELECT user_id, SUM(total_purchases) AS purchases, SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE {{with_conversions}} AND user_id IS NOT NULL AND total_purchases > 0
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
)
SELECT LEAST(p.imps, {{max_frequency}}) AS frequency,
       COUNT(DISTINCT p.user_id) AS reach,
       SUM(p.imps) AS impressions,
       COUNT(DISTINCT b.user_id) AS purchasers,
       SUM(COALESCE(b.purchases, 0)) AS purchases,
       SUM(COALESCE(b.sales, 0)) AS sales,
       COUNT(DISTINCT b.user_id) / NULLIF(COUNT(DISTINCT p.user_id), 0) AS purchase_rate,
       COUNT(DISTINCT p.user_id) / NULLIF(SUM(COUNT(DISTINCT p.user_id)) OVER (), 0) AS share_of_reach
FROM per_user p
LEFT JOIN buyers b ON b.user_id = p.user_id
GROUP BY 1`,
  params: [
    campaignListParam({ default: DSP_CAMPAIGNS, help: "campaign_id_string values, comma or newline separated. The defaults are the sandbox's Copperleaf Kitchen DSP campaigns." }),
    integerParam("max_frequency", "Highest frequency bucket", 10, [5, 30], { help: "Users who saw at least this many impressions are counted in one last \"N or more\" bucket.", group: "scope" }),
    booleanParam("include_sponsored_ads", "Count sponsored ads impressions too", false, { group: "scope" }),
    booleanParam("with_conversions", "With purchases", true, { help: "Add purchasers, purchases and sales per bucket (attributed to the same campaigns).", group: "scope" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "Reach by frequency", x: "frequency", y: ["reach"], y2: ["purchase_rate"] },
      { type: "metric_card", title: "Average frequency", y: ["impressions", "reach"], aggregate: "ratio", format: "number" },
      { type: "table", title: "Buckets" },
    ],
    privacy: { userCountColumn: "reach", sensitivity: "low" },
  },
  ui: {
    groups: [scopeGroup("campaign_list", "max_frequency", "include_sponsored_ads", "with_conversions")],
    defaultWindow: last30Days(),
  },
};
