import { DSP_BASE, DSP_CLICKS, DSP_IMPRESSIONS, DSP_VIEWS, cols } from "../tables";
import { supplyIndex } from "../behaviour";
import type { Gen } from "../gen";
import { eventTimeColumns, pickText, utc } from "../sql";
import { trafficDraw, trafficEventsSql, trafficLocalTs, trafficUniforms } from "./traffic";

/** dsp_impressions: each (user, DSP campaign) pair's impressions, placed in time and supply. */
export function impressionsSql(g: Gen): string {
  const events = trafficEventsSql(g, "DSP", [
    `1 + floor(${trafficDraw(g, "cr")} * 2)::int AS cr`,
    `${trafficLocalTs(g)} AS lt`,
    `(c.kind = 'stv' OR (c.kind = 'olv' AND ${trafficDraw(g, "olvtv")} < 0.2)) AS tv`,
    `${trafficDraw(g, "away")} < 0.05 AS away`,
    ...trafficUniforms(g, [
      ["env", "u_env"], ["sup", "u_sup"], ["page", "u_page"], ["slot", "u_slot"], ["deal", "u_deal"],
      ["cost", "u_cost"], ["bid", "u_bid"],
    ]),
    `${trafficDraw(g, "na")} < 0.04 AS na`,
    `${trafficDraw(g, "no3p")} AS u_3p`,
  ]);
  const values: string[] = [
    "CASE WHEN x.na THEN NULL ELSE u.user_id END",
    "CASE WHEN x.na THEN NULL ELSE u.user_id_type END",
    "u.device_id",
    g.md5("imp", "x.pkey", "x.k"),
    "c.advertiser", "c.advertiser_id", "c.tz", "c.entity_id",
    "c.campaign", "c.campaign_id", "c.campaign_id_string",
    "c.start_day::timestamp", "c.end_day::timestamp + INTERVAL '23:59:59'",
    utc("c.start_day::timestamp", "c.tz"), utc("c.end_day::timestamp + INTERVAL '23:59:59'", "c.tz"),
    "c.goal", "c.budget",
    "li.line_item", "li.line_item_id", "li.line_item_type", "li.price_type",
    "cr.creative", "cr.creative_id", "cr.creative_type", "cr.creative_category", "cr.creative_size", "cr.creative_duration",
    ...eventTimeColumns("x.lt", "x.ut"),
    "'USD'",
    "CASE WHEN x.tv THEN 'TV' ELSE u.device_type END",
    "CASE WHEN x.tv THEN u.tv_make ELSE u.make END",
    "CASE WHEN x.tv THEN u.tv_model ELSE u.model END",
    "CASE WHEN x.tv THEN NULL ELSE u.browser END",
    "CASE WHEN x.tv THEN u.tv_os ELSE u.os END",
    "CASE WHEN x.tv THEN u.tv_os_version ELSE u.os_version END",
    "CASE WHEN x.tv OR u.device_type = 'ConnectedDevice' THEN 'App' WHEN x.u_env < 0.55 THEN 'App' ELSE 'Web' END",
    "'US'", "geo.state", "geo.dma_code", "geo.postal_code", "geo.city",
    "s.supply_source", "s.site", "s.app_bundle", "s.owned",
    `CASE WHEN s.owned AND s.sk = 'display' THEN ${pickText("x.u_page", [["Search", 40], ["Detail", 40], ["Home", 10], ["Browse", 10]])} END`,
    pickText("x.u_slot", [["ATF", 60], ["BTF", 30], ["UNKNOWN", 10]]),
    "CASE WHEN x.kind IN ('stv', 'olv') AND x.u_deal < 0.25 THEN 'PG-' || c.ckey || '-' || li.li END",
    "CASE WHEN x.kind IN ('stv', 'olv') AND x.u_deal < 0.25 THEN c.advertiser || ' Programmatic Guaranteed ' || li.li END",
    "1",
    "x.tc",
    "round(x.tc * 0.85)::bigint",
    "round(x.tc * 700)::bigint",
    "CASE WHEN cardinality(li.segs) > 0 THEN round(x.tc * 50)::bigint ELSE 0 END",
    "round(x.tc * 100)::bigint",
    "round(x.tc * 700 * (1.05 + 0.25 * x.u_bid))::bigint",
    "li.segs", "u.segs", "x.u_3p < 0.3",
  ];
  return `
    INSERT INTO amc_sandbox.dsp_impressions (${cols(DSP_IMPRESSIONS)})
    SELECT ${values.join(",\n      ")}
    FROM (
      SELECT y.*, ${utc("y.lt", "y.tz")} AS ut, li.cpm * 100 * (0.8 + 0.4 * y.u_cost) AS tc
      FROM (
        ${events}
      ) y
      JOIN _li li ON li.ckey = y.ckey AND li.li = y.li
      OFFSET 0
    ) x
    JOIN _c c ON c.ckey = x.ckey
    JOIN _u u ON u.uidx = x.uidx
    JOIN _li li ON li.ckey = x.ckey AND li.li = x.li
    JOIN _cr cr ON cr.ckey = x.ckey AND cr.li = x.li AND cr.cr = x.cr
    JOIN _geo geo ON geo.grank = CASE WHEN x.away THEN u.grank2 ELSE u.grank END
    JOIN _sup s ON s.sidx = ${supplyIndex("x.u_sup")}`;
}

/** dsp_clicks: a click-through chance per impression, by line item and creative. */
export function clicksSql(g: Gen): string {
  const base = DSP_BASE.map(([n]) => `y.${n}`).join(", ");
  return `
    INSERT INTO amc_sandbox.dsp_clicks (${cols(DSP_CLICKS)})
    SELECT ${base}, 1, y.cl, y.cu, y.cl::date, y.cu::date, extract(hour FROM y.cl)::int, date_trunc('hour', y.cl),
      extract(day FROM y.cl)::int, 0
    FROM (
      SELECT i.*,
        i.impression_dt + (1 + floor(${g.ut("clickdelay", "i.request_tag")} * 120)) * INTERVAL '1 second' AS cl,
        i.impression_dt_utc + (1 + floor(${g.ut("clickdelay", "i.request_tag")} * 120)) * INTERVAL '1 second' AS cu
      FROM amc_sandbox.dsp_impressions i
      WHERE ${g.ut("click", "i.request_tag")} < CASE
        WHEN i.line_item_type = 'AAP' THEN 0.0025
        WHEN i.creative_category = 'Display' THEN 0.0015
        WHEN i.creative_type = 'Video' THEN 0.001
        ELSE 0 END
      OFFSET 0
    ) y`;
}

/** dsp_views: measurability and viewability events per impression (audio has none). */
export function viewsSql(g: Gen): string {
  const values = [
    "i.user_id", "i.user_id_type", "i.request_tag",
    "i.advertiser", "i.advertiser_id", "i.advertiser_timezone", "i.entity_id",
    "i.campaign", "i.campaign_id", "i.campaign_id_string", "i.campaign_start_date", "i.campaign_end_date",
    "i.line_item", "i.line_item_id", "i.line_item_type",
    "i.creative", "i.creative_id", "i.creative_type", "i.creative_category", "i.creative_size", "i.creative_duration",
    "i.operating_system", "i.os_version", "i.browser_family",
    "i.supply_source", "i.site", "i.app_bundle", "i.is_amazon_owned", "i.city_name",
    // dsp_views has no event_day.
    ...eventTimeColumns("i.impression_dt + v.delay", "i.impression_dt_utc + v.delay").slice(0, -1),
    "v.event_type", "1",
    "CASE WHEN v.event_type = 'MEASURABLE_IMP' THEN 1 ELSE 0 END",
    "CASE WHEN v.event_type = 'VIEW' THEN 1 ELSE 0 END",
    "CASE WHEN v.event_type IN ('UNMEASURABLE_IMP', 'SYNTHETIC_VIEW') THEN 1 ELSE 0 END",
    "CASE WHEN v.event_type = 'VIEW' THEN CASE WHEN i.creative_category = 'Video' THEN 'MRC 50% pixels 2s' ELSE 'MRC 50% pixels 1s' END END",
  ];
  return `
    INSERT INTO amc_sandbox.dsp_views (${cols(DSP_VIEWS)})
    SELECT ${values.join(", ")}
    FROM (
      SELECT i.*, ${g.ut("meas", "i.request_tag")} AS um, ${g.ut("view", "i.request_tag")} AS uv,
        ${g.ut("unmeas", "i.request_tag")} AS uu,
        (1 + floor(${g.ut("viewdelay", "i.request_tag")} * 10)) * INTERVAL '1 second' AS vdelay
      FROM amc_sandbox.dsp_impressions i
      WHERE i.creative_type <> 'Audio'
      OFFSET 0
    ) i
    CROSS JOIN LATERAL (VALUES ('MEASURABLE_IMP', INTERVAL '0'), ('VIEW', i.vdelay), ('UNMEASURABLE_IMP', INTERVAL '0'),
                               ('SYNTHETIC_VIEW', i.vdelay)) v(event_type, delay)
    WHERE (v.event_type = 'MEASURABLE_IMP' AND i.um < 0.85)
       OR (v.event_type = 'VIEW' AND i.um < 0.85 AND i.uv < CASE WHEN i.creative_category = 'Video' THEN 0.25 ELSE 0.7 END)
       OR (v.event_type = 'UNMEASURABLE_IMP' AND i.um >= 0.85 AND i.uu < 0.07)
       OR (v.event_type = 'SYNTHETIC_VIEW' AND i.um >= 0.85 AND i.uu >= 0.07 AND i.uu < 0.14)`;
}
