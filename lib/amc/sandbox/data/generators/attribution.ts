import { ATTRIBUTED, ATTRIBUTED_METRICS, cols } from "../tables";

/** _cred: per conversion event, the last DSP and the last sponsored-ads touch within 14 days (clicks first). */
export function creditsSql(): string {
  const pick = (dsp: boolean) => `
    SELECT e.cid, d.ref, d.src, d.ckey, d.is_click, d.ts
    FROM _e e CROSS JOIN LATERAL (
      SELECT t.ref, t.src, t.ckey, t.is_click, t.ts FROM _t t
      WHERE t.user_id = e.user_id AND t.brand = e.brand AND t.is_dsp = ${dsp} AND t.creditable
        AND t.ts < e.ts AND t.ts >= e.ts - INTERVAL '14 days'
      ORDER BY t.is_click DESC, t.ts DESC, t.ref LIMIT 1) d`;
  return `CREATE TEMP TABLE _cred ON COMMIT DROP AS ${pick(true)} UNION ALL ${pick(false)}`;
}

/** SQL for one attributed metric before its _clicks / _views split. */
function attributedMetric(name: string): string {
  const order = "e.subtype = 'order'";
  const promoted = "(e.asin = ANY(c.promoted))";
  const m: Record<string, string> = {
    conversions: "1",
    impressions: "CASE WHEN cr.is_click THEN 0 ELSE 1 END",
    clicks: "CASE WHEN cr.is_click THEN 1 ELSE 0 END",
    purchases: `CASE WHEN ${order} AND ${promoted} THEN 1 ELSE 0 END`,
    units_sold: `CASE WHEN ${order} AND ${promoted} THEN e.units ELSE 0 END`,
    product_sales: `CASE WHEN ${order} AND ${promoted} THEN e.sales ELSE 0 END`,
    detail_page_view: `CASE WHEN e.subtype = 'detailPageView' AND ${promoted} THEN 1 ELSE 0 END`,
    add_to_cart: `CASE WHEN e.subtype = 'shoppingCart' AND ${promoted} THEN 1 ELSE 0 END`,
    brand_halo_purchases: `CASE WHEN ${order} AND NOT ${promoted} THEN 1 ELSE 0 END`,
    brand_halo_units_sold: `CASE WHEN ${order} AND NOT ${promoted} THEN e.units ELSE 0 END`,
    brand_halo_product_sales: `CASE WHEN ${order} AND NOT ${promoted} THEN e.sales ELSE 0 END`,
    brand_halo_detail_page_view: `CASE WHEN e.subtype = 'detailPageView' AND NOT ${promoted} THEN 1 ELSE 0 END`,
    brand_halo_add_to_cart: `CASE WHEN e.subtype = 'shoppingCart' AND NOT ${promoted} THEN 1 ELSE 0 END`,
    total_purchases: `CASE WHEN ${order} THEN 1 ELSE 0 END`,
    total_units_sold: `CASE WHEN ${order} THEN e.units ELSE 0 END`,
    total_product_sales: `CASE WHEN ${order} THEN e.sales ELSE 0 END`,
    total_detail_page_view: `CASE WHEN e.subtype = 'detailPageView' THEN 1 ELSE 0 END`,
    total_add_to_cart: `CASE WHEN e.subtype = 'shoppingCart' THEN 1 ELSE 0 END`,
    new_to_brand_purchases: `CASE WHEN ${order} AND e.ntb AND ${promoted} THEN 1 ELSE 0 END`,
    new_to_brand_units_sold: `CASE WHEN ${order} AND e.ntb AND ${promoted} THEN e.units ELSE 0 END`,
    new_to_brand_product_sales: `CASE WHEN ${order} AND e.ntb AND ${promoted} THEN e.sales ELSE 0 END`,
    new_to_brand_brand_halo_purchases: `CASE WHEN ${order} AND e.ntb AND NOT ${promoted} THEN 1 ELSE 0 END`,
    new_to_brand_brand_halo_units_sold: `CASE WHEN ${order} AND e.ntb AND NOT ${promoted} THEN e.units ELSE 0 END`,
    new_to_brand_brand_halo_product_sales: `CASE WHEN ${order} AND e.ntb AND NOT ${promoted} THEN e.sales ELSE 0 END`,
    new_to_brand_total_purchases: `CASE WHEN ${order} AND e.ntb THEN 1 ELSE 0 END`,
    new_to_brand_total_units_sold: `CASE WHEN ${order} AND e.ntb THEN e.units ELSE 0 END`,
    new_to_brand_total_product_sales: `CASE WHEN ${order} AND e.ntb THEN e.sales ELSE 0 END`,
    off_amazon_product_sales: "0",
    off_amazon_conversion_value: "0",
    combined_sales: `CASE WHEN ${order} THEN e.sales ELSE 0 END`,
  };
  const v = m[name];
  if (v === undefined) throw new Error(`no generator for attributed metric ${name}`);
  return v;
}

/** amazon_attributed_events: one row per credited (conversion, touch). */
export function attributedSql(): string {
  const dims: Record<string, string> = {
    ad_product_type: "c.ad_product_type",
    advertiser: "c.advertiser",
    advertiser_id: "CASE WHEN c.channel = 'DSP' THEN c.advertiser_id END",
    campaign: "c.campaign",
    campaign_id: "c.campaign_id",
    campaign_id_string: "c.campaign_id_string",
    line_item: "COALESCE(i.line_item, k.line_item, s.line_item)",
    line_item_id: "COALESCE(i.line_item_id, k.line_item_id, s.line_item_id)",
    creative: "COALESCE(i.creative, k.creative, s.creative)",
    creative_id: "COALESCE(i.creative_id, k.creative_id)",
    creative_type: "COALESCE(i.creative_type, k.creative_type, s.creative_type)",
    supply_source: "COALESCE(i.supply_source, k.supply_source)",
    site: "COALESCE(i.site, k.site)",
    placement_type: "s.placement_type",
    customer_search_term: "s.customer_search_term",
    targeting: "s.targeting",
    match_type: "s.match_type",
    device_type: "COALESCE(i.device_type, k.device_type)",
    operating_system: "COALESCE(i.operating_system, k.operating_system, s.operating_system)",
    environment_type: "COALESCE(i.environment_type, k.environment_type)",
    iso_state_province_code: "COALESCE(i.iso_state_province_code, k.iso_state_province_code)",
    dma_code: "COALESCE(i.dma_code, k.dma_code)",
    postal_code: "COALESCE(i.postal_code, k.postal_code)",
    city_name: "COALESCE(i.city_name, k.city_name)",
    traffic_event_type: "'TRAFFIC'",
    traffic_event_subtype: "CASE WHEN cr.is_click THEN 'AD_CLICK' ELSE 'AD_IMP' END",
    traffic_event_dt: "(cr.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz",
    traffic_event_dt_utc: "cr.ts",
    traffic_event_date: "((cr.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::date",
    traffic_event_date_utc: "cr.ts::date",
    traffic_event_hour: "extract(hour FROM (cr.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::int",
    impression_date: "CASE WHEN NOT cr.is_click THEN ((cr.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::date END",
    click_date: "CASE WHEN cr.is_click THEN ((cr.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::date END",
    traffic_event_marketplace_name: "'AMAZON.COM'",
    traffic_event_id: "cr.ref",
    request_tag: "CASE WHEN c.channel = 'DSP' THEN cr.ref END",
    conversion_event_category: "e.category",
    conversion_event_subtype: "e.subtype",
    conversion_event_type_class: "e.type_class",
    conversion_event_type_description: "e.description",
    conversion_event_dt: "(e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz",
    conversion_event_dt_utc: "e.ts",
    conversion_event_date: "((e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::date",
    conversion_event_date_utc: "e.ts::date",
    conversion_event_hour: "extract(hour FROM (e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::int",
    conversion_event_marketplace_name: "e.marketplace_name",
    conversion_event_name: "NULL",
    conversion_event_source_name: "NULL",
    tracked_asin: "CASE WHEN e.subtype = 'order' THEN e.asin END",
    tracked_item: "e.tracked_item",
    new_to_brand: "e.ntb",
    purchase_retail_program: "e.retail_program",
    purchase_currency: "CASE WHEN e.subtype = 'order' THEN 'USD' END",
    purchase_unit_price: "e.price",
    supply_cost: "i.supply_cost",
    platform_fee: "i.platform_fee",
    audience_fee: "i.audience_fee",
    bid_price: "i.bid_price",
    click_cost: "k.click_cost",
    user_id: "e.user_id",
    user_id_type: "e.user_id_type",
  };
  const values = ATTRIBUTED.map(([n]) => {
    if (dims[n] !== undefined) return dims[n];
    const split = /^(.*)_(clicks|views)$/.exec(n);
    const base = split && ATTRIBUTED_METRICS.some(([m]) => m === split[1]) ? (split[1] as string) : n;
    const expr = attributedMetric(base);
    if (base === n) return expr;
    return `CASE WHEN ${split?.[2] === "clicks" ? "" : "NOT "}cr.is_click THEN ${expr} ELSE 0 END`;
  });
  return `
    INSERT INTO amc_sandbox.amazon_attributed_events (${cols(ATTRIBUTED)})
    SELECT ${values.join(",\n      ")}
    FROM _cred cr
    JOIN _e e ON e.cid = cr.cid
    JOIN _c c ON c.ckey = cr.ckey
    LEFT JOIN amc_sandbox.dsp_impressions i ON cr.src = 'dsp_imp' AND i.request_tag = cr.ref
    LEFT JOIN amc_sandbox.dsp_clicks k ON cr.src = 'dsp_click' AND k.request_tag = cr.ref
    LEFT JOIN amc_sandbox.sponsored_ads_traffic s ON cr.src = 'sa' AND s.event_id = cr.ref`;
}
