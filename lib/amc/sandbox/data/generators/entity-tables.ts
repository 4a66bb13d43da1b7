import { sql } from "drizzle-orm";
import type { Database } from "../../../../../db/client";
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
  type SandboxCreative,
  type SandboxLineItem,
  type SandboxPostalCode,
} from "../../entities";
import { CAMPAIGN_PARAMS, PRIMARY_DEVICES, SUPPLY, TV_DEVICES } from "../behaviour";
import type { Gen } from "../gen";
import { addDays } from "../sql";
import { type Col, columnDefs } from "../tables";

/** Loads rows into a temp table dropped at commit, through one JSON parameter. */
async function loadTable(tx: Database, name: string, columns: Col[], rows: object[]): Promise<void> {
  await tx.execute(sql.raw(`CREATE TEMP TABLE ${name} (${columnDefs(columns)}) ON COMMIT DROP`));
  await tx.execute(sql`INSERT INTO ${sql.raw(name)} SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
    AS x(${sql.raw(columnDefs(columns))})`);
  await tx.execute(sql.raw(`ANALYZE ${name}`));
}

/** A temp-table column copied from a field of the entity: [column, SQL type, entity field]. */
type FieldColumn<R> = readonly [name: string, type: string, field: keyof R];

/** loadTable for entities whose columns are their fields renamed. */
function loadFields<R>(tx: Database, name: string, columns: readonly FieldColumn<R>[], rows: readonly R[]): Promise<void> {
  return loadTable(
    tx,
    name,
    columns.map(([n, t]) => [n, t]),
    rows.map((r) => Object.fromEntries(columns.map(([n, , field]) => [n, r[field]]))),
  );
}

const LINE_ITEM_COLUMNS: FieldColumn<SandboxLineItem>[] = [
  ["ckey", "integer", "campaignKey"], ["li", "integer", "index"], ["line_item", "text", "lineItem"],
  ["line_item_id", "bigint", "lineItemId"], ["line_item_type", "text", "lineItemType"], ["price_type", "text", "priceType"],
  ["cpm", "double precision", "cpm"], ["segs", "bigint[]", "segmentIds"], ["ad_group_type", "text", "adGroupType"],
];

const CREATIVE_COLUMNS: FieldColumn<SandboxCreative>[] = [
  ["ckey", "integer", "campaignKey"], ["li", "integer", "lineItemIndex"], ["cr", "integer", "index"],
  ["creative", "text", "creative"], ["creative_id", "bigint", "creativeId"], ["creative_type", "text", "creativeType"],
  ["creative_category", "text", "creativeCategory"], ["creative_size", "text", "creativeSize"],
  ["creative_duration", "bigint", "creativeDuration"],
];

const POSTAL_CODE_COLUMNS: FieldColumn<SandboxPostalCode>[] = [
  ["grank", "integer", "rank"], ["postal_code", "text", "postalCode"], ["state", "text", "state"],
  ["dma_code", "text", "dmaCode"], ["city", "text", "city"],
];

/** The sandbox entities (../../entities) and the reference data, as the temp tables the statements join. */
export async function loadEntities(tx: Database, g: Gen): Promise<void> {
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
  await loadFields(tx, "_li", LINE_ITEM_COLUMNS, SANDBOX_LINE_ITEMS);
  await loadFields(tx, "_cr", CREATIVE_COLUMNS, SANDBOX_CREATIVES);
  const perBrand = { A: 0, B: 0 };
  await loadTable(
    tx,
    "_asin",
    [["brand", "text"], ["aidx", "integer"], ["asin", "text"], ["price", "numeric(38,4)"]],
    SANDBOX_ASINS.map((a) => ({ brand: a.brand, aidx: ++perBrand[a.brand], asin: a.asin, price: a.price })),
  );
  await loadFields(tx, "_geo", POSTAL_CODE_COLUMNS, SANDBOX_POSTAL_CODES);
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

