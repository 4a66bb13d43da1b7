import { SP_CAMPAIGNS } from "./sandbox-defaults";
import { booleanParam, campaignListParam, integerParam, last30Days } from "./builders";
import type { LibraryTemplate } from "./types";

// Beyond the 11 of amc-data-model.md §3: search-term performance of sponsored ads.
export const searchTermPerformance: LibraryTemplate = {
  templateId: "search_term_performance",
  name: "Search Term Performance",
  description:
    "Impressions, clicks, spend, attributed purchases and sales, ACOS and ROAS per customer search term and match type of sponsored ads.",
  question: "Which shopper search terms drive clicks and sales, and at what cost?",
  category: "Performance",
  reportType: "search_terms",
  dataLagDays: 14,
  tags: ["search terms", "keywords", "sponsored products", "acos"],
  sql: `WITH traffic AS (
  SELECT customer_search_term, match_type,
         SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) / 100000000 AS spend,
         0 AS purchases, 0 AS sales, COUNT(DISTINCT user_id) AS users
  FROM sponsored_ads_traffic
  WHERE customer_search_term IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
    AND ({{all_terms}} OR LOWER(customer_search_term) LIKE {{term_contains}})
  GROUP BY 1, 2
  UNION ALL
  SELECT customer_search_term, match_type, 0, 0, 0,
         SUM(total_purchases), SUM(total_product_sales), COUNT(DISTINCT user_id)
  FROM amazon_attributed_events_by_traffic_time
  WHERE customer_search_term IS NOT NULL AND campaign_id_string IN ({{campaign_list}})
    AND ({{all_terms}} OR LOWER(customer_search_term) LIKE {{term_contains}})
  GROUP BY 1, 2
)
SELECT customer_search_term, match_type,
       SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) AS spend,
       SUM(purchases) AS purchases, SUM(sales) AS sales,
       SUM(clicks) / NULLIF(SUM(impressions), 0) AS ctr,
       SUM(spend) / NULLIF(SUM(sales), 0) AS acos,
       SUM(sales) / NULLIF(SUM(spend), 0) AS roas,
       MAX(users) AS users_min -- lower bound of the row's distinct users (privacy threshold)
FROM traffic
GROUP BY 1, 2
HAVING SUM(clicks) >= {{min_clicks}}`,
  params: [
    campaignListParam({ label: "Sponsored ads campaigns", default: SP_CAMPAIGNS, help: "campaign_id_string values (console ids). The defaults are the sandbox's Copperleaf Kitchen Sponsored Products campaigns." }),
    booleanParam("all_terms", "All search terms", true, { group: "terms" }),
    {
      name: "term_contains",
      label: "Search term contains",
      type: "like_contains",
      default: "knife",
      rules: { maxLength: 100 },
      help: "Used when \"All search terms\" is off: only terms containing this text (search terms are lower case; % and _ match themselves).",
      group: "terms",
    },
    integerParam("min_clicks", "Minimum clicks", 0, [0, 100000], { type: "threshold_numeric", help: "Leave out terms with fewer clicks in the window.", group: "terms" }),
  ],
  reportConfig: {
    widgets: [
      { type: "bar", title: "Sales by search term", x: "customer_search_term", y: ["sales"] },
      { type: "scatter", title: "Spend vs sales", x: "spend", y: ["sales"], series: "match_type" },
      { type: "table" },
    ],
    privacy: { userCountColumn: "users_min", sensitivity: "low" },
  },
  ui: {
    groups: [
      { id: "scope", label: "Campaigns", fields: ["campaign_list"] },
      { id: "terms", label: "Search terms", fields: ["all_terms", "term_contains", "min_clicks"] },
    ],
    defaultWindow: last30Days(),
  },
};
