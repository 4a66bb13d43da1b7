import { ALL_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, choices, enumParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T01 (amc-data-model.md §3): DSP and sponsored ads side by side, per campaign per day.
export const campaignPerformanceRoas: LibraryTemplate = {
  templateId: "campaign_performance_roas",
  name: "Campaign Performance and ROAS",
  description:
    "Spend, impressions, clicks, attributed purchases and sales, and ROAS per campaign per day, DSP and sponsored ads side by side.",
  question: "What did each campaign spend and sell per day, and at what return on ad spend?",
  category: "Performance",
  reportType: "campaign_performance",
  dataLagDays: 14,
  tags: ["roas", "dsp", "sponsored ads", "daily"],
  sql: `WITH media AS (
  SELECT impression_date AS day, 'DSP' AS channel, campaign_id_string, campaign,
         SUM(impressions) AS impressions, 0 AS clicks, SUM(total_cost) / 100000 AS spend,
         COUNT(DISTINCT user_id) AS users
  FROM dsp_impressions
  WHERE {{channel}} IN ('all', 'dsp') AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT click_date, 'DSP', campaign_id_string, campaign, 0, SUM(clicks), 0, COUNT(DISTINCT user_id)
  FROM dsp_clicks
  WHERE {{channel}} IN ('all', 'dsp') AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT event_date, ad_product_type, campaign_id_string, campaign,
         SUM(impressions), SUM(clicks), SUM(spend) / 100000000, COUNT(DISTINCT user_id)
  FROM sponsored_ads_traffic
  WHERE {{channel}} IN ('all', 'sponsored_ads') AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2, 3, 4
),
sales AS (
  SELECT conversion_event_date AS day, COALESCE(ad_product_type, 'DSP') AS channel,
         campaign_id_string, campaign,
         SUM(IF({{include_brand_halo}}, total_purchases, purchases)) AS purchases,
         SUM(IF({{include_brand_halo}}, total_product_sales, product_sales)) AS sales,
         COUNT(DISTINCT user_id) AS users
  FROM amazon_attributed_events_by_conversion_time
  WHERE campaign_id_string IN ({{campaign_list}})
    AND ({{channel}} = 'all' OR IF(ad_product_type IS NULL, 'dsp', 'sponsored_ads') = {{channel}})
  GROUP BY 1, 2, 3, 4
),
stacked AS (
  SELECT day, channel, campaign_id_string, campaign, impressions, clicks, spend,
         0 AS purchases, 0 AS sales, users FROM media
  UNION ALL
  SELECT day, channel, campaign_id_string, campaign, 0, 0, 0, purchases, sales, users FROM sales
)
SELECT day, channel, campaign_id_string, campaign,
       SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) AS spend,
       SUM(purchases) AS purchases, SUM(sales) AS sales,
       SUM(clicks) / NULLIF(SUM(impressions), 0) AS ctr,
       SUM(sales) / NULLIF(SUM(spend), 0) AS roas,
       MAX(users) AS users_min -- lower bound of the row's distinct users (privacy threshold)
FROM stacked
GROUP BY 1, 2, 3, 4`,
  params: [
    campaignListParam({ default: ALL_CAMPAIGNS, help: "campaign_id_string values (the console ids), comma or newline separated. The defaults are the sandbox's Copperleaf Kitchen campaigns." }),
    enumParam("channel", "Channel", "all", choices({ all: "DSP and sponsored ads", dsp: "DSP only", sponsored_ads: "Sponsored ads only" }), { group: "scope" }),
    booleanParam("include_brand_halo", "Include brand halo sales", true, { help: "Count purchases of the brand's other products too (total_* metrics), as the sponsored ads console does.", group: "attribution" }),
  ],
  reportConfig: {
    widgets: [
      { type: "line", title: "Spend and sales by day", x: "day", y: ["spend", "sales"] },
      { type: "metric_card", title: "ROAS", y: ["sales", "spend"], aggregate: "ratio", format: "number" },
      { type: "metric_card", title: "Spend", y: ["spend"], aggregate: "sum", format: "currency" },
      { type: "bar", title: "Sales by channel", x: "channel", y: ["sales"] },
      { type: "table", title: "Per campaign and day" },
    ],
    privacy: { userCountColumn: "users_min", sensitivity: "low" },
  },
  ui: {
    groups: [scopeGroup("campaign_list", "channel"), { id: "attribution", label: "Attribution", fields: ["include_brand_halo"], collapsed: true }],
    defaultWindow: last30Days(),
  },
};
