/**
 * The fixed cast of the sandbox (amc-data-model.md §4.2): advertisers, campaigns, line items,
 * ad groups, creatives, ASINs, keywords, geography. None of it depends on the data seed, so the
 * ids below are the same in every sandbox and the demo and tests can name them. The secondary
 * entities (line items, ASINs, terms) come from a fixed-seed PRNG for the same reason.
 */

import { mulberry32 } from "../../random";

export type SandboxBrand = "A" | "B";
export type SandboxChannel = "DSP" | "SP" | "SB" | "SD" | "STV";
export type SandboxCampaignKind =
  | "stv"
  | "olv"
  | "prospecting"
  | "remarketing"
  | "audio"
  | "sp_auto"
  | "sp_manual"
  | "sb"
  | "sb_video"
  | "sd"
  | "sd_vcpm"
  | "sponsored_tv";

export interface SandboxAdvertiser {
  brand: SandboxBrand;
  advertiser: string;
  /** DSP advertiser id (LONG), as a decimal string. */
  advertiserId: string;
  timeZone: string;
  entityId: string;
}

export const SANDBOX_ADVERTISERS: readonly SandboxAdvertiser[] = [
  {
    brand: "A",
    advertiser: "Copperleaf Kitchen",
    advertiserId: "5843719260417",
    timeZone: "America/New_York",
    entityId: "ENTITY2Q8J4MV7XK3P",
  },
  {
    brand: "B",
    advertiser: "Trailpeak Sports",
    advertiserId: "7261940385126",
    timeZone: "America/Los_Angeles",
    entityId: "ENTITY1H6T9RZ2WD5N",
  },
];

export interface SandboxCampaign {
  /** Stable small number, 1–38. */
  key: number;
  channel: SandboxChannel;
  /** sponsored_ads_traffic.ad_product_type; null for DSP. */
  adProductType: string | null;
  brand: SandboxBrand;
  kind: SandboxCampaignKind;
  campaign: string;
  /** LONG as a decimal string (beyond JavaScript's safe integers). */
  campaignId: string;
  /** The cross-table key (§1.10). Equal to campaignId for DSP, console-style for sponsored ads. */
  campaignIdString: string;
  goal: string | null;
}

type CampaignRow = [SandboxChannel, SandboxBrand, SandboxCampaignKind, string, string, string | null, string | null];

// channel, brand, kind, name, campaign_id, campaign_id_string (SA only), goal (DSP only)
const CAMPAIGN_ROWS: CampaignRow[] = [
  ["DSP", "A", "stv", "CK | STV | Q1 Awareness", "63161832163168836", null, "REACH"],
  ["DSP", "A", "olv", "CK | OLV | Q1 Video", "30073474614931521", null, "REACH"],
  ["DSP", "A", "prospecting", "CK | Display | Prospecting", "38660912809240270", null, "DPVR"],
  ["DSP", "A", "remarketing", "CK | Display | Remarketing", "14895930759026253", null, "ROAS"],
  ["DSP", "A", "audio", "CK | Audio | Q1", "14271822365532810", null, "REACH"],
  ["DSP", "B", "stv", "TP | STV | Spring Launch", "82320337361574325", null, "REACH"],
  ["DSP", "B", "prospecting", "TP | Display | Prospecting", "14974066887103917", null, "CTR"],
  ["DSP", "B", "remarketing", "TP | Display | Remarketing", "46487429146769867", null, "ROAS"],
  ["SP", "A", "sp_auto", "CK SP Auto - Cookware", "6778653497938064", "19006308042024", null],
  ["SP", "A", "sp_auto", "CK SP Auto - Knives", "3635526294846523", "21063018318205", null],
  ["SP", "A", "sp_auto", "CK SP Auto - Bakeware", "3574755300583457", "48327638678059", null],
  ["SP", "A", "sp_auto", "CK SP Auto - Utensils", "5435204022678439", "89833628869536", null],
  ["SP", "A", "sp_auto", "CK SP Auto - Catch All", "1682722375389520", "48130739348178", null],
  ["SP", "A", "sp_manual", "CK SP Brand Exact", "3554272265570816", "33689179952877", null],
  ["SP", "A", "sp_manual", "CK SP Cookware Broad", "6200377557716842", "42760928604055", null],
  ["SP", "A", "sp_manual", "CK SP Cookware Phrase", "2187469215585875", "23869044264198", null],
  ["SP", "A", "sp_manual", "CK SP Knives Exact", "2747892494292498", "45912879718233", null],
  ["SP", "A", "sp_manual", "CK SP Bakeware Broad", "8943965943131425", "51641489151993", null],
  ["SP", "A", "sp_manual", "CK SP Competitor Conquest", "4901073153377092", "53150727562834", null],
  ["SP", "A", "sp_manual", "CK SP Gifts", "7374342352644862", "41699125330587", null],
  ["SP", "A", "sp_manual", "CK SP Product Targeting", "4964337012483202", "22614779372212", null],
  ["SP", "B", "sp_auto", "TP SP Auto - Hiking", "6795932490106560", "61723127391497", null],
  ["SP", "B", "sp_auto", "TP SP Auto - Running", "6074873834615352", "56224202688997", null],
  ["SP", "B", "sp_auto", "TP SP Auto - Catch All", "1468193304790893", "35763079254536", null],
  ["SP", "B", "sp_manual", "TP SP Brand Exact", "8499395880491641", "52913776775164", null],
  ["SP", "B", "sp_manual", "TP SP Hiking Broad", "1901233522386649", "85476793963880", null],
  ["SP", "B", "sp_manual", "TP SP Running Phrase", "8959955696637211", "75742253476967", null],
  ["SP", "B", "sp_manual", "TP SP Competitor Conquest", "1564329085577175", "36473342898406", null],
  ["SB", "A", "sb", "CK SB Brand Headline", "8964335428173339", "27419312080771", null],
  ["SB", "A", "sb_video", "CK SB Video - Cookware", "5140480995350837", "11997781605051", null],
  ["SB", "A", "sb", "CK SB Store Spotlight", "3014522860408465", "84916187452066", null],
  ["SB", "B", "sb", "TP SB Brand Headline", "3946723409747758", "82991358114381", null],
  ["SB", "B", "sb_video", "TP SB Video - Trail", "8134020389160733", "74079067217242", null],
  ["SD", "A", "sd", "CK SD Views Remarketing", "6940183019867238", "20429006083061", null],
  ["SD", "A", "sd_vcpm", "CK SD Audiences vCPM", "6673800445603570", "84758787213780", null],
  ["SD", "B", "sd", "TP SD Views Remarketing", "1632859433260633", "77380211760182", null],
  ["SD", "B", "sd", "TP SD Product Targeting", "5828701731963101", "35782639329886", null],
  ["STV", "A", "sponsored_tv", "CK Sponsored TV - Launch", "6887814801827860", "42552762300185", null],
];

const AD_PRODUCT: Record<SandboxChannel, string | null> = {
  DSP: null,
  SP: "sponsored_products",
  SB: "sponsored_brands",
  SD: "sponsored_display",
  STV: "sponsored_television",
};

/** Every sandbox campaign, DSP first. Use `campaignIdString` in `{{campaign_list}}`. */
export const SANDBOX_CAMPAIGNS: readonly SandboxCampaign[] = CAMPAIGN_ROWS.map(
  ([channel, brand, kind, campaign, campaignId, idString, goal], i) => ({
    key: i + 1,
    channel,
    adProductType: AD_PRODUCT[channel],
    brand,
    kind,
    campaign,
    campaignId,
    campaignIdString: idString ?? campaignId,
    goal,
  }),
);

// ---------------------------------------------------------------------------------------------
// Fixed-seed PRNG for the secondary entities (never the data seed: ids must not move with it).

const rand = mulberry32(0x5a4db0c5);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const digits = (n: number): string => {
  let s = String(1 + Math.floor(rand() * 9));
  while (s.length < n) s += String(Math.floor(rand() * 10));
  return s;
};

// ---------------------------------------------------------------------------------------------
// ASINs

export interface SandboxAsin {
  asin: string;
  brand: SandboxBrand;
  title: string;
  /** Unit price in USD. */
  price: number;
}

const ASIN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const KITCHEN_ITEMS = ["Skillet", "Chef Knife", "Dutch Oven", "Saucepan", "Baking Sheet", "Mixing Bowls", "Cutting Board", "Spatula Set", "Stock Pot", "Knife Block", "Loaf Pan", "Grill Pan", "Wok", "Measuring Cups", "Whisk"];
const SPORTS_ITEMS = ["Trail Shoes", "Hiking Poles", "Daypack", "Running Vest", "Water Bottle", "Headlamp", "Rain Shell", "Trail Socks", "Gaiters", "Hydration Bladder"];

function lognormalPrice(): number {
  // Median $24, sigma 0.6, clipped to $5–$150 (§4.2).
  const u1 = Math.max(rand(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
  return Math.round(Math.min(150, Math.max(5, 24 * Math.exp(0.6 * z))) * 100) / 100 - 0.01;
}

function makeAsins(): SandboxAsin[] {
  const out: SandboxAsin[] = [];
  const seen = new Set<string>();
  for (const [brand, count, items] of [
    ["A", 40, KITCHEN_ITEMS],
    ["B", 20, SPORTS_ITEMS],
  ] as const) {
    for (let i = 0; i < count; i++) {
      let asin = "";
      do {
        asin = "B0";
        for (let k = 0; k < 8; k++) asin += ASIN_ALPHABET[Math.floor(rand() * ASIN_ALPHABET.length)];
      } while (seen.has(asin));
      seen.add(asin);
      const item = items[i % items.length] as string;
      const variant = Math.floor(i / items.length) + 1;
      out.push({ asin, brand, title: `${item} ${variant === 1 ? "" : `v${variant}`}`.trim(), price: lognormalPrice() });
    }
  }
  return out;
}

export const SANDBOX_ASINS: readonly SandboxAsin[] = makeAsins();

/** ASINs each campaign promotes (3–10 of its brand); the brand's others are halo. */
export const SANDBOX_PROMOTED_ASINS: ReadonlyMap<number, readonly string[]> = new Map(
  SANDBOX_CAMPAIGNS.map((c) => {
    const own = SANDBOX_ASINS.filter((a) => a.brand === c.brand).map((a) => a.asin);
    const n = 3 + Math.floor(rand() * 8);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(n, own.length)) chosen.add(pick(own));
    return [c.key, [...chosen]];
  }),
);

// ---------------------------------------------------------------------------------------------
// Line items (DSP) and ad groups (sponsored ads), creatives

export interface SandboxLineItem {
  campaignKey: number;
  /** 1-based within the campaign. */
  index: number;
  lineItem: string;
  lineItemId: string;
  lineItemType: string;
  priceType: string;
  /** DSP all-in CPM in USD (display 4–9, online video 15–25, STV 28–40, audio 10–15). */
  cpm: number;
  /** Behavior segments the line item targets (empty: contextual / untargeted). */
  segmentIds: number[];
  adGroupType: string | null;
}

export interface SandboxCreative {
  campaignKey: number;
  lineItemIndex: number;
  index: number;
  creative: string;
  creativeId: string;
  creativeType: string;
  creativeCategory: string | null;
  creativeSize: string | null;
  creativeDuration: number | null;
}

const DSP_LINE_ITEMS: Record<string, { type: string; names: string[]; cpm: [number, number] }> = {
  stv: { type: "AAP_VIDEO_CPM", names: ["STV | Prime Video", "STV | Fire TV", "STV | Freevee"], cpm: [28, 40] },
  olv: { type: "AAP_VIDEO_CPM", names: ["OLV | Twitch", "OLV | Open Exchange", "OLV | IMDb"], cpm: [15, 25] },
  prospecting: { type: "AAP_DISPLAY", names: ["Display | In-Market", "Display | Lifestyle", "Display | Contextual"], cpm: [4, 9] },
  remarketing: { type: "AAP", names: ["Display | DPV Retargeting", "Display | Cart Abandoners", "Display | Past Purchasers"], cpm: [5, 9] },
  audio: { type: "AAP_AUDIO", names: ["Audio | Amazon Music", "Audio | Alexa", "Audio | Podcasts"], cpm: [10, 15] },
};

function makeLineItems(): { lineItems: SandboxLineItem[]; creatives: SandboxCreative[] } {
  const lineItems: SandboxLineItem[] = [];
  const creatives: SandboxCreative[] = [];
  for (const c of SANDBOX_CAMPAIGNS) {
    if (c.channel === "DSP") {
      const spec = DSP_LINE_ITEMS[c.kind] as (typeof DSP_LINE_ITEMS)[string];
      spec.names.forEach((name, i) => {
        const segmentIds =
          c.kind === "prospecting" || c.kind === "remarketing"
            ? [...new Set([pick(SEGMENT_IDS), pick(SEGMENT_IDS)])]
            : [];
        lineItems.push({
          campaignKey: c.key,
          index: i + 1,
          lineItem: `${c.campaign.split(" | ")[0]} | ${name}`,
          lineItemId: digits(17),
          lineItemType: spec.type,
          priceType: "CPM",
          cpm: Math.round((spec.cpm[0] + rand() * (spec.cpm[1] - spec.cpm[0])) * 100) / 100,
          segmentIds,
          adGroupType: null,
        });
        for (let k = 1; k <= 2; k++) {
          const video = c.kind === "stv" || c.kind === "olv";
          const audio = c.kind === "audio";
          const size = video ? "1920x1080" : audio ? null : pick(["300x250", "728x90", "160x600", "320x50", "300x600"]);
          creatives.push({
            campaignKey: c.key,
            lineItemIndex: i + 1,
            index: k,
            creative: `${name.split(" | ")[1] ?? name} ${video ? (k === 1 ? "15s" : "30s") : audio ? `Spot ${k}` : size}`,
            creativeId: digits(17),
            creativeType: c.kind === "stv" ? "Streaming TV Video" : video ? "Video" : audio ? "Audio" : k === 1 ? "Standard Display" : "Responsive eCommerce",
            creativeCategory: video ? "Video" : audio ? null : "Display",
            creativeSize: size,
            creativeDuration: video ? (k === 1 ? 15 : 30) : audio ? 30 : null,
          });
        }
      });
    } else {
      const groups = c.channel === "SP" ? 2 + Math.floor(rand() * 3) : c.channel === "SB" ? 2 : 1 + Math.floor(rand() * 2);
      for (let i = 1; i <= groups; i++) {
        lineItems.push({
          campaignKey: c.key,
          index: i,
          lineItem: `${c.campaign} - Ad Group ${i}`,
          lineItemId: digits(15),
          lineItemType: c.channel === "SP" ? "SPONSORED_PRODUCTS" : c.channel === "SB" ? "SPONSORED_BRANDS" : c.channel === "SD" ? "SPONSORED_DISPLAY" : "SPONSORED_TELEVISION",
          priceType: c.kind === "sd_vcpm" || c.kind === "sponsored_tv" ? "CPM" : "CPC",
          cpm: c.kind === "sponsored_tv" ? 25 : c.kind === "sd_vcpm" ? 5 : 0,
          segmentIds: [],
          adGroupType: c.kind === "sp_auto" ? "AUTO" : c.channel === "SP" ? "MANUAL" : null,
        });
        const video = c.kind === "sb_video" || c.kind === "sponsored_tv";
        creatives.push({
          campaignKey: c.key,
          lineItemIndex: i,
          index: 1,
          creative: `${c.campaign} - Creative ${i}`,
          creativeId: digits(15),
          creativeType: video ? "video" : c.channel === "SD" && i === 2 ? "third_party_creative" : "static_image",
          creativeCategory: null,
          creativeSize: null,
          creativeDuration: video ? 30 : null,
        });
      }
    }
  }
  return { lineItems, creatives };
}

/** Amazon behavior segments the DSP line items target (ids and names are invented). */
export const SANDBOX_SEGMENTS: readonly { id: number; name: string }[] = [
  "In-market: Cookware",
  "In-market: Kitchen Knives",
  "In-market: Bakeware",
  "Lifestyle: Home Cooks",
  "Lifestyle: Foodies",
  "In-market: Hiking Gear",
  "In-market: Running Shoes",
  "Lifestyle: Outdoor Enthusiasts",
  "Lifestyle: Fitness",
  "Life event: New Home",
  "In-market: Small Appliances",
  "Lifestyle: Parents",
].map((name, i) => ({ id: 410001 + i * 7, name }));

const SEGMENT_IDS = SANDBOX_SEGMENTS.map((s) => s.id);

const made = makeLineItems();
export const SANDBOX_LINE_ITEMS: readonly SandboxLineItem[] = made.lineItems;
export const SANDBOX_CREATIVES: readonly SandboxCreative[] = made.creatives;

export const SANDBOX_PORTFOLIOS: readonly { brand: SandboxBrand; id: string; name: string }[] = [
  { brand: "A", id: digits(14), name: "Copperleaf - Always On" },
  { brand: "A", id: digits(14), name: "Copperleaf - Seasonal" },
  { brand: "B", id: digits(14), name: "Trailpeak - Always On" },
];

// ---------------------------------------------------------------------------------------------
// Keywords and search terms

const KITCHEN_WORDS = ["nonstick", "cast iron", "stainless", "ceramic", "copper", "chef", "induction", "oven safe", "professional", "small", "large", "set", "10 inch", "12 inch", "dishwasher safe", "gift", "best", "cheap", "premium", "carbon steel"];
const KITCHEN_NOUNS = ["skillet", "frying pan", "chef knife", "knife set", "dutch oven", "saucepan", "baking sheet", "cookie sheet", "mixing bowl", "cutting board", "spatula", "stock pot", "wok", "loaf pan", "grill pan", "cookware set", "measuring cups", "whisk"];
const SPORTS_WORDS = ["waterproof", "lightweight", "mens", "womens", "trail", "ultralight", "breathable", "collapsible", "insulated", "cheap", "best", "running", "hiking", "camping"];
const SPORTS_NOUNS = ["trail running shoes", "hiking poles", "daypack", "hydration vest", "water bottle", "headlamp", "rain jacket", "wool socks", "gaiters", "hydration bladder", "backpack"];

function makeTerms(words: string[], nouns: string[], brandWords: string[], count: number): string[] {
  const out = new Set<string>();
  for (const b of brandWords) for (const n of nouns.slice(0, 4)) out.add(`${b} ${n}`);
  let guard = 0;
  while (out.size < count && guard++ < count * 50) {
    const r = rand();
    const term =
      r < 0.4
        ? `${pick(words)} ${pick(nouns)}`
        : r < 0.75
          ? `${pick(words)} ${pick(words)} ${pick(nouns)}`
          : r < 0.9
            ? `${pick(nouns)} ${pick(words)}`
            : `${pick(nouns)} for ${pick(["beginners", "gift", "home", "kids", "women", "men", "travel"])}`;
    out.add(term);
  }
  return [...out];
}

/** Customer search terms per brand, most popular first (drawn Zipf s≈1.1). */
export const SANDBOX_SEARCH_TERMS: Readonly<Record<SandboxBrand, readonly string[]>> = {
  A: makeTerms(KITCHEN_WORDS, KITCHEN_NOUNS, ["copperleaf", "copperleaf kitchen"], 1300),
  B: makeTerms(SPORTS_WORDS, SPORTS_NOUNS, ["trailpeak", "trail peak"], 700),
};

/** Keywords targeted by the manual campaigns, per brand. */
export const SANDBOX_KEYWORDS: Readonly<Record<SandboxBrand, readonly string[]>> = {
  A: SANDBOX_SEARCH_TERMS.A.slice(0, 200),
  B: SANDBOX_SEARCH_TERMS.B.slice(0, 100),
};

// ---------------------------------------------------------------------------------------------
// Geography: states by population, DMAs, 2,500 postal codes.

/** [state, weight %, DMAs as [code, city, weight]] */
const GEO: [string, number, [string, string, number][]][] = [
  ["US-CA", 12, [["US-DMA803", "Los Angeles", 45], ["US-DMA807", "San Francisco", 25], ["US-DMA825", "San Diego", 10], ["US-DMA862", "Sacramento", 12], ["US-DMA866", "Fresno", 8]]],
  ["US-TX", 9, [["US-DMA623", "Dallas", 33], ["US-DMA618", "Houston", 32], ["US-DMA641", "San Antonio", 15], ["US-DMA635", "Austin", 14], ["US-DMA765", "El Paso", 6]]],
  ["US-FL", 7, [["US-DMA528", "Miami", 30], ["US-DMA539", "Tampa", 25], ["US-DMA534", "Orlando", 25], ["US-DMA561", "Jacksonville", 12], ["US-DMA530", "Tallahassee", 8]]],
  ["US-NY", 6, [["US-DMA501", "New York", 75], ["US-DMA514", "Buffalo", 10], ["US-DMA538", "Rochester", 8], ["US-DMA532", "Albany", 7]]],
  ["US-PA", 4, [["US-DMA504", "Philadelphia", 55], ["US-DMA508", "Pittsburgh", 30], ["US-DMA566", "Harrisburg", 15]]],
  ["US-IL", 4, [["US-DMA602", "Chicago", 85], ["US-DMA648", "Champaign", 8], ["US-DMA675", "Peoria", 7]]],
  ["US-OH", 3.5, [["US-DMA510", "Cleveland", 35], ["US-DMA535", "Columbus", 33], ["US-DMA515", "Cincinnati", 32]]],
  ["US-GA", 3.2, [["US-DMA524", "Atlanta", 85], ["US-DMA507", "Savannah", 15]]],
  ["US-NC", 3.2, [["US-DMA517", "Charlotte", 45], ["US-DMA560", "Raleigh", 40], ["US-DMA518", "Greensboro", 15]]],
  ["US-MI", 3, [["US-DMA505", "Detroit", 65], ["US-DMA563", "Grand Rapids", 35]]],
  ["US-NJ", 2.8, [["US-DMA501", "New York", 70], ["US-DMA504", "Philadelphia", 30]]],
  ["US-VA", 2.6, [["US-DMA511", "Washington", 50], ["US-DMA544", "Norfolk", 25], ["US-DMA556", "Richmond", 25]]],
  ["US-WA", 2.3, [["US-DMA819", "Seattle", 80], ["US-DMA881", "Spokane", 20]]],
  ["US-AZ", 2.2, [["US-DMA753", "Phoenix", 75], ["US-DMA789", "Tucson", 25]]],
  ["US-MA", 2.1, [["US-DMA506", "Boston", 100]]],
  ["US-TN", 2.1, [["US-DMA659", "Nashville", 50], ["US-DMA640", "Memphis", 30], ["US-DMA557", "Knoxville", 20]]],
  ["US-IN", 2, [["US-DMA527", "Indianapolis", 100]]],
  ["US-MD", 1.8, [["US-DMA512", "Baltimore", 60], ["US-DMA511", "Washington", 40]]],
  ["US-MO", 1.8, [["US-DMA609", "St. Louis", 55], ["US-DMA616", "Kansas City", 45]]],
  ["US-WI", 1.8, [["US-DMA617", "Milwaukee", 70], ["US-DMA669", "Madison", 30]]],
  ["US-CO", 1.8, [["US-DMA751", "Denver", 100]]],
  ["US-MN", 1.7, [["US-DMA613", "Minneapolis", 100]]],
  ["US-SC", 1.6, [["US-DMA567", "Greenville", 50], ["US-DMA519", "Charleston", 50]]],
  ["US-AL", 1.5, [["US-DMA630", "Birmingham", 100]]],
  ["US-LA", 1.4, [["US-DMA622", "New Orleans", 100]]],
  ["US-KY", 1.4, [["US-DMA529", "Louisville", 100]]],
  ["US-OR", 1.3, [["US-DMA820", "Portland", 100]]],
  ["US-OK", 1.2, [["US-DMA650", "Oklahoma City", 100]]],
  ["US-CT", 1.1, [["US-DMA533", "Hartford", 100]]],
  ["US-UT", 1, [["US-DMA770", "Salt Lake City", 100]]],
  ["US-NV", 1, [["US-DMA839", "Las Vegas", 100]]],
  ["US-IA", 0.9, [["US-DMA679", "Des Moines", 100]]],
];

export interface SandboxPostalCode {
  /** Popularity rank, 1 = most users. */
  rank: number;
  postalCode: string;
  state: string;
  dmaCode: string;
  city: string;
}

function makePostalCodes(count: number): SandboxPostalCode[] {
  const dmas: { state: string; dma: string; city: string; w: number }[] = [];
  for (const [state, sw, list] of GEO) {
    const total = list.reduce((s, d) => s + d[2], 0);
    for (const [dma, city, w] of list) dmas.push({ state, dma, city, w: (sw * w) / total });
  }
  const totalW = dmas.reduce((s, d) => s + d.w, 0);
  const out: SandboxPostalCode[] = [];
  const used = new Set<string>();
  for (let rank = 1; rank <= count; rank++) {
    // A postal code's area follows population, independent of its popularity rank.
    let r = rand() * totalW;
    let d = dmas[0] as (typeof dmas)[number];
    for (const x of dmas) {
      r -= x.w;
      if (r <= 0) {
        d = x;
        break;
      }
    }
    let code = "";
    do code = `US-${String(10000 + Math.floor(rand() * 89999)).padStart(5, "0")}`;
    while (used.has(code));
    used.add(code);
    out.push({ rank, postalCode: code, state: d.state, dmaCode: d.dma, city: d.city });
  }
  return out;
}

export const SANDBOX_POSTAL_CODES: readonly SandboxPostalCode[] = makePostalCodes(2500);
