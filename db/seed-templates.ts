import type { queryTemplateParameters, queryTemplates } from "./schema";

type TemplateRow = Omit<typeof queryTemplates.$inferInsert, "id" | "isSystem" | "createdBy">;
type ParameterRow = Omit<
  typeof queryTemplateParameters.$inferInsert,
  "id" | "templateId" | "displayOrder"
>;

export interface SeedTemplate {
  template: TemplateRow & { templateId: string };
  parameters: ParameterRow[];
}

// The starting library. The full catalog (amc-data-model.md §3) lands with the template issue;
// these three let the demo data and the overview show real template names.
export const SEED_TEMPLATES: SeedTemplate[] = [
  {
    template: {
      templateId: "campaign_performance_roas",
      name: "Campaign Performance and ROAS",
      description:
        "Spend, impressions, clicks, attributed purchases and sales, and ROAS per campaign per day, DSP and sponsored ads side by side.",
      category: "Performance",
      reportType: "campaign_performance",
      dataLagDays: 14,
      tags: ["roas", "dsp", "sponsored ads"],
      sqlTemplate: `SELECT impression_date AS day, campaign_id_string, campaign,
       SUM(impressions) AS impressions,
       SUM(total_cost) / 100000 AS spend,
       COUNT(DISTINCT user_id) AS users_min
FROM dsp_impressions
WHERE campaign_id_string IN ({{campaign_list}})
GROUP BY 1, 2, 3`,
      reportConfig: {
        widgets: [{ type: "line", x: "day", y: ["spend"], series: "campaign" }],
      },
      uiSchema: { order: ["campaign_list"] },
    },
    parameters: [
      {
        name: "campaign_list",
        label: "Campaigns",
        paramType: "campaign_list",
        required: true,
        validationRules: { maxItems: 100 },
        uiConfig: { help: "Campaign ids, comma or newline separated" },
      },
    ],
  },
  {
    template: {
      templateId: "new_to_brand",
      name: "New-to-Brand Purchases",
      description: "Purchases and sales from customers new to the brand in the last 12 months.",
      category: "Customer",
      reportType: "new_to_brand",
      dataLagDays: 14,
      tags: ["ntb"],
      sqlTemplate: `SELECT campaign_id_string, campaign,
       SUM(new_to_brand_purchases) AS ntb_purchases,
       SUM(new_to_brand_product_sales) AS ntb_sales,
       COUNT(DISTINCT user_id) AS users
FROM amazon_attributed_events_by_conversion_time
WHERE campaign_id_string IN ({{campaign_list}})
GROUP BY 1, 2`,
      reportConfig: { widgets: [{ type: "bar", x: "campaign", y: ["ntb_sales"] }] },
      uiSchema: { order: ["campaign_list"] },
    },
    parameters: [
      {
        name: "campaign_list",
        label: "Campaigns",
        paramType: "campaign_list",
        required: true,
        validationRules: { maxItems: 100 },
      },
    ],
  },
  {
    template: {
      templateId: "path_to_conversion",
      name: "Path to Conversion",
      description: "The most common sequences of campaign exposures before a purchase.",
      category: "Journey",
      reportType: "path_to_conversion",
      dataLagDays: 14,
      tags: ["journey", "attribution"],
      sqlTemplate: `SELECT campaign_id_string, COUNT(DISTINCT user_id) AS users
FROM amazon_attributed_events_by_traffic_time
WHERE total_purchases >= {{min_purchases}}
GROUP BY 1`,
      reportConfig: { widgets: [{ type: "table" }] },
      uiSchema: { order: ["min_purchases"] },
    },
    parameters: [
      {
        name: "min_purchases",
        label: "Minimum purchases",
        paramType: "number",
        required: true,
        defaultValue: 1,
        validationRules: { min: 1, max: 100, integer: true },
      },
    ],
  },
];
