import { DSP_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, columnChoices, enumParam, last30Days, scopeGroup } from "./builders";
import type { LibraryTemplate } from "./types";

// T09: delivery, reach, cost and conversions by one device or geo dimension (DSP).
export const geoDeviceBreakdown: LibraryTemplate = {
  templateId: "geo_device_breakdown",
  name: "Geo and Device Breakdown",
  description:
    "Impressions, reach, spend, purchases and sales of DSP campaigns by device type, operating system, environment, state, DMA or postal code.",
  question: "Where and on which devices are impressions, reach, spend and conversions concentrated?",
  category: "Delivery",
  reportType: "geo_device",
  dataLagDays: 14,
  tags: ["device", "geo", "dsp", "dma"],
  sql: `WITH stacked AS (
  SELECT {{dimension}} AS dimension_value,
         SUM(impressions) AS impressions, SUM(total_cost) / 100000 AS spend,
         COUNT(DISTINCT user_id) AS reach,
         0 AS purchases, 0 AS sales, 0 AS purchasers,
         COUNT(DISTINCT user_id) AS users
  FROM dsp_impressions
  WHERE campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
  UNION ALL
  SELECT {{dimension}}, 0, 0, 0,
         SUM(total_purchases), SUM(total_product_sales), COUNT(DISTINCT user_id),
         COUNT(DISTINCT user_id)
  FROM amazon_attributed_events_by_traffic_time
  WHERE {{with_conversions}} AND ad_product_type IS NULL AND total_purchases > 0
    AND campaign_id_string IN ({{campaign_list}})
  GROUP BY 1
)
SELECT dimension_value,
       SUM(impressions) AS impressions,
       SUM(reach) AS reach,
       SUM(spend) AS spend,
       SUM(purchases) AS purchases,
       SUM(sales) AS sales,
       SUM(purchasers) AS purchasers,
       SUM(purchasers) / NULLIF(SUM(reach), 0) AS purchase_rate,
       SUM(spend) / NULLIF(SUM(purchases), 0) AS cost_per_purchase,
       MAX(users) AS users_min -- lower bound of the row's distinct users (privacy threshold)
FROM stacked
GROUP BY 1`,
  params: [
    enumParam("dimension", "Break down by", "device_type", columnChoices({
      device_type: "Device type",
      operating_system: "Operating system",
      environment_type: "Environment (app / web)",
      iso_state_province_code: "State",
      dma_code: "DMA",
      postal_code: "Postal code (100-user threshold)",
    }), { help: "Postal codes are a HIGH-sensitivity column: rows with fewer than 100 users are dropped.", group: "scope" }),
    campaignListParam({ label: "DSP campaigns", default: DSP_CAMPAIGNS, help: "DSP campaign ids. The defaults are the sandbox's Copperleaf Kitchen DSP campaigns." }),
    booleanParam("with_conversions", "With purchases", true, { help: "Add purchases and sales attributed to the DSP traffic, by the same dimension.", group: "scope" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "Reach by value", x: "dimension_value", y: ["reach"] },
      { type: "pie", title: "Impression share", x: "dimension_value", y: ["impressions"] },
      { type: "table" },
    ],
    privacy: { userCountColumn: "users_min", sensitivity: "low" },
  },
  ui: { groups: [scopeGroup("dimension", "campaign_list", "with_conversions")], defaultWindow: last30Days() },
};
