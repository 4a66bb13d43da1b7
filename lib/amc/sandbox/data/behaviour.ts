import { bucket } from "./sql";

/**
 * The behaviour model's reference data (amc-data-model.md §4): campaign reach and ad load,
 * devices, supply sources, postal-code popularity.
 */
// Postal code popularity ∝ (rank + Q)^-S: a flat head so that only the top ~100 codes reach
// 100 users at the default size, and a long thin tail (HIGH-threshold dropping, §4.4).
export const POSTAL_S = 3;
export const POSTAL_Q = 400;

/**
 * share: chance a channel-eligible user is in the campaign's audience; rate: impressions per
 * audience member per day at an ad-load multiplier of 1. Tuned so the default size lands near
 * §4.1's row counts (DSP ≈ 600k impressions, sponsored ads ≈ 500k rows).
 */
export const CAMPAIGN_PARAMS: Record<string, { share: number; rate: number }> = {
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
export const PRIMARY_DEVICES = DEVICES.filter((d) => !d.tv);
export const TV_DEVICES = DEVICES.filter((d) => d.tv);

interface Supply {
  sk: "stv" | "olv" | "display" | "audio";
  supply_source: string;
  site: string | null;
  app_bundle: string | null;
  owned: boolean;
  weight: number;
}

export const SUPPLY: Supply[] = [
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

/** SQL: the 1-based index into SUPPLY (the _sup row) drawn by u for the impression's campaign kind `x.kind`. */
export function supplyIndex(u: string): string {
  const branch = (sk: Supply["sk"]) => {
    const idx = SUPPLY.map((s, i) => ({ s, i: i + 1 })).filter((x) => x.s.sk === sk);
    return `(ARRAY[${idx.map((x) => x.i).join(",")}])[${bucket(u, idx.map((x) => x.s.weight))}]`;
  };
  return `CASE x.kind WHEN 'stv' THEN ${branch("stv")} WHEN 'olv' THEN ${branch("olv")} WHEN 'audio' THEN ${branch("audio")} ELSE ${branch("display")} END`;
}

