import { ALL_CAMPAIGNS } from "./sandbox-defaults";
import { campaignListParam, choices, enumParam, integerParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T05: ordered channel sequences users saw before buying (or not), and how each converts.
export const pathToConversion: LibraryTemplate = {
  templateId: "path_to_conversion",
  name: "Path to Conversion",
  description:
    "The ordered sequences of ad channels users were exposed to (e.g. 1:DSP > 2:SP) and how many of them purchased afterwards, per path.",
  question: "Which sequences of channels do users see, and which sequences convert best?",
  category: "Journey",
  reportType: "path_to_conversion",
  dataLagDays: 14,
  tags: ["journey", "attribution", "paths"],
  sql: `WITH touches AS (
  SELECT user_id, 'DSP' AS channel, MIN(impression_dt_utc) AS first_touch
  FROM dsp_impressions
  WHERE {{touch_type}} = 'impressions' AND user_id IS NOT NULL
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
  UNION ALL
  SELECT user_id, 'DSP', MIN(click_dt_utc)
  FROM dsp_clicks
  WHERE {{touch_type}} = 'clicks' AND user_id IS NOT NULL
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
  UNION ALL
  SELECT user_id,
         CASE ad_product_type WHEN 'sponsored_products' THEN 'SP' WHEN 'sponsored_brands' THEN 'SB'
              WHEN 'sponsored_display' THEN 'SD' ELSE 'STV' END,
         MIN(event_dt_utc)
  FROM sponsored_ads_traffic
  WHERE user_id IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
    AND IF({{touch_type}} = 'clicks', clicks > 0, impressions > 0)
  GROUP BY 1, 2
),
buyers AS (
  SELECT user_id, MAX(conversion_event_dt_utc) AS last_buy,
         SUM(total_purchases) AS purchases, SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE user_id IS NOT NULL AND total_purchases > 0 AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
),
ordered AS (
  SELECT t.user_id, t.channel,
         ROW_NUMBER() OVER (PARTITION BY t.user_id ORDER BY t.first_touch) AS step
  FROM touches t
  LEFT JOIN buyers b ON b.user_id = t.user_id
  WHERE b.user_id IS NULL OR t.first_touch < b.last_buy
),
paths AS (
  SELECT user_id, ARRAY_TO_STRING(ARRAY_SORT(COLLECT(CONCAT(step, ':', channel))), ' > ') AS path
  FROM ordered
  WHERE step <= {{max_path_length}}
  GROUP BY 1
)
SELECT p.path,
       COUNT(DISTINCT p.user_id) AS users,
       COUNT(DISTINCT b.user_id) AS purchasers,
       SUM(COALESCE(b.purchases, 0)) AS purchases,
       SUM(COALESCE(b.sales, 0)) AS sales,
       COUNT(DISTINCT b.user_id) / NULLIF(COUNT(DISTINCT p.user_id), 0) AS conversion_rate
FROM paths p
LEFT JOIN buyers b ON b.user_id = p.user_id
GROUP BY 1`,
  params: [
    campaignListParam({ default: ALL_CAMPAIGNS }),
    enumParam("touch_type", "Touches", "impressions", choices({ impressions: "Impressions", clicks: "Clicks" }), { group: "scope" }),
    integerParam("max_path_length", "Longest path", 5, [2, 9], { help: "Steps after this one are left out of a user's path.", group: "scope" }),
  ],
  reportConfig: {
    widgets: [
      { type: "table", title: "Top paths by users" },
      { type: "bar", title: "Conversion rate by path", x: "path", y: ["conversion_rate"], format: "percent" },
    ],
    privacy: { userCountColumn: "users", sensitivity: "low" },
  },
  ui: { groups: [scopeGroup("campaign_list", "touch_type", "max_path_length")], defaultWindow: last30Days() },
};
