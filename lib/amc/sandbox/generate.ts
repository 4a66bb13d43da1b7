import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { SANDBOX_SCHEMA } from "./catalog";
import {
  SANDBOX_ADVERTISERS,
  SANDBOX_ASINS,
  SANDBOX_CAMPAIGNS,
  SANDBOX_CREATIVES,
  SANDBOX_KEYWORDS,
  SANDBOX_LINE_ITEMS,
  SANDBOX_PORTFOLIOS,
  SANDBOX_POSTAL_CODES,
  SANDBOX_PROMOTED_ASINS,
  SANDBOX_SEARCH_TERMS,
  SANDBOX_SEGMENTS,
} from "./entities";
import { ensureSandboxSchema } from "./schema";

export {
  SANDBOX_ADVERTISERS,
  SANDBOX_ASINS,
  SANDBOX_CAMPAIGNS,
  SANDBOX_PROMOTED_ASINS,
  type SandboxCampaign,
} from "./entities";

/**
 * Deterministic synthetic AMC data (amc-data-model.md §4), generated inside PostgreSQL: every
 * random draw is a hash of (seed, stream, entity key), so the same seed gives the same rows
 * whatever the plan, and adding a stream does not move the others. Nothing reads the clock.
 *
 * The behaviour model is a simplification of §4.3: per (user, campaign) an impression count
 * (Poisson around a heavy-tailed per-user ad load), each impression placed on a weighted day and
 * hour; clicks as a per-impression chance; purchases organic (per user × brand hazard, promo
 * boosted) plus ad-driven (per touch, mostly after sponsored-ads clicks); detail-page views,
 * add-to-carts and the rest derived per purchase; attribution = last click else last impression
 * within 14 days, at most one DSP and one sponsored-ads row per conversion.
 */

/** Bump on any change to the generated data; ensureSandboxData then regenerates. */
export const SANDBOX_GENERATOR_VERSION = 1;
export const SANDBOX_DEFAULT_SEED = 20250101;
/** End (exclusive) of the traffic window, in each advertiser's time zone (§4.5: 2025-01-01 + 90 days). */
export const SANDBOX_DEFAULT_ANCHOR = "2025-04-01";

export interface SandboxSize {
  users: number;
  /** Days of traffic before the anchor (a 14-day warm-up comes on top). */
  days: number;
}

export const SANDBOX_SIZES = {
  /** The app's sandbox: 50k users × 90 days (≈ 2 M rows). */
  default: { users: 50_000, days: 90 },
  /** Enough days for "last 30 days, 14 days ago" windows at any date. */
  ci: { users: 5_000, days: 60 },
  /** For unit tests: a couple of seconds. */
  test: { users: 2_000, days: 30 },
} as const satisfies Record<string, SandboxSize>;

export interface SandboxDataOptions {
  seed?: number;
  /** Receives one line per generation step with its duration. */
  log?: (line: string) => void;
  /** `YYYY-MM-DD` (or a Date, its UTC day): the day after the last day of traffic. */
  anchor?: string | Date;
  size?: SandboxSize | keyof typeof SANDBOX_SIZES;
}

export interface SandboxGeneration {
  generatorVersion: number;
  seed: number;
  anchor: string;
  size: SandboxSize;
  rowCounts: Record<string, number>;
  durationMs: number;
}

export interface EnsureResult extends SandboxGeneration {
  /** False when matching data was already there. */
  generated: boolean;
}

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

const LOCK_KEY = 0x414d4353; // "AMCS": serialises generation across processes.

interface Resolved {
  seed: number;
  anchor: string;
  size: SandboxSize;
}

function resolve(options: SandboxDataOptions): Resolved {
  const seed = options.seed ?? SANDBOX_DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2_147_483_647) {
    throw new Error(`sandbox seed must be an integer in [0, 2^31): ${seed}`);
  }
  const anchorRaw = options.anchor ?? SANDBOX_DEFAULT_ANCHOR;
  const anchor = typeof anchorRaw === "string" ? anchorRaw : anchorRaw.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(anchor) || Number.isNaN(Date.parse(`${anchor}T00:00:00Z`))) {
    throw new Error(`sandbox anchor must be YYYY-MM-DD: ${anchor}`);
  }
  const size = typeof options.size === "string" ? SANDBOX_SIZES[options.size] : (options.size ?? SANDBOX_SIZES.default);
  if (!Number.isInteger(size.users) || size.users < 10 || size.users > 2_000_000) {
    throw new Error(`sandbox size.users must be an integer in [10, 2,000,000]: ${size.users}`);
  }
  if (!Number.isInteger(size.days) || size.days < 7 || size.days > 400) {
    throw new Error(`sandbox size.days must be an integer in [7, 400]: ${size.days}`);
  }
  return { seed, anchor, size: { users: size.users, days: size.days } };
}

interface MetaRow extends Record<string, unknown> {
  generator_version: number;
  seed: number;
  anchor: string;
  users: number;
  days: number;
  row_counts: Record<string, number>;
  duration_ms: number;
}

async function readMeta(db: Database): Promise<MetaRow | undefined> {
  const rows = await db.execute<MetaRow>(sql`
    SELECT generator_version, seed::int AS seed, anchor::text AS anchor, users, days, row_counts, duration_ms
    FROM amc_sandbox.generation_meta WHERE id = 1`);
  return rows[0];
}

/** True when the data tables exist and are filled (UNLOGGED tables come back empty after a crash). */
async function dataPresent(db: Database): Promise<boolean> {
  const rows = await db.execute<{ ok: boolean }>(sql`
    SELECT to_regclass('amc_sandbox.dsp_impressions') IS NOT NULL
       AND to_regclass('amc_sandbox.conversions_all') IS NOT NULL AS ok`);
  if (!rows[0]?.ok) return false;
  const filled = await db.execute<{ ok: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM amc_sandbox.dsp_impressions) AND EXISTS (SELECT 1 FROM amc_sandbox.conversions_all) AS ok`);
  return !!filled[0]?.ok;
}

function fromMeta(m: MetaRow, generated: boolean): EnsureResult {
  return {
    generated,
    generatorVersion: m.generator_version,
    seed: m.seed,
    anchor: m.anchor,
    size: { users: m.users, days: m.days },
    rowCounts: m.row_counts,
    durationMs: m.duration_ms,
  };
}

/**
 * Makes sure the sandbox holds data for exactly these options and the current generator
 * version, generating it when not (idempotent; concurrent callers wait on an advisory lock and
 * then find the data there). With `reuseExisting`, any data of the current generator version is
 * accepted: what a runner wants, so a run never replaces data the app generated on purpose.
 */
export async function ensureSandboxData(
  db: Database,
  options: SandboxDataOptions & { reuseExisting?: boolean } = {},
): Promise<EnsureResult> {
  const want = resolve(options);
  await ensureSandboxSchema(db);
  const matches = (m: MetaRow | undefined) =>
    !!m &&
    m.generator_version === SANDBOX_GENERATOR_VERSION &&
    (options.reuseExisting ||
      (m.seed === want.seed && m.anchor === want.anchor && m.users === want.size.users && m.days === want.size.days));
  const before = await readMeta(db);
  if (matches(before) && (await dataPresent(db))) return fromMeta(before as MetaRow, false);

  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    const meta = await readMeta(tx);
    if (matches(meta) && (await dataPresent(tx))) return fromMeta(meta as MetaRow, false);
    const g = await generateInTransaction(tx, want, options.log);
    return { ...g, generated: true };
  });
}

/** Regenerates unconditionally (holding the same lock). */
export async function generateSandboxData(db: Database, options: SandboxDataOptions = {}): Promise<SandboxGeneration> {
  const want = resolve(options);
  await ensureSandboxSchema(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    return generateInTransaction(tx, want, options.log);
  });
}

// ---------------------------------------------------------------------------------------------
// SQL building blocks

// Random streams: a draw's seed is (master seed, position here). Append only: inserting a name
// would move every stream after it and change the data (bump SANDBOX_GENERATOR_VERSION then).
const STREAMS = [
  "uidtype", "postal", "dev", "tvos", "seg", "affa", "affb", "priora", "priorb", "m1", "m2", "dspok", "saok",
  "usegs", "elig", "pn", "pn2", "li", "cr", "day", "hour", "sec", "away", "away2", "env", "sup", "slot",
  "page", "deal", "cost", "bid", "na", "no3p", "click", "clickdelay", "meas", "view", "unmeas", "viewdelay",
  "term", "match", "place", "asin", "sav", "video", "cpc", "vcost", "trig", "lag", "padsin", "phalo",
  "units", "store", "odays", "ohour", "osec", "on", "ndpv", "dpvlag", "atc", "atclag", "xn", "xn2",
  "xlag", "xasin", "autotgt", "olvtv", "cpc2",
] as const;
type Stream = (typeof STREAMS)[number];

class Gen {
  readonly T: number; // traffic days incl. warm-up
  readonly C: number; // conversion days (traffic + 14)
  readonly start: string; // first traffic day (local)
  readonly promoFirst: number; // 1-based traffic day index of the promotion's first day

  constructor(readonly r: Resolved) {
    this.T = r.size.days + 14;
    this.C = this.T + 14;
    this.start = addDays(r.anchor, -this.T);
    this.promoFirst = 14 + Math.floor(r.size.days / 2);
  }

  seedOf(stream: Stream): string {
    return String(BigInt(this.r.seed) * 1_000_003n + BigInt(STREAMS.indexOf(stream) + 1));
  }

  /** Uniform [0, 1) from (stream, a, b). */
  u(stream: Stream, a: string, b = "0"): string {
    return `amc_sandbox._gen_u((${a})::bigint, (${b})::bigint, ${this.seedOf(stream)})`;
  }

  /** Uniform [0, 1) from a text key. */
  ut(stream: Stream, key: string): string {
    return `amc_sandbox._gen_ut(${key}, ${this.seedOf(stream)})`;
  }

  md5(tag: string, ...parts: string[]): string {
    return `md5('${tag}:${this.r.seed}:' || ${parts.map((p) => `(${p})::text`).join(` || ':' || `)})`;
  }

  dayWeights(kind: "traffic" | "conversion"): number[] {
    const n = kind === "traffic" ? this.T : this.C;
    const promo = kind === "traffic" ? 1.8 : 2.5;
    const out: number[] = [];
    for (let d = 1; d <= n; d++) {
      const dow = new Date(`${addDays(this.start, d - 1)}T00:00:00Z`).getUTCDay();
      let w = dow === 0 || dow === 6 ? 1.1 : 1;
      if (d >= this.promoFirst && d < this.promoFirst + 3) w *= promo;
      out.push(w);
    }
    return out;
  }

  /** Local timestamp of (day index 1-based, hour, second-of-hour). */
  localTs(day: string, hour: string, sec: string): string {
    return `(TIMESTAMP '${this.start} 00:00:00' + (((${day}) - 1) * 86400 + (${hour}) * 3600 + (${sec})) * INTERVAL '1 second')`;
  }
}

// Postal code popularity ∝ (rank + Q)^-S: a flat head so that only the top ~100 codes reach
// 100 users at the default size, and a long thin tail (HIGH-threshold dropping, §4.4).
const POSTAL_S = 3;
const POSTAL_Q = 400;

const HOUR_WEIGHTS = [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 3.5, 3.5, 3.5, 3.5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7, 7, 7, 7, 3];

/** 1-based bucket of u under the weights (width_bucket over cumulative lower bounds). */
function bucket(u: string, weights: number[]): string {
  const total = weights.reduce((s, w) => s + w, 0);
  const bounds: number[] = [0];
  let acc = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    acc += (weights[i] as number) / total;
    bounds.push(Number(acc.toFixed(12)));
  }
  return `width_bucket(${u}, '{${bounds.join(",")}}'::float8[])`;
}

/** Pick from string literals by weight. */
function pickText(u: string, options: [string, number][]): string {
  return `(ARRAY[${options.map(([v]) => lit(v)).join(", ")}])[${bucket(u, options.map(([, w]) => w))}]`;
}

function lit(v: string | null): string {
  return v === null ? "NULL" : `'${v.replace(/'/g, "''")}'`;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Power-law rank in [1, n] with weight (rank + q)^-s, by inverting the continuous CDF. */
function powerRank(u: string, n: number, s: number, q = 0): string {
  const a = 1 + q;
  const b = n + 1 + q;
  const e = 1 - s;
  return `LEAST(${n}, GREATEST(1, floor(power(${a ** e} + (${u}) * (${b ** e - a ** e}), ${1 / e}) - ${q})::int))`;
}

// ---------------------------------------------------------------------------------------------
// Table definitions

type Col = [name: string, type: string];

const DSP_BASE: Col[] = [
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

const DSP_IMPRESSIONS: Col[] = [
  ...DSP_BASE,
  ["impressions", "bigint"], ["total_cost", "double precision"], ["impression_cost", "bigint"],
  ["supply_cost", "bigint"], ["audience_fee", "bigint"], ["platform_fee", "bigint"], ["bid_price", "bigint"],
  ["matched_behavior_segment_ids", "bigint[]"], ["user_behavior_segment_ids", "bigint[]"], ["no_3p_trackers", "boolean"],
];

const DSP_CLICKS: Col[] = [
  ...DSP_BASE,
  ["clicks", "bigint"], ["click_dt", "timestamp"], ["click_dt_utc", "timestamp"], ["click_date", "date"],
  ["click_date_utc", "date"], ["click_hour", "integer"], ["click_dt_hour", "timestamp"], ["click_day", "integer"],
  ["click_cost", "bigint"],
];

const DSP_VIEWS: Col[] = [
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

const SPONSORED_ADS_TRAFFIC: Col[] = [
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
const ATTRIBUTED_METRICS: Col[] = [
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

const ATTRIBUTED: Col[] = [
  ...ATTRIBUTED_DIMS,
  ...ATTRIBUTED_METRICS,
  ...ATTRIBUTED_METRICS.flatMap(([n, t]): Col[] => [[`${n}_clicks`, t], [`${n}_views`, t]]),
];

const CONVERSIONS: Col[] = [
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

const CONVERSIONS_WITH_RELEVANCE: Col[] = [
  ...CONVERSIONS,
  ["advertiser", "text"], ["advertiser_id", "bigint"], ["campaign", "text"], ["campaign_id", "bigint"],
  ["campaign_id_string", "text"], ["campaign_start_date", "timestamp"], ["campaign_end_date", "timestamp"],
  ["event_dt", "timestamp"], ["event_date", "date"], ["engagement_scope", "text"], ["halo_code", "text"],
];

const CONVERSIONS_ALL: Col[] = [
  ...CONVERSIONS,
  ["exposure_type", "text"], ["event_source", "text"], ["marketplace_id", "text"], ["sns_subscription_id", "text"],
];

const TABLES: Record<(typeof SANDBOX_DATA_TABLES)[number], Col[]> = {
  dsp_impressions: DSP_IMPRESSIONS,
  dsp_clicks: DSP_CLICKS,
  dsp_views: DSP_VIEWS,
  sponsored_ads_traffic: SPONSORED_ADS_TRAFFIC,
  amazon_attributed_events: ATTRIBUTED,
  conversions: CONVERSIONS,
  conversions_with_relevance: CONVERSIONS_WITH_RELEVANCE,
  conversions_all: CONVERSIONS_ALL,
};

const INDEXES: [string, string][] = [
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

function cols(list: Col[]): string {
  return list.map(([n]) => n).join(", ");
}

// ---------------------------------------------------------------------------------------------
// Generation

async function generateInTransaction(tx: Database, r: Resolved, log?: (line: string) => void): Promise<SandboxGeneration> {
  const started = performance.now();
  const g = new Gen(r);
  const run = (text: string) => tx.execute(sql.raw(text));
  const steps: [string, () => Promise<unknown>][] = [
    ["settings", async () => {
      // Cheaper writes for bulk data that can be regenerated at any time.
      await run("SET LOCAL synchronous_commit = off");
      await run("SET LOCAL work_mem = '64MB'");
      await run("SET LOCAL maintenance_work_mem = '256MB'");
      // JIT compiles each big statement for ~0.7 s and gains nothing here.
      await run("SET LOCAL jit = off");
      // Row estimates through generate_series and hash-derived keys are poor; hash joins are
      // always right for these shapes, a misjudged nested loop is quadratic.
      await run("SET LOCAL enable_nestloop = off");
    }],
    ["tables", async () => {
      for (const t of SANDBOX_DATA_TABLES) await run(`DROP TABLE IF EXISTS ${SANDBOX_SCHEMA}.${t}`);
      for (const [t, list] of Object.entries(TABLES)) {
        // UNLOGGED: no WAL for data that can be regenerated; a crash empties them and
        // ensureSandboxData notices and regenerates.
        await run(`CREATE UNLOGGED TABLE ${SANDBOX_SCHEMA}.${t} (${list.map(([n, ty]) => `${n} ${ty}`).join(", ")})`);
      }
      await createHelpers(run);
    }],
    ["entities", () => loadEntities(tx, g)],
    ["users", async () => {
      await run(usersSql(g));
      await run("ANALYZE _u");
    }],
    ["audiences", async () => {
      await run(pairsSql(g));
      await run("ANALYZE _p");
      await run(budgetsSql());
    }],
    ["dsp_impressions", () => run(impressionsSql(g))],
    ["dsp_clicks", () => run(clicksSql(g))],
    ["dsp_views", () => run(viewsSql(g))],
    ["sponsored_ads_traffic", async () => {
      await run(saImpressionsSql(g));
      await run(saClicksSql(g));
    }],
    ["touches", async () => {
      await run(touchesSql());
      await run("CREATE INDEX ON _t (user_id, brand, is_dsp, creditable, is_click, ts)");
      await run("ANALYZE _t");
    }],
    ["purchases", async () => {
      await run(purchasesSql(g));
      await run("ANALYZE _pu");
    }],
    ["events", async () => {
      await run(eventsSql(g));
      await run("ANALYZE _e");
    }],
    ["attribution", async () => {
      await run(creditsSql());
      await run("ANALYZE _cred");
      await run(attributedSql());
    }],
    ["conversions", async () => {
      await run(conversionsSql());
      await run(relevanceSql());
      await run(conversionsAllSql());
    }],
    ["indexes", async () => {
      for (const [t, c] of INDEXES) await run(`CREATE INDEX ON ${SANDBOX_SCHEMA}.${t} (${c})`);
      for (const t of SANDBOX_DATA_TABLES) await run(`ANALYZE ${SANDBOX_SCHEMA}.${t}`);
    }],
  ];
  for (const [name, step] of steps) {
    const t0 = performance.now();
    await step();
    log?.(`sandbox generate: ${name} ${Math.round(performance.now() - t0)} ms`);
  }

  const rowCounts: Record<string, number> = {};
  for (const t of SANDBOX_DATA_TABLES) {
    const rows = await tx.execute<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${SANDBOX_SCHEMA}.${t}`));
    rowCounts[t] = rows[0]?.n ?? 0;
  }
  const durationMs = Math.round(performance.now() - started);
  await tx.execute(sql`
    INSERT INTO amc_sandbox.generation_meta (id, generator_version, seed, anchor, users, days, row_counts, duration_ms, generated_at)
    VALUES (1, ${SANDBOX_GENERATOR_VERSION}, ${r.seed}, ${r.anchor}::date, ${r.size.users}, ${r.size.days},
            ${JSON.stringify(rowCounts)}::jsonb, ${durationMs}, now())
    ON CONFLICT (id) DO UPDATE SET generator_version = EXCLUDED.generator_version, seed = EXCLUDED.seed,
      anchor = EXCLUDED.anchor, users = EXCLUDED.users, days = EXCLUDED.days, row_counts = EXCLUDED.row_counts,
      duration_ms = EXCLUDED.duration_ms, generated_at = EXCLUDED.generated_at`);
  return { generatorVersion: SANDBOX_GENERATOR_VERSION, seed: r.seed, anchor: r.anchor, size: r.size, rowCounts, durationMs };
}

async function createHelpers(run: (t: string) => Promise<unknown>): Promise<void> {
  // hashint8extended folds its input to 32 bits, so the second key is mixed into a first hash.
  await run(`CREATE OR REPLACE FUNCTION amc_sandbox._gen_u(a bigint, b bigint, s bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashint8extended(hashint8extended(a, s) # b, s) & 4503599627370495)::double precision / 4503599627370496.0 $$`);
  await run(`CREATE OR REPLACE FUNCTION amc_sandbox._gen_ut(t text, s bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashtextextended(t, s) & 4503599627370495)::double precision / 4503599627370496.0 $$`);
  await run(`CREATE OR REPLACE FUNCTION amc_sandbox._gen_norm(u1 double precision, u2 double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT sqrt(-2 * ln(greatest(u1, 1e-12))) * cos(2 * pi() * u2) $$`);
  await run(`CREATE OR REPLACE FUNCTION amc_sandbox._gen_poisson(u1 double precision, u2 double precision, lambda double precision) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE k integer := 0; p double precision; s double precision;
    BEGIN
      IF lambda <= 0 THEN RETURN 0; END IF;
      IF lambda > 40 THEN
        RETURN greatest(0, round(lambda + sqrt(lambda) * amc_sandbox._gen_norm(u1, u2)))::integer;
      END IF;
      p := exp(-lambda); s := p;
      WHILE u1 > s AND k < 200 LOOP k := k + 1; p := p * lambda / k; s := s + p; END LOOP;
      RETURN k;
    END $$`);
}


// ---------------------------------------------------------------------------------------------
// Behaviour parameters

/**
 * share: chance a channel-eligible user is in the campaign's audience; rate: impressions per
 * audience member per day at an ad-load multiplier of 1. Tuned so the default size lands near
 * §4.1's row counts (DSP ≈ 600k impressions, sponsored ads ≈ 500k rows).
 */
const CAMPAIGN_PARAMS: Record<string, { share: number; rate: number }> = {
  stv: { share: 0.35, rate: 0.05 },
  olv: { share: 0.35, rate: 0.065 },
  prospecting: { share: 0.42, rate: 0.065 },
  remarketing: { share: 0.4, rate: 0.085 },
  audio: { share: 0.25, rate: 0.032 },
  sp_auto: { share: 0.16, rate: 0.055 },
  sp_manual: { share: 0.16, rate: 0.055 },
  sb: { share: 0.2, rate: 0.045 },
  sb_video: { share: 0.2, rate: 0.045 },
  sd: { share: 0.25, rate: 0.045 },
  sd_vcpm: { share: 0.25, rate: 0.045 },
  sponsored_tv: { share: 0.3, rate: 0.04 },
};

interface Device {
  tv: boolean;
  device_type: string | null;
  os: string | null;
  os_version: string | null;
  browser: string | null;
  make: string | null;
  model: string | null;
  weight: number;
}

// Primary (non-TV) devices by §4.4's device_type shares; user agents keep their odd casing.
const DEVICES: Device[] = [
  { tv: false, device_type: "Phone", os: "iOS", os_version: "17.4", browser: "Mobile Safari", make: "Apple", model: "iPhone", weight: 14 },
  { tv: false, device_type: "Phone", os: "iOS", os_version: "16.7", browser: "Mobile Safari", make: "Apple", model: "iPhone", weight: 8 },
  { tv: false, device_type: "Phone", os: "Android", os_version: "14", browser: "Chrome Mobile", make: "Samsung", model: "SM-S911U", weight: 8 },
  { tv: false, device_type: "Phone", os: "Android", os_version: "13", browser: "Chrome Mobile", make: "SAMSUNG", model: "SM-A536U", weight: 6 },
  { tv: false, device_type: "Phone", os: "Android", os_version: "14", browser: "Chrome Mobile", make: "Google", model: "Pixel 8", weight: 6 },
  { tv: false, device_type: "PC", os: "Windows", os_version: "10", browser: "Chrome", make: null, model: null, weight: 9 },
  { tv: false, device_type: "PC", os: "Windows", os_version: "11", browser: "Edge", make: null, model: null, weight: 4 },
  { tv: false, device_type: "PC", os: "macOS", os_version: "14.4", browser: "Safari", make: "Apple", model: "Macintosh", weight: 5 },
  { tv: false, device_type: "Tablet", os: "iOS", os_version: "17.4", browser: "Mobile Safari", make: "Apple", model: "iPad", weight: 5 },
  { tv: false, device_type: "Tablet", os: "Fire OS", os_version: "8", browser: "Amazon Silk", make: "Amazon", model: "Fire HD 10", weight: 3 },
  { tv: false, device_type: "Tablet", os: "Android", os_version: "13", browser: "Chrome", make: "samsung", model: "SM-X200", weight: 1 },
  { tv: false, device_type: "ConnectedDevice", os: "Fire OS", os_version: "7", browser: null, make: "Amazon", model: "Echo Show 8", weight: 4 },
  { tv: false, device_type: "Unknown", os: null, os_version: null, browser: null, make: null, model: null, weight: 3 },
  { tv: true, device_type: "TV", os: "Fire OS", os_version: "7", browser: null, make: "Amazon", model: "Fire TV Stick 4K", weight: 50 },
  { tv: true, device_type: "TV", os: "Roku OS", os_version: "12.5", browser: null, make: "Roku", model: "Roku Ultra", weight: 30 },
  { tv: true, device_type: "TV", os: "tvOS", os_version: "17", browser: null, make: "Apple", model: "Apple TV 4K", weight: 12 },
  { tv: true, device_type: "TV", os: "Android", os_version: "12", browser: null, make: "Google", model: "Chromecast", weight: 8 },
];
const PRIMARY_DEVICES = DEVICES.filter((d) => !d.tv);
const TV_DEVICES = DEVICES.filter((d) => d.tv);

interface Supply {
  sk: "stv" | "olv" | "display" | "audio";
  supply_source: string;
  site: string | null;
  app_bundle: string | null;
  owned: boolean;
  weight: number;
}

const SUPPLY: Supply[] = [
  { sk: "stv", supply_source: "PRIME VIDEO", site: null, app_bundle: "com.amazon.avod", owned: true, weight: 50 },
  { sk: "stv", supply_source: "FIRE TV", site: null, app_bundle: "com.amazon.firetv.home", owned: true, weight: 30 },
  { sk: "stv", supply_source: "FREEVEE", site: null, app_bundle: "com.amazon.imdb.tv", owned: true, weight: 20 },
  { sk: "olv", supply_source: "TWITCH WEB VIDEO", site: "twitch.tv", app_bundle: null, owned: true, weight: 35 },
  { sk: "olv", supply_source: "IMDB", site: "imdb.com", app_bundle: null, owned: true, weight: 15 },
  { sk: "olv", supply_source: "PUBMATIC WEB VIDEO", site: "weather.com", app_bundle: null, owned: false, weight: 30 },
  { sk: "olv", supply_source: "MAGNITE CTV", site: null, app_bundle: "com.pluto.tv", owned: false, weight: 20 },
  { sk: "display", supply_source: "AMAZON.COM", site: "amazon.com", app_bundle: null, owned: true, weight: 35 },
  { sk: "display", supply_source: "IMDB", site: "imdb.com", app_bundle: null, owned: true, weight: 10 },
  { sk: "display", supply_source: "PUBMATIC WEB DISPLAY", site: "allrecipes.com", app_bundle: null, owned: false, weight: 20 },
  { sk: "display", supply_source: "GOOGLE AD MANAGER WEB DISPLAY", site: "foodnetwork.com", app_bundle: null, owned: false, weight: 20 },
  { sk: "display", supply_source: "INDEX EXCHANGE APP DISPLAY", site: null, app_bundle: "com.outdoor.trails", owned: false, weight: 15 },
  { sk: "audio", supply_source: "AMAZON MUSIC", site: null, app_bundle: "com.amazon.mp3", owned: true, weight: 70 },
  { sk: "audio", supply_source: "ALEXA", site: null, app_bundle: null, owned: true, weight: 30 },
];

function supplyIndex(u: string): string {
  const branch = (sk: Supply["sk"]) => {
    const idx = SUPPLY.map((s, i) => ({ s, i: i + 1 })).filter((x) => x.s.sk === sk);
    return `(ARRAY[${idx.map((x) => x.i).join(",")}])[${bucket(u, idx.map((x) => x.s.weight))}]`;
  };
  return `CASE x.kind WHEN 'stv' THEN ${branch("stv")} WHEN 'olv' THEN ${branch("olv")} WHEN 'audio' THEN ${branch("audio")} ELSE ${branch("display")} END`;
}

// ---------------------------------------------------------------------------------------------
// Entity tables

async function loadTable(tx: Database, name: string, columns: Col[], rows: object[]): Promise<void> {
  await tx.execute(sql.raw(`CREATE TEMP TABLE ${name} (${columns.map(([n, t]) => `${n} ${t}`).join(", ")}) ON COMMIT DROP`));
  await tx.execute(sql`INSERT INTO ${sql.raw(name)} SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
    AS x(${sql.raw(columns.map(([n, t]) => `${n} ${t}`).join(", "))})`);
  await tx.execute(sql.raw(`ANALYZE ${name}`));
}

async function loadEntities(tx: Database, g: Gen): Promise<void> {
  const adv = new Map(SANDBOX_ADVERTISERS.map((a) => [a.brand, a]));
  await loadTable(
    tx,
    "_c",
    [
      ["ckey", "integer"], ["channel", "text"], ["ad_product_type", "text"], ["brand", "text"], ["kind", "text"],
      ["advertiser", "text"], ["advertiser_id", "bigint"], ["tz", "text"], ["entity_id", "text"], ["campaign", "text"],
      ["campaign_id", "bigint"], ["campaign_id_string", "text"], ["goal", "text"], ["share", "double precision"],
      ["rate", "double precision"], ["promoted", "text[]"], ["portfolio_id", "bigint"], ["portfolio_name", "text"],
      ["n_li", "integer"], ["start_day", "date"], ["end_day", "date"], ["budget", "bigint"],
    ],
    SANDBOX_CAMPAIGNS.map((c) => {
      const a = adv.get(c.brand) as (typeof SANDBOX_ADVERTISERS)[number];
      const ps = SANDBOX_PORTFOLIOS.filter((p) => p.brand === c.brand);
      const portfolio = ps[c.key % ps.length] as (typeof SANDBOX_PORTFOLIOS)[number];
      const p = CAMPAIGN_PARAMS[c.kind] as { share: number; rate: number };
      return {
        ckey: c.key,
        channel: c.channel,
        ad_product_type: c.adProductType,
        brand: c.brand,
        kind: c.kind,
        advertiser: a.advertiser,
        advertiser_id: a.advertiserId,
        tz: a.timeZone,
        entity_id: a.entityId,
        campaign: c.campaign,
        campaign_id: c.campaignId,
        campaign_id_string: c.campaignIdString,
        goal: c.goal,
        share: p.share,
        rate: p.rate,
        promoted: SANDBOX_PROMOTED_ASINS.get(c.key) ?? [],
        portfolio_id: c.channel === "DSP" ? null : portfolio.id,
        portfolio_name: c.channel === "DSP" ? null : portfolio.name,
        n_li: SANDBOX_LINE_ITEMS.filter((l) => l.campaignKey === c.key).length,
        // Flights: from the first traffic days to a few weeks past the anchor.
        start_day: addDays(g.start, c.key % 4),
        end_day: addDays(g.r.anchor, 14 + (c.key % 3) * 7),
        budget: null,
      };
    }),
  );
  await loadTable(
    tx,
    "_li",
    [
      ["ckey", "integer"], ["li", "integer"], ["line_item", "text"], ["line_item_id", "bigint"], ["line_item_type", "text"],
      ["price_type", "text"], ["cpm", "double precision"], ["segs", "bigint[]"], ["ad_group_type", "text"],
    ],
    SANDBOX_LINE_ITEMS.map((l) => ({
      ckey: l.campaignKey,
      li: l.index,
      line_item: l.lineItem,
      line_item_id: l.lineItemId,
      line_item_type: l.lineItemType,
      price_type: l.priceType,
      cpm: l.cpm,
      segs: l.segmentIds,
      ad_group_type: l.adGroupType,
    })),
  );
  await loadTable(
    tx,
    "_cr",
    [
      ["ckey", "integer"], ["li", "integer"], ["cr", "integer"], ["creative", "text"], ["creative_id", "bigint"],
      ["creative_type", "text"], ["creative_category", "text"], ["creative_size", "text"], ["creative_duration", "bigint"],
    ],
    SANDBOX_CREATIVES.map((c) => ({
      ckey: c.campaignKey,
      li: c.lineItemIndex,
      cr: c.index,
      creative: c.creative,
      creative_id: c.creativeId,
      creative_type: c.creativeType,
      creative_category: c.creativeCategory,
      creative_size: c.creativeSize,
      creative_duration: c.creativeDuration,
    })),
  );
  const perBrand = { A: 0, B: 0 };
  await loadTable(
    tx,
    "_asin",
    [["brand", "text"], ["aidx", "integer"], ["asin", "text"], ["price", "numeric(38,4)"]],
    SANDBOX_ASINS.map((a) => ({ brand: a.brand, aidx: ++perBrand[a.brand], asin: a.asin, price: a.price })),
  );
  await loadTable(
    tx,
    "_geo",
    [["grank", "integer"], ["postal_code", "text"], ["state", "text"], ["dma_code", "text"], ["city", "text"]],
    SANDBOX_POSTAL_CODES.map((p) => ({ grank: p.rank, postal_code: p.postalCode, state: p.state, dma_code: p.dmaCode, city: p.city })),
  );
  await loadTable(
    tx,
    "_term",
    [["brand", "text"], ["trank", "integer"], ["term", "text"], ["keyword", "text"]],
    (["A", "B"] as const).flatMap((brand) =>
      SANDBOX_SEARCH_TERMS[brand].map((term, i) => ({
        brand,
        trank: i + 1,
        term,
        keyword: SANDBOX_KEYWORDS[brand][i % SANDBOX_KEYWORDS[brand].length],
      })),
    ),
  );
  await loadTable(
    tx,
    "_dev",
    [
      ["didx", "integer"], ["device_type", "text"], ["os", "text"], ["os_version", "text"], ["browser", "text"],
      ["make", "text"], ["model", "text"],
    ],
    [...PRIMARY_DEVICES, ...TV_DEVICES].map((d, i) => ({ didx: i + 1, ...d })),
  );
  await loadTable(
    tx,
    "_sup",
    [["sidx", "integer"], ["sk", "text"], ["supply_source", "text"], ["site", "text"], ["app_bundle", "text"], ["owned", "boolean"]],
    SUPPLY.map((s, i) => ({ sidx: i + 1, ...s })),
  );
}

// ---------------------------------------------------------------------------------------------
// Users and audiences

function usersSql(g: Gen): string {
  const n = g.r.size.users;
  const segIds = SANDBOX_SEGMENTS.map((s) => s.id);
  const seg = (k: number) => `(ARRAY[${segIds.join(",")}]::bigint[])[1 + floor(${g.u("usegs", "i", String(k))} * ${segIds.length})::int]`;
  return `
    CREATE TEMP TABLE _u ON COMMIT DROP AS
    SELECT b.uidx,
      ${g.md5("u", "b.uidx")} AS user_id,
      (ARRAY['adUserId', 'sisDeviceId', 'adBrowserId'])[b.idt] AS user_id_type,
      ${g.md5("d", "b.uidx")} AS device_id,
      b.grank, d.device_type, d.os, d.os_version, d.browser, d.make, d.model,
      t.os AS tv_os, t.os_version AS tv_os_version, t.make AS tv_make, t.model AS tv_model,
      b.seg, b.aff_a, b.aff_b,
      -- §4.2 says 15% for non-loyalists; 35% lands NTB near §4.3's 15–30% of purchases.
      (b.seg = 1 AND b.aff_a) OR b.pa < 0.35 AS prior_a,
      (b.seg = 1 AND b.aff_b) OR b.pb < 0.35 AS prior_b,
      b.grank2,
      b.mult, b.dsp_ok, b.sa_ok, b.segs
    FROM (
      SELECT i AS uidx,
        ${bucket(g.u("uidtype", "i"), [80, 12, 8])} AS idt,
        ${powerRank(g.u("postal", "i"), SANDBOX_POSTAL_CODES.length, POSTAL_S, POSTAL_Q)} AS grank,
        -- A second location (work, travel) for the 5% of events away from home.
        ${powerRank(g.u("away2", "i"), SANDBOX_POSTAL_CODES.length, POSTAL_S, POSTAL_Q)} AS grank2,
        ${bucket(g.u("dev", "i"), PRIMARY_DEVICES.map((d) => d.weight))} AS dev,
        ${PRIMARY_DEVICES.length} + ${bucket(g.u("tvos", "i"), TV_DEVICES.map((d) => d.weight))} AS tv,
        ${bucket(g.u("seg", "i"), [10, 25, 65])} AS seg,
        ${g.u("affa", "i")} < 0.75 AS aff_a,
        ${g.u("affb", "i")} < 0.5 AS aff_b,
        ${g.u("priora", "i")} AS pa,
        ${g.u("priorb", "i")} AS pb,
        -- Heavy-tailed ad load with mean 1 (lognormal, sigma 0.8).
        exp(0.8 * amc_sandbox._gen_norm(${g.u("m1", "i")}, ${g.u("m2", "i")}) - 0.32) AS mult,
        ${g.u("dspok", "i")} < 0.72 AS dsp_ok,
        ${g.u("saok", "i")} < 0.55 AS sa_ok,
        ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[${seg(1)}, ${seg(2)}, ${seg(3)}]) x ORDER BY 1) AS segs
      FROM generate_series(1, ${n}) i
    ) b
    JOIN _dev d ON d.didx = b.dev
    JOIN _dev t ON t.didx = b.tv`;
}

function pairsSql(g: Gen): string {
  const pkey = "(u.uidx::bigint * 64 + c.ckey)";
  return `
    CREATE TEMP TABLE _p ON COMMIT DROP AS
    SELECT * FROM (
      SELECT u.uidx, c.ckey, c.channel, ${pkey} AS pkey,
        amc_sandbox._gen_poisson(${g.u("pn", pkey)}, ${g.u("pn2", pkey)}, c.rate * ${g.T} * u.mult) AS n
      FROM _u u CROSS JOIN _c c
      WHERE (CASE WHEN c.channel = 'DSP' THEN u.dsp_ok
                  ELSE u.sa_ok AND (CASE c.brand WHEN 'A' THEN u.aff_a ELSE u.aff_b END) END)
        AND ${g.u("elig", "u.uidx", "c.ckey")} < c.share * (CASE WHEN c.kind IN ('remarketing', 'sd')
              -- Remarketing reaches brand shoppers who viewed products recently.
              THEN (CASE u.seg WHEN 1 THEN 2.2 WHEN 2 THEN 1.8 ELSE 0.35 END)
                   * (CASE WHEN (CASE c.brand WHEN 'A' THEN u.aff_a ELSE u.aff_b END) THEN 1 ELSE 0 END)
              ELSE 1 END)
    ) p WHERE n > 0`;
}

function budgetsSql(): string {
  // Budgets ≈ planned spend × 1.3 (millicents), from the impressions about to be generated.
  return `
    UPDATE _c SET budget = b.budget
    FROM (SELECT p.ckey, round(sum(p.n) * (SELECT avg(cpm) FROM _li WHERE _li.ckey = p.ckey) * 100 * 1.3)::bigint AS budget
          FROM _p p WHERE p.channel = 'DSP' GROUP BY p.ckey) b
    WHERE b.ckey = _c.ckey`;
}

// ---------------------------------------------------------------------------------------------
// Traffic

function utc(local: string, tz: string): string {
  return `((${local}) AT TIME ZONE ${tz}) AT TIME ZONE 'UTC'`;
}

function impressionsSql(g: Gen): string {
  const k = "k";
  const P = "p.pkey";
  const day = bucket(g.u("day", P, k), g.dayWeights("traffic"));
  const hour = `${bucket(g.u("hour", P, k), HOUR_WEIGHTS)} - 1`;
  const sec = `floor(${g.u("sec", P, k)} * 3600)::int`;
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
    "x.lt", "x.ut", "x.lt::date", "x.ut::date", "extract(hour FROM x.lt)::int", "date_trunc('hour', x.lt)", "extract(day FROM x.lt)::int",
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
        SELECT p.pkey, p.uidx, p.ckey, k, c.kind, c.tz,
          1 + floor(${g.u("li", P, k)} * c.n_li)::int AS li,
          1 + floor(${g.u("cr", P, k)} * 2)::int AS cr,
          ${g.localTs(day, hour, sec)} AS lt,
          (c.kind = 'stv' OR (c.kind = 'olv' AND ${g.u("olvtv", P, k)} < 0.2)) AS tv,
          ${g.u("away", P, k)} < 0.05 AS away,
          ${g.u("env", P, k)} AS u_env,
          ${g.u("sup", P, k)} AS u_sup,
          ${g.u("page", P, k)} AS u_page,
          ${g.u("slot", P, k)} AS u_slot,
          ${g.u("deal", P, k)} AS u_deal,
          ${g.u("cost", P, k)} AS u_cost,
          ${g.u("bid", P, k)} AS u_bid,
          ${g.u("na", P, k)} < 0.04 AS na,
          ${g.u("no3p", P, k)} AS u_3p
        FROM _p p JOIN _c c ON c.ckey = p.ckey CROSS JOIN LATERAL generate_series(1, p.n) k
        WHERE p.channel = 'DSP'
        OFFSET 0
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

function clicksSql(g: Gen): string {
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

function viewsSql(g: Gen): string {
  const values = [
    "i.user_id", "i.user_id_type", "i.request_tag",
    "i.advertiser", "i.advertiser_id", "i.advertiser_timezone", "i.entity_id",
    "i.campaign", "i.campaign_id", "i.campaign_id_string", "i.campaign_start_date", "i.campaign_end_date",
    "i.line_item", "i.line_item_id", "i.line_item_type",
    "i.creative", "i.creative_id", "i.creative_type", "i.creative_category", "i.creative_size", "i.creative_duration",
    "i.operating_system", "i.os_version", "i.browser_family",
    "i.supply_source", "i.site", "i.app_bundle", "i.is_amazon_owned", "i.city_name",
    "i.impression_dt + v.delay", "i.impression_dt_utc + v.delay", "(i.impression_dt + v.delay)::date",
    "(i.impression_dt_utc + v.delay)::date", "extract(hour FROM i.impression_dt + v.delay)::int",
    "date_trunc('hour', i.impression_dt + v.delay)",
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

function saImpressionsSql(g: Gen): string {
  const k = "k";
  const P = "p.pkey";
  const day = bucket(g.u("day", P, k), g.dayWeights("traffic"));
  const hour = `${bucket(g.u("hour", P, k), HOUR_WEIGHTS)} - 1`;
  const sec = `floor(${g.u("sec", P, k)} * 3600)::int`;
  const nA = SANDBOX_SEARCH_TERMS.A.length;
  const nB = SANDBOX_SEARCH_TERMS.B.length;
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
    "x.lt", "x.ut", "x.lt::date", "x.ut::date", "extract(hour FROM x.lt)::int", "date_trunc('hour', x.lt)", "extract(day FROM x.lt)::int",
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
        SELECT p.pkey, p.uidx, p.ckey, k, c.kind, c.tz,
          1 + floor(${g.u("li", P, k)} * c.n_li)::int AS li,
          ${g.localTs(day, hour, sec)} AS lt,
          CASE c.brand WHEN 'A' THEN ${powerRank(g.u("term", P, k), nA, 1.1)} ELSE ${powerRank(g.u("term", P, k), nB, 1.1)} END AS trank,
          ${g.u("asin", P, k)} AS u_asin,
          ${g.u("autotgt", P, k)} AS u_tgt,
          ${g.u("match", P, k)} AS u_match,
          ${g.u("place", P, k)} AS u_place,
          ${g.u("vcost", P, k)} AS u_vcost,
          ${g.u("sav", P, k)} AS u_sav,
          ${g.u("video", P, k)} AS u_video,
          ${g.u("na", P, k)} < 0.04 AS na
        FROM _p p JOIN _c c ON c.ckey = p.ckey CROSS JOIN LATERAL generate_series(1, p.n) k
        WHERE p.channel <> 'DSP'
        OFFSET 0
      ) y
      OFFSET 0
    ) x
    JOIN _c c ON c.ckey = x.ckey
    JOIN _u u ON u.uidx = x.uidx
    JOIN _li li ON li.ckey = x.ckey AND li.li = x.li
    JOIN _cr cr ON cr.ckey = x.ckey AND cr.li = x.li AND cr.cr = 1
    JOIN _term t ON t.brand = c.brand AND t.trank = x.trank`;
}

function saClicksSql(g: Gen): string {
  const zero = new Set([
    "impressions", "viewable_impressions", "unmeasurable_viewable_impressions", "five_sec_views",
    "video_first_quartile_views", "video_midpoint_views", "video_third_quartile_views", "video_complete_views", "video_unmutes",
  ]);
  const values = SPONSORED_ADS_TRAFFIC.map(([n]) => {
    if (zero.has(n)) return "0";
    switch (n) {
      case "clicks":
        return "1";
      case "spend":
        // CPC in microcents, lognormal around the product's median (§4.3), $0.20–$4.
        return `CASE WHEN y.line_item_price_type = 'CPC' THEN round(1e8 * LEAST(4, GREATEST(0.2,
          (CASE y.ad_product_type WHEN 'sponsored_products' THEN 0.9 WHEN 'sponsored_brands' THEN 1.3 ELSE 0.85 END)
          * exp(0.5 * amc_sandbox._gen_norm(${g.ut("cpc", "y.event_id")}, ${g.ut("cpc2", "y.event_id")})))))::bigint ELSE 0 END`;
      case "event_dt":
        return "y.event_dt + y.d";
      case "event_dt_utc":
        return "y.event_dt_utc + y.d";
      case "event_date":
        return "(y.event_dt + y.d)::date";
      case "event_date_utc":
        return "(y.event_dt_utc + y.d)::date";
      case "event_hour":
        return "extract(hour FROM y.event_dt + y.d)::int";
      case "event_dt_hour":
        return "date_trunc('hour', y.event_dt + y.d)";
      case "event_day":
        return "extract(day FROM y.event_dt + y.d)::int";
      case "event_id":
        return "md5('click:' || y.event_id)";
      default:
        return `y.${n}`;
    }
  });
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

// ---------------------------------------------------------------------------------------------
// Conversions

function touchesSql(): string {
  // Every addressable traffic event, flagged whether attribution may credit it: DSP impressions
  // and clicks; sponsored-ads clicks, and views only for SD vCPM and Sponsored TV (§4.3).
  return `
    CREATE TEMP TABLE _t ON COMMIT DROP AS
    SELECT i.user_id, c.brand, c.ckey, c.kind, true AS is_dsp, false AS is_click, true AS creditable,
           i.impression_dt_utc AS ts, i.request_tag AS ref, 'dsp_imp' AS src
    FROM amc_sandbox.dsp_impressions i JOIN _c c ON c.campaign_id = i.campaign_id
    WHERE i.user_id IS NOT NULL
    UNION ALL
    SELECT k.user_id, c.brand, c.ckey, c.kind, true, true, true, k.click_dt_utc, k.request_tag, 'dsp_click'
    FROM amc_sandbox.dsp_clicks k JOIN _c c ON c.campaign_id = k.campaign_id
    WHERE k.user_id IS NOT NULL
    UNION ALL
    SELECT s.user_id, c.brand, c.ckey, c.kind, false, s.clicks = 1,
           s.clicks = 1 OR c.kind IN ('sd_vcpm', 'sponsored_tv'), s.event_dt_utc, s.event_id, 'sa'
    FROM amc_sandbox.sponsored_ads_traffic s JOIN _c c ON c.campaign_id = s.campaign_id
    WHERE s.user_id IS NOT NULL`;
}

function purchasesSql(g: Gen): string {
  const convEnd = addDays(g.r.anchor, 14);
  const day = bucket(g.u("odays", "o.okey", "k"), g.dayWeights("conversion"));
  const hour = `${bucket(g.u("ohour", "o.okey", "k"), HOUR_WEIGHTS)} - 1`;
  const sec = `floor(${g.u("osec", "o.okey", "k")} * 3600)::int`;
  const tzA = SANDBOX_ADVERTISERS.find((a) => a.brand === "A")?.timeZone as string;
  const tzB = SANDBOX_ADVERTISERS.find((a) => a.brand === "B")?.timeZone as string;
  const segFactor = "(CASE u.seg WHEN 1 THEN 2 WHEN 2 THEN 1.5 ELSE 0.6 END)";
  return `
    CREATE TEMP TABLE _pu ON COMMIT DROP AS
    WITH organic AS (
      SELECT 'o:' || o.uidx || ':' || o.brand || ':' || k AS pkey, o.uidx, o.brand, NULL::text AS tref, NULL::integer AS tckey,
        ${utc(g.localTs(day, hour, sec), "o.tz")} AS ts
      FROM (
        SELECT u.uidx, b.brand, b.tz, u.uidx::bigint * 2 + b.bn AS okey,
          -- Base daily purchase hazard by shopper segment (§4.3).
          (CASE u.seg WHEN 1 THEN 0.003 WHEN 2 THEN 0.0008 ELSE 0.0001 END) * ${g.C} AS lambda
        FROM _u u CROSS JOIN (VALUES ('A', '${tzA}', 0), ('B', '${tzB}', 1)) b(brand, tz, bn)
        WHERE CASE b.brand WHEN 'A' THEN u.aff_a ELSE u.aff_b END
      ) o
      CROSS JOIN LATERAL generate_series(1, amc_sandbox._gen_poisson(${g.u("on", "o.okey")}, ${g.u("on", "o.okey", "1")}, o.lambda)) k
    ),
    driven AS (
      -- Purchases an ad caused: most likely after a sponsored-ads click (§4.3 lift ordering).
      SELECT 'a:' || t.ref AS pkey, u.uidx, t.brand, t.ref AS tref, t.ckey AS tckey,
        t.ts + LEAST(INTERVAL '13 days 23 hours',
          -ln(greatest(${g.ut("lag", "t.ref")}, 1e-9)) * (CASE WHEN t.is_click THEN INTERVAL '8 hours' ELSE INTERVAL '2 days' END)) AS ts
      FROM _t t JOIN _u u ON u.user_id = t.user_id
      WHERE t.creditable AND ${g.ut("trig", "t.ref")} < ${segFactor} * CASE
        WHEN t.is_click AND t.kind LIKE 'sp%' THEN 0.10
        WHEN t.is_click AND t.kind LIKE 'sb%' THEN 0.08
        WHEN t.is_click AND NOT t.is_dsp THEN 0.06
        WHEN t.is_click THEN 0.03
        WHEN NOT t.is_dsp THEN 0.0003
        WHEN t.kind IN ('prospecting', 'remarketing') THEN 0.00015
        WHEN t.kind = 'audio' THEN 0.00008
        ELSE 0.0001 END
    ),
    allp AS (SELECT * FROM organic UNION ALL SELECT * FROM driven)
    SELECT z.*, row_number() OVER (PARTITION BY z.uidx, z.brand ORDER BY z.ts, z.pkey) AS nth
    FROM (
      SELECT p.pkey, p.uidx, u.user_id, u.user_id_type, p.brand, p.tref, p.tckey, p.ts,
        CASE WHEN p.tckey IS NOT NULL AND ${g.ut("padsin", "p.pkey")} < 0.7
          THEN c.promoted[1 + floor(${g.ut("asin", "p.pkey")} * cardinality(c.promoted))::int] END AS promoted_asin,
        ${g.ut("phalo", "p.pkey")} AS u_any,
        ${bucket(g.ut("units", "p.pkey"), [82, 13, 4, 1])} AS units,
        ${g.ut("store", "p.pkey")} AS u_store,
        CASE WHEN p.brand = 'A' THEN u.prior_a ELSE u.prior_b END AS prior
      FROM allp p JOIN _u u ON u.uidx = p.uidx LEFT JOIN _c c ON c.ckey = p.tckey
      WHERE p.ts < TIMESTAMP '${convEnd} 00:00:00'
      OFFSET 0
    ) z`;
}

function eventsSql(g: Gen): string {
  const first = `TIMESTAMP '${g.start} 00:00:00'`;
  const end = `TIMESTAMP '${addDays(g.r.anchor, 14)} 00:00:00'`;
  const nA = SANDBOX_ASINS.filter((a) => a.brand === "A").length;
  const nB = SANDBOX_ASINS.filter((a) => a.brand === "B").length;
  const anyAsin = (u: string) =>
    `(SELECT a.asin FROM _asin a WHERE a.brand = p.brand AND a.aidx = 1 + floor(${u} * CASE p.brand WHEN 'A' THEN ${nA} ELSE ${nB} END)::int)`;
  return `
    CREATE TEMP TABLE _e ON COMMIT DROP AS
    WITH base AS (
      SELECT p.*, COALESCE(p.promoted_asin, ${anyAsin("p.u_any")}) AS asin FROM _pu p
    ),
    ev AS (
      SELECT p.pkey, p.uidx, p.user_id, p.user_id_type, p.brand, 'order' AS subtype, 0 AS j, p.ts, p.asin,
        p.units, p.u_store, p.prior, p.nth
      FROM base p
      UNION ALL
      SELECT p.pkey, p.uidx, p.user_id, p.user_id_type, p.brand, 'detailPageView', j,
        p.ts - ${g.ut("dpvlag", "p.pkey || ':' || j")} * INTERVAL '3 days' - INTERVAL '1 minute', p.asin, NULL, NULL, NULL, NULL
      FROM base p CROSS JOIN LATERAL generate_series(1, 1 + floor(${g.ut("ndpv", "p.pkey")} * 4)::int) j
      UNION ALL
      SELECT p.pkey, p.uidx, p.user_id, p.user_id_type, p.brand, 'shoppingCart', 0,
        p.ts - ${g.ut("atclag", "p.pkey")} * INTERVAL '1 day' - INTERVAL '1 minute', p.asin, NULL, NULL, NULL, NULL
      FROM base p WHERE ${g.ut("atc", "p.pkey")} < 0.7
      UNION ALL
      -- Browsing that did not end in this purchase: spread over the four weeks around it.
      SELECT p.pkey, p.uidx, p.user_id, p.user_id_type, p.brand, x.subtype, 100 + j,
        p.ts + (${g.ut("xlag", "p.pkey || ':' || x.subtype || ':' || j")} * 28 - 14) * INTERVAL '1 day',
        ${anyAsin(g.ut("xasin", "p.pkey || ':' || x.subtype || ':' || j"))}, NULL, NULL, NULL, NULL
      FROM base p
      CROSS JOIN (VALUES ('detailPageView', 7.0), ('shoppingCart', 1.5), ('searchConversion', 1.2), ('wishList', 0.4)) x(subtype, mean)
      CROSS JOIN LATERAL generate_series(1, amc_sandbox._gen_poisson(${g.ut("xn", "p.pkey || ':' || x.subtype")},
        ${g.ut("xn2", "p.pkey || ':' || x.subtype")}, x.mean)) j
    )
    SELECT ${g.md5("cv", "ev.pkey", "ev.subtype", "ev.j")} AS cid, ev.*,
      CASE WHEN ev.subtype = 'order' THEN 'purchase' ELSE 'website' END AS category,
      CASE WHEN ev.subtype = 'order' THEN 'conversion' ELSE 'consideration' END AS type_class,
      CASE ev.subtype WHEN 'order' THEN 'Product purchased' WHEN 'detailPageView' THEN 'Product detail page viewed'
        WHEN 'shoppingCart' THEN 'Add to Shopping Cart' WHEN 'searchConversion' THEN 'Branded search'
        ELSE 'Add to Wish List' END AS description,
      CASE WHEN ev.subtype = 'searchConversion'
        THEN (CASE ev.brand WHEN 'A' THEN 'copperleaf kitchen' ELSE 'trailpeak' END)
        ELSE ev.asin END AS tracked_item,
      CASE WHEN ev.subtype <> 'order' THEN 'AMAZON.COM'
        WHEN ev.brand = 'A' AND ev.u_store < 0.025 THEN 'WHOLE_FOODS_MARKET_US'
        WHEN ev.brand = 'A' AND ev.u_store < 0.04 THEN 'AMAZON_FRESH_STORES_US'
        ELSE 'AMAZON.COM' END AS marketplace_name,
      CASE WHEN ev.subtype <> 'order' THEN NULL
        WHEN ev.brand = 'A' AND ev.u_store < 0.025 THEN 'Whole Foods Market'
        WHEN ev.brand = 'A' AND ev.u_store < 0.04 THEN 'Amazon Fresh'
        ELSE 'Amazon.com' END AS retail_program,
      CASE WHEN ev.subtype = 'order' THEN a.price END AS price,
      CASE WHEN ev.subtype = 'order' THEN a.price * ev.units END AS sales,
      CASE WHEN ev.subtype = 'order' THEN ev.nth = 1 AND NOT ev.prior END AS ntb
    FROM ev JOIN _asin a ON a.asin = ev.asin
    WHERE ev.ts >= ${first} AND ev.ts < ${end}`;
}

function creditsSql(): string {
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

function attributedSql(): string {
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

function conversionColumns(): string[] {
  return [
    "e.cid", "e.user_id", "e.user_id_type", "e.category", "e.subtype", "'CONVERSION'", "e.type_class", "e.description",
    "e.ts", "e.ts::date", "extract(hour FROM e.ts)::int", "date_trunc('hour', e.ts)", "extract(day FROM e.ts)::int",
    "e.marketplace_name", "CASE WHEN e.subtype = 'order' THEN e.asin END", "e.tracked_item", "e.ntb",
    "CASE WHEN e.subtype = 'order' THEN 'USD' END", "e.retail_program", "e.price", "COALESCE(e.sales, 0)",
    "COALESCE(e.units, 0)", "1", "0", "0", "COALESCE(e.sales, 0)", "NULL", "NULL",
  ];
}

const EXPOSED_28D = `EXISTS (SELECT 1 FROM _t t WHERE t.user_id = e.user_id AND t.brand = e.brand
  AND t.ts < e.ts AND t.ts >= e.ts - INTERVAL '28 days')`;

function conversionsSql(): string {
  return `
    INSERT INTO amc_sandbox.conversions (${cols(CONVERSIONS)})
    SELECT ${conversionColumns().join(", ")} FROM _e e WHERE ${EXPOSED_28D}`;
}

function relevanceSql(): string {
  return `
    INSERT INTO amc_sandbox.conversions_with_relevance (${cols(CONVERSIONS_WITH_RELEVANCE)})
    SELECT ${conversionColumns().join(", ")},
      c.advertiser, CASE WHEN c.channel = 'DSP' THEN c.advertiser_id END, c.campaign, c.campaign_id, c.campaign_id_string,
      c.start_day::timestamp, c.end_day::timestamp + INTERVAL '23:59:59',
      (e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz, ((e.ts AT TIME ZONE 'UTC') AT TIME ZONE c.tz)::date,
      CASE WHEN e.asin = ANY(c.promoted) THEN 'PROMOTED' ELSE 'BRAND_HALO' END,
      CASE WHEN e.asin = ANY(c.promoted) THEN 'TRACKED_ASIN' WHEN e.subtype = 'searchConversion' THEN 'BRAND_KEYWORD'
           ELSE 'BRAND_CATEGORY' END
    FROM _e e
    JOIN LATERAL (
      SELECT DISTINCT t.ckey FROM _t t
      WHERE t.user_id = e.user_id AND t.brand = e.brand AND t.ts < e.ts AND t.ts >= e.ts - INTERVAL '28 days'
    ) r ON true
    JOIN _c c ON c.ckey = r.ckey`;
}

function conversionsAllSql(): string {
  return `
    INSERT INTO amc_sandbox.conversions_all (${cols(CONVERSIONS_ALL)})
    SELECT ${conversionColumns().join(", ")},
      CASE WHEN ${EXPOSED_28D} THEN 'ad-exposed' ELSE 'non-ad-exposed' END,
      'amazon_retail', 'ATVPDKIKX0DER', 'fsi-subscription-sandbox'
    FROM _e e`;
}
