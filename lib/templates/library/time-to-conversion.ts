import { ALL_CAMPAIGNS } from "./sandbox-defaults";
import { advancedGroup, campaignListParam, choices, enumParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T06: how long after the credited ad the conversion happens, by channel. The lag is computed
// from the LOW date/hour columns, not the MEDIUM timestamps, so rows need 2 users, not 100.
export const timeToConversion: LibraryTemplate = {
  templateId: "time_to_conversion",
  name: "Time to Conversion",
  description:
    "How many days (or hours) pass between the credited ad and the conversion, by channel, with conversions, purchases, sales and users per lag.",
  question: "How long after seeing or clicking an ad do people convert?",
  category: "Journey",
  reportType: "time_to_conversion",
  dataLagDays: 14,
  tags: ["lag", "attribution window", "journey"],
  sql: `WITH lagged AS (
  SELECT COALESCE(ad_product_type, 'DSP') AS channel,
         {{granularity}} AS lag,
         conversions, total_purchases, total_product_sales, user_id
  FROM amazon_attributed_events_by_conversion_time
  WHERE conversion_event_subtype = {{conversion_subtype}}
    AND ({{touch_type}} = 'any' OR traffic_event_subtype = {{touch_type}})
    AND campaign_id_string IN ({{campaign_list}})
)
SELECT channel, lag,
       SUM(conversions) AS conversions,
       SUM(total_purchases) AS purchases,
       SUM(total_product_sales) AS sales,
       COUNT(DISTINCT user_id) AS users,
       SUM(SUM(conversions)) OVER (PARTITION BY channel ORDER BY lag)
         / NULLIF(SUM(SUM(conversions)) OVER (PARTITION BY channel), 0) AS cumulative_share
FROM lagged
GROUP BY 1, 2`,
  params: [
    campaignListParam({ default: ALL_CAMPAIGNS }),
    enumParam("conversion_subtype", "Conversion", "order", choices({ order: "Purchase", detailPageView: "Detail page view", shoppingCart: "Add to cart" }), { group: "scope" }),
    enumParam("touch_type", "Credited touch", "any", choices({ any: "Impressions and clicks", AD_CLICK: "Clicks", AD_IMP: "Impressions" }), { group: "scope" }),
    enumParam("granularity", "Lag measured in", "days", [
      {
        value: "days",
        label: "Days",
        sql: "FLOOR(SECONDS_BETWEEN(CAST(traffic_event_date AS TIMESTAMP), CAST(conversion_event_date AS TIMESTAMP)) / 86400)",
      },
      {
        value: "hours",
        label: "Hours",
        sql: "FLOOR(SECONDS_BETWEEN(CAST(traffic_event_date AS TIMESTAMP), CAST(conversion_event_date AS TIMESTAMP)) / 3600) + conversion_event_hour - traffic_event_hour",
      },
    ], { group: "advanced" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "Conversions by lag", x: "lag", y: ["conversions"], series: "channel", y2: ["cumulative_share"] },
      { type: "line", title: "Cumulative share", x: "lag", y: ["cumulative_share"], series: "channel", format: "percent" },
      { type: "table" },
    ],
    privacy: { userCountColumn: "users", sensitivity: "low" },
  },
  ui: {
    groups: [scopeGroup("campaign_list", "conversion_subtype", "touch_type"), advancedGroup("granularity")],
    defaultWindow: last30Days(),
  },
};
