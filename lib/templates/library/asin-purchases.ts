import { ALL_CAMPAIGNS, BRAND_A_ASINS } from "./sandbox-defaults";
import { advancedGroup, booleanParam, campaignListParam, choices, enumParam, integerParam, last30Days } from "./builders";
import type { LibraryTemplate } from "./types";

// T10: which ASINs were bought after ads, how much was halo, how much new to brand.
export const asinPurchases: LibraryTemplate = {
  templateId: "asin_purchases",
  name: "ASIN-Level Purchases (Promoted vs Brand Halo)",
  description:
    "Purchases, units and sales per purchased ASIN after ad exposure, split into promoted and brand-halo purchases, with new-to-brand purchases and each ASIN's share of sales.",
  question: "Which products did the ads sell, and how much of it was brand halo or new to brand?",
  category: "Product",
  reportType: "asin_purchases",
  dataLagDays: 14,
  tags: ["asin", "products", "halo", "ntb"],
  sql: `WITH per_asin AS (
  SELECT tracked_asin,
         SUM(purchases) AS promoted_purchases,
         SUM(brand_halo_purchases) AS halo_purchases,
         SUM(total_purchases) AS total_purchases,
         SUM(total_units_sold) AS units,
         SUM(total_product_sales) AS sales,
         SUM(new_to_brand_total_purchases) AS ntb_purchases,
         COUNT(DISTINCT user_id) AS purchasers
  FROM {{attribution_basis}}
  WHERE total_purchases > 0
    AND ({{all_asins}} OR tracked_asin IN ({{asin_list}}))
    AND campaign_id_string IN ({{campaign_list}})
    AND ({{ad_product}} = 'all' OR COALESCE(ad_product_type, 'dsp') = {{ad_product}})
  GROUP BY 1
),
ranked AS (
  SELECT tracked_asin, promoted_purchases, halo_purchases, total_purchases, units, sales,
         ntb_purchases, purchasers,
         RANK() OVER (ORDER BY sales DESC) AS sales_rank,
         SUM(sales) OVER () AS all_sales
  FROM per_asin
)
SELECT tracked_asin, promoted_purchases, halo_purchases, total_purchases, units, sales,
       ntb_purchases, purchasers, sales_rank,
       sales / NULLIF(all_sales, 0) AS share_of_sales
FROM ranked
WHERE sales_rank <= {{top_n}}`,
  params: [
    {
      name: "asin_list",
      label: "ASINs",
      type: "asin_list",
      default: BRAND_A_ASINS,
      rules: { maxItems: 1000 },
      help: "10-character ASINs, comma or newline separated (paste a column from a spreadsheet). The defaults are sandbox products.",
      placeholder: "B0XXXXXXXX, B0YYYYYYYY",
      group: "products",
    },
    booleanParam("all_asins", "All purchased ASINs (ignore the list)", false, { group: "products" }),
    campaignListParam({ default: ALL_CAMPAIGNS, help: "campaign_id_string values of the campaigns credited with the purchases." }),
    enumParam("ad_product", "Ad product", "all", choices({ all: "All", dsp: "DSP", sponsored_products: "Sponsored Products", sponsored_brands: "Sponsored Brands", sponsored_display: "Sponsored Display" }), { group: "scope" }),
    enumParam("attribution_basis", "Attribute by", "conversion_time", [
      { value: "conversion_time", label: "Purchase time (what the period sold)", sql: "amazon_attributed_events_by_conversion_time" },
      { value: "traffic_time", label: "Ad time (what the period's ads drove)", sql: "amazon_attributed_events_by_traffic_time" },
    ], { group: "advanced" }),
    integerParam("top_n", "Top ASINs by sales", 25, [1, 1000], { group: "advanced" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "Top ASINs by sales: promoted vs halo", x: "tracked_asin", y: ["promoted_purchases", "halo_purchases"] },
      { type: "metric_card", title: "Sales", y: ["sales"], aggregate: "sum", format: "currency" },
      { type: "table" },
    ],
    privacy: { userCountColumn: "purchasers", sensitivity: "low" },
  },
  ui: {
    groups: [
      { id: "products", label: "Products", fields: ["asin_list", "all_asins"] },
      { id: "scope", label: "Campaigns", fields: ["campaign_list", "ad_product"] },
      advancedGroup("attribution_basis", "top_n"),
    ],
    defaultWindow: last30Days(),
  },
};
