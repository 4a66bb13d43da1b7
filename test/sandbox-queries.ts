import { SANDBOX_CAMPAIGNS } from "../lib/amc/sandbox/entities";

/**
 * Templates from amc-data-model.md §3 (T01, T03, T05, T06) as written there, for the sandbox
 * tests: the static rules must accept them and the sandbox must run them.
 */
export const CATALOG_TEMPLATES = {
  T01: `WITH media AS (
  SELECT impression_date AS day, 'DSP' AS channel, campaign_id_string, campaign,
         SUM(impressions) AS impressions, 0 AS clicks, SUM(total_cost) / 100000 AS spend,
         COUNT(DISTINCT user_id) AS users
  FROM dsp_impressions WHERE campaign_id_string IN ({{campaign_list}}) GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT click_date, 'DSP', campaign_id_string, campaign, 0, SUM(clicks), 0, COUNT(DISTINCT user_id)
  FROM dsp_clicks WHERE campaign_id_string IN ({{campaign_list}}) GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT event_date, ad_product_type, campaign_id_string, campaign,
         SUM(impressions), SUM(clicks), SUM(spend) / 100000000, COUNT(DISTINCT user_id)
  FROM sponsored_ads_traffic WHERE campaign_id_string IN ({{campaign_list}}) GROUP BY 1, 2, 3, 4
),
sales AS (
  SELECT conversion_event_date AS day, COALESCE(ad_product_type, 'DSP') AS channel,
         campaign_id_string, campaign,
         SUM(IF({{include_brand_halo}}, total_purchases, purchases)) AS purchases,
         SUM(IF({{include_brand_halo}}, total_product_sales, product_sales)) AS sales,
         COUNT(DISTINCT user_id) AS users
  FROM amazon_attributed_events_by_conversion_time
  WHERE campaign_id_string IN ({{campaign_list}}) GROUP BY 1, 2, 3, 4
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
       MAX(users) AS users_min   -- lower bound of the row's distinct users (sandbox filter)
FROM stacked GROUP BY 1, 2, 3, 4`,
  T03: `WITH exposure AS (
  SELECT user_id, SUM(impressions) AS imps FROM dsp_impressions
  WHERE user_id IS NOT NULL AND campaign_id_string IN ({{campaign_list}}) GROUP BY 1
  UNION ALL
  SELECT user_id, SUM(impressions) FROM sponsored_ads_traffic
  WHERE {{include_sponsored_ads}} AND user_id IS NOT NULL AND impressions > 0
    AND campaign_id_string IN ({{campaign_list}}) GROUP BY 1
),
per_user AS (SELECT user_id, SUM(imps) AS imps FROM exposure GROUP BY 1),
buyers AS (
  SELECT user_id, SUM(total_purchases) AS purchases, SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE user_id IS NOT NULL AND total_purchases > 0
    AND campaign_id_string IN ({{campaign_list}}) GROUP BY 1
)
SELECT LEAST(p.imps, {{max_frequency}}) AS frequency,
       COUNT(DISTINCT p.user_id) AS reach, SUM(p.imps) AS impressions,
       COUNT(DISTINCT b.user_id) AS purchasers,
       SUM(COALESCE(b.purchases, 0)) AS purchases, SUM(COALESCE(b.sales, 0)) AS sales,
       COUNT(DISTINCT b.user_id) / COUNT(DISTINCT p.user_id) AS purchase_rate
FROM per_user p LEFT JOIN buyers b ON b.user_id = p.user_id
GROUP BY 1`,
  T05: `WITH touches AS (
  SELECT user_id, 'DSP' AS channel, MIN(impression_dt_utc) AS first_touch
  FROM dsp_impressions WHERE user_id IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
  UNION ALL
  SELECT user_id, CASE ad_product_type WHEN 'sponsored_products' THEN 'SP'
           WHEN 'sponsored_brands' THEN 'SB' WHEN 'sponsored_display' THEN 'SD' ELSE 'STV' END,
         MIN(event_dt_utc)
  FROM sponsored_ads_traffic
  WHERE user_id IS NOT NULL AND impressions > 0 AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
),
buyers AS (
  SELECT user_id, MAX(conversion_event_dt_utc) AS last_buy, SUM(total_purchases) AS purchases,
         SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE user_id IS NOT NULL AND total_purchases > 0 AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
),
ordered AS (
  SELECT t.user_id, t.channel,
         ROW_NUMBER() OVER (PARTITION BY t.user_id ORDER BY t.first_touch) AS step
  FROM touches t LEFT JOIN buyers b ON b.user_id = t.user_id
  WHERE b.user_id IS NULL OR t.first_touch < b.last_buy
),
paths AS (
  SELECT user_id, ARRAY_TO_STRING(ARRAY_SORT(COLLECT(CONCAT(step, ':', channel))), ' > ') AS path
  FROM ordered WHERE step <= {{max_path_length}} GROUP BY 1
)
SELECT p.path, COUNT(DISTINCT p.user_id) AS users, COUNT(DISTINCT b.user_id) AS purchasers,
       SUM(COALESCE(b.purchases, 0)) AS purchases, SUM(COALESCE(b.sales, 0)) AS sales,
       COUNT(DISTINCT b.user_id) / COUNT(DISTINCT p.user_id) AS conversion_rate
FROM paths p LEFT JOIN buyers b ON b.user_id = p.user_id
GROUP BY 1`,
  T06: `SELECT COALESCE(ad_product_type, 'DSP') AS channel,
       FLOOR(SECONDS_BETWEEN(traffic_event_dt_utc, conversion_event_dt_utc) / 86400) AS lag_days,
       SUM(conversions) AS conversions, SUM(total_purchases) AS purchases,
       SUM(total_product_sales) AS sales, COUNT(DISTINCT user_id) AS users
FROM amazon_attributed_events_by_conversion_time
WHERE conversion_event_subtype = {{conversion_subtype}}
  AND campaign_id_string IN ({{campaign_list}})
GROUP BY 1, 2`,
} as const;

/** Renders `{{name}}` placeholders the way the app does (lists become quoted literals). */
export function renderTemplate(template: string, values: Record<string, string | number | boolean | string[]>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for {{${name}}}`);
    if (Array.isArray(v)) return v.map((x) => `'${x.replace(/'/g, "''")}'`).join(", ");
    if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
    return String(v);
  });
}

export const ALL_CAMPAIGN_IDS = SANDBOX_CAMPAIGNS.map((c) => c.campaignIdString);

const DEFAULTS = {
  campaign_list: ALL_CAMPAIGN_IDS,
  include_brand_halo: true,
  include_sponsored_ads: true,
  max_frequency: 10,
  max_path_length: 5,
  conversion_subtype: "order",
};

export const CATALOG_QUERIES: Record<keyof typeof CATALOG_TEMPLATES, string> = {
  T01: renderTemplate(CATALOG_TEMPLATES.T01, DEFAULTS),
  T03: renderTemplate(CATALOG_TEMPLATES.T03, DEFAULTS),
  T05: renderTemplate(CATALOG_TEMPLATES.T05, DEFAULTS),
  T06: renderTemplate(CATALOG_TEMPLATES.T06, DEFAULTS),
};
