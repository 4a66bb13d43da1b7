import { SANDBOX_ADVERTISERS, SANDBOX_ASINS } from "../../entities";
import type { Gen } from "../gen";
import { addDays, bucket, utc } from "../sql";

/** _t: every traffic event a conversion may be attributed to (touches). */
export function touchesSql(): string {
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

/** _pu: purchases, organic (per user × brand hazard) and ad-driven (per touch). */
export function purchasesSql(g: Gen): string {
  const convEnd = addDays(g.r.anchor, 14);
  const tzA = SANDBOX_ADVERTISERS.find((a) => a.brand === "A")?.timeZone as string;
  const tzB = SANDBOX_ADVERTISERS.find((a) => a.brand === "B")?.timeZone as string;
  const segFactor = "(CASE u.seg WHEN 1 THEN 2 WHEN 2 THEN 1.5 ELSE 0.6 END)";
  return `
    CREATE TEMP TABLE _pu ON COMMIT DROP AS
    WITH organic AS (
      SELECT 'o:' || o.uidx || ':' || o.brand || ':' || k AS pkey, o.uidx, o.brand, NULL::text AS tref, NULL::integer AS tckey,
        ${utc(g.drawnLocalTs("conversion", ["odays", "ohour", "osec"], "o.okey", "k"), "o.tz")} AS ts
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

/** _e: each purchase with the detail-page views, add-to-carts and other shopping events around it. */
export function eventsSql(g: Gen): string {
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
