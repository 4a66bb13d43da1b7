import { ALL_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, enumParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T04: the share of attributed purchases, sales and purchasers that are new to the brand.
export const newToBrand: LibraryTemplate = {
  templateId: "new_to_brand",
  name: "New-to-Brand Purchases",
  description:
    "Attributed purchases, sales and purchasers that are new to the brand (no brand purchase in the prior 12 months), per campaign, ad product or advertiser.",
  question: "How much of what the ads sold came from customers new to the brand?",
  category: "Customer",
  reportType: "new_to_brand",
  dataLagDays: 14,
  tags: ["ntb", "new to brand", "customers"],
  sql: `WITH per_user AS (
  SELECT {{group_by}} AS group_value, user_id,
         SUM(IF({{include_brand_halo}}, total_purchases, purchases)) AS purchases,
         SUM(IF({{include_brand_halo}}, new_to_brand_total_purchases, new_to_brand_purchases)) AS ntb_purchases,
         SUM(IF({{include_brand_halo}}, total_product_sales, product_sales)) AS sales,
         SUM(IF({{include_brand_halo}}, new_to_brand_total_product_sales, new_to_brand_product_sales)) AS ntb_sales,
         MAX(IF(new_to_brand, 1, 0)) AS is_ntb
  FROM amazon_attributed_events_by_conversion_time
  WHERE user_id IS NOT NULL AND total_purchases > 0
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1, 2
)
SELECT group_value,
       SUM(purchases) AS purchases,
       SUM(ntb_purchases) AS ntb_purchases,
       SUM(ntb_purchases) / NULLIF(SUM(purchases), 0) AS ntb_purchase_pct,
       SUM(sales) AS sales,
       SUM(ntb_sales) AS ntb_sales,
       SUM(ntb_sales) / NULLIF(SUM(sales), 0) AS ntb_sales_pct,
       COUNT(DISTINCT user_id) AS purchasers,
       SUM(is_ntb) AS ntb_purchasers,
       SUM(is_ntb) / NULLIF(COUNT(DISTINCT user_id), 0) AS ntb_user_pct
FROM per_user
GROUP BY 1`,
  params: [
    campaignListParam({ default: ALL_CAMPAIGNS }),
    enumParam("group_by", "One row per", "campaign", [
      { value: "campaign", label: "Campaign", sql: "campaign" },
      { value: "ad_product", label: "Ad product", sql: "COALESCE(ad_product_type, 'DSP')" },
      { value: "advertiser", label: "Advertiser", sql: "advertiser" },
    ], { group: "scope" }),
    booleanParam("include_brand_halo", "Include brand halo", true, { help: "Use the total (promoted + halo) NTB metrics instead of promoted products only.", group: "scope" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "New-to-brand vs repeat purchases", x: "group_value", y: ["ntb_purchases", "purchases"] },
      { type: "metric_card", title: "New-to-brand share of sales", y: ["ntb_sales", "sales"], aggregate: "ratio", format: "percent" },
      { type: "pie", title: "New-to-brand purchasers", x: "group_value", y: ["ntb_purchasers"] },
      { type: "table" },
    ],
    privacy: { userCountColumn: "purchasers", sensitivity: "low" },
  },
  ui: { groups: [scopeGroup("campaign_list", "group_by", "include_brand_halo")], defaultWindow: last30Days() },
};
