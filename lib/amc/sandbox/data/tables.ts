/** The AMC-shaped tables the generator fills: their columns and indexes. */

/** The AMC-shaped tables the generator fills (physical names in schema amc_sandbox). */
export const SANDBOX_DATA_TABLES = [
  "dsp_impressions",
  "dsp_clicks",
  "dsp_views",
  "sponsored_ads_traffic",
  "amazon_attributed_events",
  "conversions",
  "conversions_with_relevance",
  "conversions_all",
] as const;

export type Col = [name: string, type: string];

export const DSP_BASE: Col[] = [
  ["user_id", "text"], ["user_id_type", "text"], ["device_id", "text"], ["request_tag", "text"],
  ["advertiser", "text"], ["advertiser_id", "bigint"], ["advertiser_timezone", "text"], ["entity_id", "text"],
  ["campaign", "text"], ["campaign_id", "bigint"], ["campaign_id_string", "text"],
  ["campaign_start_date", "timestamp"], ["campaign_end_date", "timestamp"],
  ["campaign_start_date_utc", "timestamp"], ["campaign_end_date_utc", "timestamp"],
  ["campaign_primary_goal", "text"], ["campaign_budget_amount", "bigint"],
  ["line_item", "text"], ["line_item_id", "bigint"], ["line_item_type", "text"], ["line_item_price_type", "text"],
  ["creative", "text"], ["creative_id", "bigint"], ["creative_type", "text"], ["creative_category", "text"],
  ["creative_size", "text"], ["creative_duration", "bigint"],
  ["impression_dt", "timestamp"], ["impression_dt_utc", "timestamp"], ["impression_date", "date"],
  ["impression_date_utc", "date"], ["impression_hour", "integer"], ["impression_dt_hour", "timestamp"],
  ["impression_day", "integer"],
  ["currency_iso_code", "text"], ["device_type", "text"], ["device_make", "text"], ["device_model", "text"],
  ["browser_family", "text"], ["operating_system", "text"], ["os_version", "text"], ["environment_type", "text"],
  ["iso_country_code", "text"], ["iso_state_province_code", "text"], ["dma_code", "text"], ["postal_code", "text"],
  ["city_name", "text"], ["supply_source", "text"], ["site", "text"], ["app_bundle", "text"],
  ["is_amazon_owned", "boolean"], ["page_type", "text"], ["slot_position", "text"], ["deal_id", "text"], ["deal_name", "text"],
];

export const DSP_IMPRESSIONS: Col[] = [
  ...DSP_BASE,
  ["impressions", "bigint"], ["total_cost", "double precision"], ["impression_cost", "bigint"],
  ["supply_cost", "bigint"], ["audience_fee", "bigint"], ["platform_fee", "bigint"], ["bid_price", "bigint"],
  ["matched_behavior_segment_ids", "bigint[]"], ["user_behavior_segment_ids", "bigint[]"], ["no_3p_trackers", "boolean"],
];

export const DSP_CLICKS: Col[] = [
  ...DSP_BASE,
  ["clicks", "bigint"], ["click_dt", "timestamp"], ["click_dt_utc", "timestamp"], ["click_date", "date"],
  ["click_date_utc", "date"], ["click_hour", "integer"], ["click_dt_hour", "timestamp"], ["click_day", "integer"],
  ["click_cost", "bigint"],
];

export const DSP_VIEWS: Col[] = [
  ["user_id", "text"], ["user_id_type", "text"], ["impression_id", "text"],
  ["advertiser", "text"], ["advertiser_id", "bigint"], ["advertiser_timezone", "text"], ["entity_id", "text"],
  ["campaign", "text"], ["campaign_id", "bigint"], ["campaign_id_string", "text"],
  ["campaign_start_dt", "timestamp"], ["campaign_end_dt", "timestamp"],
  ["line_item", "text"], ["line_item_id", "bigint"], ["line_item_type", "text"],
  ["creative", "text"], ["creative_id", "bigint"], ["creative_type", "text"], ["creative_category", "text"],
  ["creative_size", "text"], ["creative_duration", "bigint"],
  ["operating_system", "text"], ["os_version", "text"], ["browser_family", "text"],
  ["supply_source", "text"], ["site", "text"], ["app_bundle", "text"], ["is_amazon_owned", "boolean"],
  ["city_name", "text"],
  ["event_dt", "timestamp"], ["event_dt_utc", "timestamp"], ["event_date", "date"], ["event_date_utc", "date"],
  ["event_hour", "integer"], ["event_dt_hour", "timestamp"],
  ["event_type", "text"], ["events", "bigint"], ["measurable_impressions", "bigint"],
  ["viewable_impressions", "bigint"], ["unmeasurable_viewable_impressions", "bigint"], ["view_definition", "text"],
];

export const SPONSORED_ADS_TRAFFIC: Col[] = [
  ["ad_product_type", "text"], ["advertiser", "text"], ["advertiser_timezone", "text"], ["entity_id", "text"],
  ["campaign", "text"], ["campaign_id", "bigint"], ["campaign_id_string", "text"], ["campaign_budget_type", "text"],
  ["campaign_start_date", "date"], ["campaign_end_date", "date"],
  ["ad_group", "text"], ["line_item", "text"], ["line_item_id", "bigint"], ["ad_group_status", "text"],
  ["ad_group_type", "text"], ["line_item_price_type", "text"], ["portfolio_id", "bigint"], ["portfolio_name", "text"],
  ["creative", "text"], ["creative_asin", "text"], ["creative_type", "text"],
  ["customer_search_term", "text"], ["targeting", "text"], ["match_type", "text"], ["placement_type", "text"],
  ["marketplace_name", "text"],
  ["event_dt", "timestamp"], ["event_dt_utc", "timestamp"], ["event_date", "date"], ["event_date_utc", "date"],
  ["event_hour", "integer"], ["event_dt_hour", "timestamp"], ["event_day", "integer"],
  ["impressions", "bigint"], ["clicks", "bigint"], ["spend", "bigint"],
  ["viewable_impressions", "bigint"], ["unmeasurable_viewable_impressions", "bigint"],
  ["five_sec_views", "bigint"], ["video_first_quartile_views", "bigint"], ["video_midpoint_views", "bigint"],
  ["video_third_quartile_views", "bigint"], ["video_complete_views", "bigint"], ["video_unmutes", "bigint"],
  ["operating_system", "text"], ["os_version", "text"], ["currency_iso_code", "text"],
  ["event_id", "text"], ["user_id", "text"], ["user_id_type", "text"],
];

/** Attributed metric families (§1.5); each also exists with _clicks and _views. */
export const ATTRIBUTED_METRICS: Col[] = [
  ["conversions", "bigint"], ["impressions", "bigint"], ["clicks", "bigint"],
  ["purchases", "bigint"], ["units_sold", "bigint"], ["product_sales", "numeric(38,4)"],
  ["detail_page_view", "bigint"], ["add_to_cart", "bigint"],
  ["brand_halo_purchases", "bigint"], ["brand_halo_units_sold", "bigint"], ["brand_halo_product_sales", "numeric(38,4)"],
  ["brand_halo_detail_page_view", "bigint"], ["brand_halo_add_to_cart", "bigint"],
  ["total_purchases", "bigint"], ["total_units_sold", "bigint"], ["total_product_sales", "numeric(38,4)"],
  ["total_detail_page_view", "bigint"], ["total_add_to_cart", "bigint"],
  ["new_to_brand_purchases", "bigint"], ["new_to_brand_units_sold", "bigint"], ["new_to_brand_product_sales", "numeric(38,4)"],
  ["new_to_brand_brand_halo_purchases", "bigint"], ["new_to_brand_brand_halo_units_sold", "bigint"],
  ["new_to_brand_brand_halo_product_sales", "numeric(38,4)"],
  ["new_to_brand_total_purchases", "bigint"], ["new_to_brand_total_units_sold", "bigint"],
  ["new_to_brand_total_product_sales", "numeric(38,4)"],
  ["off_amazon_product_sales", "numeric(38,4)"], ["off_amazon_conversion_value", "numeric(38,4)"], ["combined_sales", "numeric(38,4)"],
];

const ATTRIBUTED_DIMS: Col[] = [
  ["ad_product_type", "text"], ["advertiser", "text"], ["advertiser_id", "bigint"],
  ["campaign", "text"], ["campaign_id", "bigint"], ["campaign_id_string", "text"],
  ["line_item", "text"], ["line_item_id", "bigint"], ["creative", "text"], ["creative_id", "bigint"], ["creative_type", "text"],
  ["supply_source", "text"], ["site", "text"], ["placement_type", "text"],
  ["customer_search_term", "text"], ["targeting", "text"], ["match_type", "text"],
  ["device_type", "text"], ["operating_system", "text"], ["environment_type", "text"],
  ["iso_state_province_code", "text"], ["dma_code", "text"], ["postal_code", "text"], ["city_name", "text"],
  ["traffic_event_type", "text"], ["traffic_event_subtype", "text"],
  ["traffic_event_dt", "timestamp"], ["traffic_event_dt_utc", "timestamp"], ["traffic_event_date", "date"],
  ["traffic_event_date_utc", "date"], ["traffic_event_hour", "integer"],
  ["impression_date", "date"], ["click_date", "date"], ["traffic_event_marketplace_name", "text"],
  ["traffic_event_id", "text"], ["request_tag", "text"],
  ["conversion_event_category", "text"], ["conversion_event_subtype", "text"], ["conversion_event_type_class", "text"],
  ["conversion_event_type_description", "text"],
  ["conversion_event_dt", "timestamp"], ["conversion_event_dt_utc", "timestamp"], ["conversion_event_date", "date"],
  ["conversion_event_date_utc", "date"], ["conversion_event_hour", "integer"],
  ["conversion_event_marketplace_name", "text"], ["conversion_event_name", "text"], ["conversion_event_source_name", "text"],
  ["tracked_asin", "text"], ["tracked_item", "text"], ["new_to_brand", "boolean"],
  ["purchase_retail_program", "text"], ["purchase_currency", "text"], ["purchase_unit_price", "numeric(38,4)"],
  ["supply_cost", "bigint"], ["platform_fee", "bigint"], ["audience_fee", "bigint"], ["bid_price", "bigint"], ["click_cost", "bigint"],
  ["user_id", "text"], ["user_id_type", "text"],
];

export const ATTRIBUTED: Col[] = [
  ...ATTRIBUTED_DIMS,
  ...ATTRIBUTED_METRICS,
  ...ATTRIBUTED_METRICS.flatMap(([n, t]): Col[] => [[`${n}_clicks`, t], [`${n}_views`, t]]),
];

export const CONVERSIONS: Col[] = [
  ["conversion_id", "text"], ["user_id", "text"], ["user_id_type", "text"],
  ["event_category", "text"], ["event_subtype", "text"], ["event_type", "text"], ["event_type_class", "text"],
  ["event_type_description", "text"],
  ["event_dt_utc", "timestamp"], ["event_date_utc", "date"], ["event_hour_utc", "integer"],
  ["event_dt_hour_utc", "timestamp"], ["event_day_utc", "integer"],
  ["marketplace_name", "text"], ["tracked_asin", "text"], ["tracked_item", "text"], ["new_to_brand", "boolean"],
  ["purchase_currency", "text"], ["purchase_retail_program", "text"], ["purchase_unit_price", "numeric(38,4)"],
  ["total_product_sales", "numeric(38,4)"], ["total_units_sold", "bigint"], ["conversions", "bigint"],
  ["off_amazon_product_sales", "numeric(38,4)"], ["off_amazon_conversion_value", "numeric(38,4)"],
  ["combined_sales", "numeric(38,4)"], ["conversion_event_name", "text"], ["conversion_event_source_name", "text"],
];

export const CONVERSIONS_WITH_RELEVANCE: Col[] = [
  ...CONVERSIONS,
  ["advertiser", "text"], ["advertiser_id", "bigint"], ["campaign", "text"], ["campaign_id", "bigint"],
  ["campaign_id_string", "text"], ["campaign_start_date", "timestamp"], ["campaign_end_date", "timestamp"],
  ["event_dt", "timestamp"], ["event_date", "date"], ["engagement_scope", "text"], ["halo_code", "text"],
];

export const CONVERSIONS_ALL: Col[] = [
  ...CONVERSIONS,
  ["exposure_type", "text"], ["event_source", "text"], ["marketplace_id", "text"], ["sns_subscription_id", "text"],
];

/** Each data table's columns, in the order the generator creates the tables. */
export const DATA_TABLE_COLUMNS: Record<(typeof SANDBOX_DATA_TABLES)[number], Col[]> = {
  dsp_impressions: DSP_IMPRESSIONS,
  dsp_clicks: DSP_CLICKS,
  dsp_views: DSP_VIEWS,
  sponsored_ads_traffic: SPONSORED_ADS_TRAFFIC,
  amazon_attributed_events: ATTRIBUTED,
  conversions: CONVERSIONS,
  conversions_with_relevance: CONVERSIONS_WITH_RELEVANCE,
  conversions_all: CONVERSIONS_ALL,
};

/** [table, column]: one index each, on the time columns reports filter on. */
export const DATA_TABLE_INDEXES: [string, string][] = [
  ["dsp_impressions", "impression_dt_utc"],
  ["dsp_clicks", "click_dt_utc"],
  ["dsp_views", "event_dt_utc"],
  ["sponsored_ads_traffic", "event_dt_utc"],
  ["amazon_attributed_events", "conversion_event_dt_utc"],
  ["amazon_attributed_events", "traffic_event_dt_utc"],
  ["conversions", "event_dt_utc"],
  ["conversions_with_relevance", "event_dt_utc"],
  ["conversions_all", "event_dt_utc"],
];

/** The column names of a list, for an INSERT. */
export function cols(list: Col[]): string {
  return list.map(([n]) => n).join(", ");
}

/** The column definitions of a list, for a CREATE TABLE. */
export function columnDefs(list: Col[]): string {
  return list.map(([n, t]) => `${n} ${t}`).join(", ");
}
