import { SANDBOX_SEARCH_TERMS } from "../../entities";
import type { Gen } from "../gen";
import { EVENT_TIME_SUFFIXES, eventTimeColumns, pickText, powerRank, utc } from "../sql";
import { SPONSORED_ADS_TRAFFIC, cols } from "../tables";
import { trafficDraw, trafficEventsSql, trafficLocalTs, trafficUniforms } from "./traffic";

/** sponsored_ads_traffic impressions: each (user, sponsored-ads campaign) pair's, with search term and placement. */
export function saImpressionsSql(g: Gen): string {
  const nA = SANDBOX_SEARCH_TERMS.A.length;
  const nB = SANDBOX_SEARCH_TERMS.B.length;
  const term = trafficDraw(g, "term");
  const events = trafficEventsSql(g, "sponsored ads", [
    `${trafficLocalTs(g)} AS lt`,
    `CASE c.brand WHEN 'A' THEN ${powerRank(term, nA, 1.1)} ELSE ${powerRank(term, nB, 1.1)} END AS trank`,
    ...trafficUniforms(g, [
      ["asin", "u_asin"], ["autotgt", "u_tgt"], ["match", "u_match"], ["place", "u_place"], ["vcost", "u_vcost"],
      ["sav", "u_sav"], ["video", "u_video"],
    ]),
    `${trafficDraw(g, "na")} < 0.04 AS na`,
  ]);
  const video = "x.kind IN ('sb_video', 'sponsored_tv')";
  const values = [
    "c.ad_product_type", "c.advertiser", "c.tz", "c.entity_id", "c.campaign", "c.campaign_id", "c.campaign_id_string",
    "CASE WHEN x.kind = 'sb_video' THEN 'LIFETIME_BUDGET' ELSE 'DAILY_BUDGET' END",
    "c.start_day", "c.end_day",
    "li.line_item", "li.line_item", "li.line_item_id", "CASE WHEN li.li >= 4 THEN 'PAUSED' ELSE 'ENABLED' END",
    "li.ad_group_type", "li.price_type", "c.portfolio_id", "c.portfolio_name",
    "cr.creative",
    "CASE WHEN c.channel IN ('SP', 'SD') THEN c.promoted[1 + floor(x.u_asin * cardinality(c.promoted))::int] END",
    "cr.creative_type",
    "CASE WHEN c.channel IN ('SP', 'SB') THEN t.term END",
    `CASE x.kind
       WHEN 'sp_auto' THEN ${pickText("x.u_tgt", [["close-match", 40], ["loose-match", 30], ["substitutes", 20], ["complements", 10]])}
       WHEN 'sd' THEN ${pickText("x.u_tgt", [["views remarketing 30d", 60], ["similar products", 40]])}
       WHEN 'sd_vcpm' THEN ${pickText("x.u_tgt", [["in-market audiences", 70], ["lifestyle audiences", 30]])}
       WHEN 'sponsored_tv' THEN NULL
       ELSE t.keyword END`,
    `CASE WHEN x.kind IN ('sp_manual', 'sb', 'sb_video') THEN ${pickText("x.u_match", [["BROAD", 45], ["PHRASE", 25], ["EXACT", 30]])} END`,
    `CASE c.channel
       WHEN 'SP' THEN ${pickText("x.u_place", [["Top of Search on-Amazon", 45], ["Detail Page on-Amazon", 40], ["Rest of Search on-Amazon", 10], ["Homepage on-Amazon", 5]])}
       WHEN 'SB' THEN ${pickText("x.u_place", [["Top of Search on-Amazon", 70], ["Rest of Search on-Amazon", 20], ["Detail Page on-Amazon", 10]])}
       WHEN 'SD' THEN ${pickText("x.u_place", [["Off Amazon", 50], ["Detail Page on-Amazon", 40], ["Homepage on-Amazon", 10]])}
       ELSE 'Off Amazon' END`,
    "'AMAZON.COM'",
    ...eventTimeColumns("x.lt", "x.ut"),
    "1", "0",
    "CASE WHEN li.price_type = 'CPM' THEN round(li.cpm * 100000 * (0.8 + 0.4 * x.u_vcost))::bigint ELSE 0 END",
    "CASE WHEN x.u_sav < 0.7 THEN 1 ELSE 0 END", "CASE WHEN x.u_sav >= 0.97 THEN 1 ELSE 0 END",
    `CASE WHEN ${video} AND x.u_video < 0.6 THEN 1 ELSE 0 END`,
    `CASE WHEN ${video} AND x.u_video < 0.5 THEN 1 ELSE 0 END`,
    `CASE WHEN ${video} AND x.u_video < 0.4 THEN 1 ELSE 0 END`,
    `CASE WHEN ${video} AND x.u_video < 0.33 THEN 1 ELSE 0 END`,
    `CASE WHEN ${video} AND x.u_video < 0.25 THEN 1 ELSE 0 END`,
    `CASE WHEN ${video} AND x.u_video < 0.08 THEN 1 ELSE 0 END`,
    "CASE WHEN c.channel = 'STV' THEN u.tv_os ELSE u.os END",
    "CASE WHEN c.channel = 'STV' THEN u.tv_os_version ELSE u.os_version END",
    "'USD'",
    g.md5("sa", "x.pkey", "x.k"),
    "CASE WHEN x.na THEN NULL ELSE u.user_id END",
    "CASE WHEN x.na THEN NULL ELSE u.user_id_type END",
  ];
  return `
    INSERT INTO amc_sandbox.sponsored_ads_traffic (${cols(SPONSORED_ADS_TRAFFIC)})
    SELECT ${values.join(",\n      ")}
    FROM (
      SELECT y.*, ${utc("y.lt", "y.tz")} AS ut
      FROM (
        ${events}
      ) y
      OFFSET 0
    ) x
    JOIN _c c ON c.ckey = x.ckey
    JOIN _u u ON u.uidx = x.uidx
    JOIN _li li ON li.ckey = x.ckey AND li.li = x.li
    JOIN _cr cr ON cr.ckey = x.ckey AND cr.li = x.li AND cr.cr = 1
    JOIN _term t ON t.brand = c.brand AND t.trank = x.trank`;
}

/** sponsored_ads_traffic clicks: a click chance per impression by ad product, as rows of their own. */
export function saClicksSql(g: Gen): string {
  const zero = [
    "impressions", "viewable_impressions", "unmeasurable_viewable_impressions", "five_sec_views",
    "video_first_quartile_views", "video_midpoint_views", "video_third_quartile_views", "video_complete_views", "video_unmutes",
  ];
  const shifted = eventTimeColumns("y.event_dt + y.d", "y.event_dt_utc + y.d");
  const set: Record<string, string> = {
    ...Object.fromEntries(zero.map((n) => [n, "0"])),
    clicks: "1",
    // CPC in microcents, lognormal around the product's median (§4.3), $0.20–$4.
    spend: `CASE WHEN y.line_item_price_type = 'CPC' THEN round(1e8 * LEAST(4, GREATEST(0.2,
          (CASE y.ad_product_type WHEN 'sponsored_products' THEN 0.9 WHEN 'sponsored_brands' THEN 1.3 ELSE 0.85 END)
          * exp(0.5 * amc_sandbox._gen_norm(${g.ut("cpc", "y.event_id")}, ${g.ut("cpc2", "y.event_id")})))))::bigint ELSE 0 END`,
    // The click comes a few seconds after its impression.
    ...Object.fromEntries(shifted.map((expr, i) => [`event_${EVENT_TIME_SUFFIXES[i]}`, expr])),
    event_id: "md5('click:' || y.event_id)",
  };
  // Every other column is the impression's.
  const values = SPONSORED_ADS_TRAFFIC.map(([n]) => set[n] ?? `y.${n}`);
  return `
    INSERT INTO amc_sandbox.sponsored_ads_traffic (${cols(SPONSORED_ADS_TRAFFIC)})
    SELECT ${values.join(", ")}
    FROM (
      SELECT s.*, (1 + floor(${g.ut("clickdelay", "s.event_id")} * 60)) * INTERVAL '1 second' AS d
      FROM amc_sandbox.sponsored_ads_traffic s
      WHERE s.impressions = 1 AND ${g.ut("click", "s.event_id")} < CASE s.ad_product_type
        WHEN 'sponsored_products' THEN 0.0045 WHEN 'sponsored_brands' THEN 0.0035
        WHEN 'sponsored_display' THEN 0.0025 ELSE 0 END
      OFFSET 0
    ) y`;
}
