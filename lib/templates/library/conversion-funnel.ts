import { ALL_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, choices, enumParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T02: reached users → detail page view → add to cart → purchase, per campaign.
export const conversionFunnel: LibraryTemplate = {
  templateId: "conversion_funnel",
  name: "Conversion Funnel by Campaign",
  description:
    "Of the users each campaign reached, how many viewed a product detail page, added to cart and purchased, with the step rates.",
  question: "Where do reached users drop out between detail page view, add to cart and purchase?",
  category: "Conversion",
  reportType: "conversion_funnel",
  dataLagDays: 14,
  tags: ["funnel", "consideration", "dsp", "sponsored ads"],
  sql: `WITH reached AS (
  SELECT campaign_id_string, campaign, user_id
  FROM dsp_impressions
  WHERE user_id IS NOT NULL AND {{ad_product}} IN ('all', 'dsp')
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT campaign_id_string, campaign, user_id
  FROM sponsored_ads_traffic
  WHERE user_id IS NOT NULL AND impressions > 0 AND {{ad_product}} IN ('all', 'sponsored_ads')
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2, 3
),
reach AS (
  SELECT campaign_id_string, campaign, COUNT(DISTINCT user_id) AS reached_users
  FROM reached
  GROUP BY 1, 2
),
per_user AS (
  SELECT campaign_id_string, user_id,
         MAX(CASE WHEN IF({{include_brand_halo}}, total_detail_page_view, detail_page_view) > 0 THEN 1 ELSE 0 END) AS dpv_flag,
         MAX(CASE WHEN IF({{include_brand_halo}}, total_add_to_cart, add_to_cart) > 0 THEN 1 ELSE 0 END) AS atc_flag,
         MAX(CASE WHEN IF({{include_brand_halo}}, total_purchases, purchases) > 0 THEN 1 ELSE 0 END) AS purchase_flag,
         SUM(IF({{include_brand_halo}}, total_detail_page_view, detail_page_view)) AS dpv,
         SUM(IF({{include_brand_halo}}, total_add_to_cart, add_to_cart)) AS atc,
         SUM(IF({{include_brand_halo}}, total_purchases, purchases)) AS purchases,
         SUM(IF({{include_brand_halo}}, total_product_sales, product_sales)) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE user_id IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
    AND ({{ad_product}} = 'all' OR IF(ad_product_type IS NULL, 'dsp', 'sponsored_ads') = {{ad_product}})
  GROUP BY 1, 2
),
funnel AS (
  SELECT campaign_id_string, SUM(dpv_flag) AS dpv_users, SUM(atc_flag) AS atc_users,
         SUM(purchase_flag) AS purchasers, SUM(dpv) AS dpv, SUM(atc) AS atc,
         SUM(purchases) AS purchases, SUM(sales) AS sales
  FROM per_user
  GROUP BY 1
)
SELECT r.campaign_id_string, r.campaign, r.reached_users,
       COALESCE(f.dpv_users, 0) AS dpv_users, COALESCE(f.atc_users, 0) AS atc_users,
       COALESCE(f.purchasers, 0) AS purchasers,
       COALESCE(f.dpv, 0) AS dpv, COALESCE(f.atc, 0) AS atc,
       COALESCE(f.purchases, 0) AS purchases, COALESCE(f.sales, 0) AS sales,
       COALESCE(f.dpv_users, 0) / NULLIF(r.reached_users, 0) AS dpv_rate,
       COALESCE(f.atc_users, 0) / NULLIF(f.dpv_users, 0) AS atc_rate,
       COALESCE(f.purchasers, 0) / NULLIF(f.atc_users, 0) AS purchase_rate,
       COALESCE(f.purchasers, 0) / NULLIF(r.reached_users, 0) AS overall_conversion_rate
FROM reach r
LEFT JOIN funnel f ON f.campaign_id_string = r.campaign_id_string`,
  params: [
    campaignListParam({ default: ALL_CAMPAIGNS }),
    enumParam("ad_product", "Ad product", "all", choices({ all: "DSP and sponsored ads", dsp: "DSP", sponsored_ads: "Sponsored ads" }), { group: "scope" }),
    booleanParam("include_brand_halo", "Include brand halo", true, { help: "Count views, carts and purchases of the brand's other products too.", group: "scope" }),
  ],
  reportConfig: {
    widgets: [
      { type: "funnel", title: "Funnel", y: ["reached_users", "dpv_users", "atc_users", "purchasers"] },
      { type: "bar", title: "Step rates by campaign", x: "campaign", y: ["dpv_rate", "atc_rate", "purchase_rate"], format: "percent" },
      { type: "table", title: "Per campaign" },
    ],
    privacy: { userCountColumn: "reached_users", sensitivity: "low" },
  },
  ui: { groups: [scopeGroup("campaign_list", "ad_product", "include_brand_halo")], defaultWindow: last30Days() },
};
