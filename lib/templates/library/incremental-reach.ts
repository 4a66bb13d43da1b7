import { DISPLAY_CAMPAIGNS, STV_CAMPAIGN } from "./sandbox-defaults";
import { advancedGroup, choices, enumParam, EXPOSURE_OPTIONS, namedCampaignListParam } from "./builders";
import type { LibraryTemplate } from "./types";

// Whether a campaign list names DSP or sponsored ads campaigns: each is read from its own table.
const SOURCE_OPTIONS = choices({ dsp: "DSP", sponsored_ads: "Sponsored ads" });

// The focus and the base are found the same way: each user's first exposure to the side's
// campaigns, from DSP or sponsored ads as the side's source says.
const firstTouches = (side: "focus" | "base") => `  SELECT user_id, MIN(impression_dt_utc) AS first_seen
  FROM dsp_impressions
  WHERE {{${side}_source}} = 'dsp' AND user_id IS NOT NULL
    AND campaign_id_string IN ({{${side}_campaign_list}})
  GROUP BY 1
  UNION ALL
  SELECT user_id, MIN(event_dt_utc)
  FROM sponsored_ads_traffic
  WHERE {{${side}_source}} = 'sponsored_ads' AND user_id IS NOT NULL
    AND campaign_id_string IN ({{${side}_campaign_list}})
    AND IF({{sa_touch}} = 'clicks', clicks > 0, impressions > 0)
  GROUP BY 1
`;

// T08: of the users a focus campaign reached, how many no base campaign reached, and who came first.
export const incrementalReach: LibraryTemplate = {
  templateId: "incremental_reach",
  name: "Incremental Reach of a Focus Campaign",
  description:
    "Of the users the focus campaigns reached, how many none of the base campaigns reached (incremental), and for the others which exposure came first.",
  question: "How many new users did the focus campaign add on top of the base campaigns?",
  category: "Reach",
  reportType: "incremental_reach",
  dataLagDays: 2,
  tags: ["reach", "incrementality", "streaming tv"],
  sql: `WITH focus_touches AS (
${firstTouches("focus")}),
base_touches AS (
${firstTouches("base")}),
focus_users AS (SELECT user_id, MIN(first_seen) AS first_seen FROM focus_touches GROUP BY 1),
base_users AS (SELECT user_id, MIN(first_seen) AS first_seen FROM base_touches GROUP BY 1),
timing AS (
  SELECT CASE WHEN b.user_id IS NULL THEN 'focus_only'
              WHEN f.first_seen <= b.first_seen THEN 'focus_first'
              ELSE 'base_first' END AS exposure_timing_group,
         COUNT(DISTINCT f.user_id) AS reach
  FROM focus_users f
  LEFT JOIN base_users b ON b.user_id = f.user_id
  GROUP BY 1
)
SELECT exposure_timing_group, reach,
       SUM(reach) OVER () AS focus_total_reach,
       reach / NULLIF(SUM(reach) OVER (), 0) AS share
FROM timing`,
  params: [
    namedCampaignListParam("focus_campaign_list", "Focus campaigns", STV_CAMPAIGN, { help: "The campaigns whose incremental reach you want. Default: the sandbox's Streaming TV campaign.", group: "focus" }),
    enumParam("focus_source", "Focus campaigns are", "dsp", SOURCE_OPTIONS, { group: "focus" }),
    namedCampaignListParam("base_campaign_list", "Base campaigns", DISPLAY_CAMPAIGNS, { help: "The campaigns the focus is compared with. Default: the sandbox's display campaigns.", group: "base" }),
    enumParam("base_source", "Base campaigns are", "dsp", SOURCE_OPTIONS, { group: "base" }),
    enumParam("sa_touch", "Sponsored ads exposure", "impressions", EXPOSURE_OPTIONS, { help: "Only used for sponsored ads campaigns.", group: "advanced" }),
  ],
  reportConfig: {
    widgets: [
      { type: "pie", title: "Focus reach by timing", x: "exposure_timing_group", y: ["reach"] },
      { type: "metric_card", title: "Incremental reach", y: ["share"], aggregate: "max", format: "percent" },
      { type: "bar", x: "exposure_timing_group", y: ["reach"] },
    ],
    privacy: { userCountColumn: "reach", sensitivity: "low" },
  },
  ui: {
    groups: [
      { id: "focus", label: "Focus", fields: ["focus_campaign_list", "focus_source"] },
      { id: "base", label: "Base", fields: ["base_campaign_list", "base_source"] },
      advancedGroup("sa_touch"),
    ],
    defaultWindow: { kind: "last_days", n: 30, lagDays: 2 },
  },
};
