import { z } from "zod";

export const AMC_REGIONS = ["NA", "EU", "FE"] as const;
export type AmcRegion = (typeof AMC_REGIONS)[number];

export interface RegionEndpoints {
  /** Ads API base, no trailing slash (paths such as `/amc/instances` are appended). */
  apiBaseUrl: string;
  /** Login with Amazon token endpoint (refresh and authorization-code grants). */
  tokenUrl: string;
  /** Login with Amazon consent page for the authorization-code flow. */
  authorizeUrl: string;
}

export type AmcEndpoints = Record<AmcRegion, RegionEndpoints>;

export const DEFAULT_AMC_ENDPOINTS: AmcEndpoints = {
  NA: {
    apiBaseUrl: "https://advertising-api.amazon.com",
    tokenUrl: "https://api.amazon.com/auth/o2/token",
    authorizeUrl: "https://www.amazon.com/ap/oa",
  },
  EU: {
    apiBaseUrl: "https://advertising-api-eu.amazon.com",
    tokenUrl: "https://api.amazon.co.uk/auth/o2/token",
    authorizeUrl: "https://www.amazon.com/ap/oa",
  },
  FE: {
    apiBaseUrl: "https://advertising-api-fe.amazon.com",
    tokenUrl: "https://api.amazon.co.jp/auth/o2/token",
    authorizeUrl: "https://www.amazon.com/ap/oa",
  },
};

// An empty value in an env file means "not set", not "invalid URL".
const optionalUrl = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v),
  // Not z.httpUrl(): it wants a domain name, and a test server listens on 127.0.0.1.
  z.url({ protocol: /^https?$/ }).optional(),
);

const ENV_KEYS = [
  "AMC_API_BASE_URL",
  "LWA_TOKEN_URL",
  "LWA_AUTHORIZE_URL",
  ...AMC_REGIONS.flatMap((r) => [`AMC_API_BASE_URL_${r}`, `LWA_TOKEN_URL_${r}`, `LWA_AUTHORIZE_URL_${r}`]),
] as const;

const endpointEnv = z.object(Object.fromEntries(ENV_KEYS.map((k) => [k, optionalUrl])) as Record<
  (typeof ENV_KEYS)[number],
  typeof optionalUrl
>);

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * Endpoints per region, from `env` (process.env in production, a plain object in tests).
 * Precedence: per-region variable (`AMC_API_BASE_URL_EU`) > global (`AMC_API_BASE_URL`) > Amazon's.
 * A malformed URL is a start-up error naming the variable (never echoing its value, which could
 * carry credentials in its userinfo part).
 */
export function resolveAmcEndpoints(env: Record<string, string | undefined>): AmcEndpoints {
  const picked = Object.fromEntries(ENV_KEYS.map((k) => [k, env[k]]));
  const parsed = endpointEnv.safeParse(picked);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].join(", ");
    throw new Error(`Invalid AMC endpoint configuration: ${names} must be an http(s) URL.`);
  }
  const e = parsed.data;
  const resolve = (region: AmcRegion): RegionEndpoints => {
    const d = DEFAULT_AMC_ENDPOINTS[region];
    return {
      apiBaseUrl: withoutTrailingSlash(e[`AMC_API_BASE_URL_${region}`] ?? e.AMC_API_BASE_URL ?? d.apiBaseUrl),
      tokenUrl: e[`LWA_TOKEN_URL_${region}`] ?? e.LWA_TOKEN_URL ?? d.tokenUrl,
      authorizeUrl: e[`LWA_AUTHORIZE_URL_${region}`] ?? e.LWA_AUTHORIZE_URL ?? d.authorizeUrl,
    };
  };
  return { NA: resolve("NA"), EU: resolve("EU"), FE: resolve("FE") };
}

export function isAmcRegion(value: string): value is AmcRegion {
  return (AMC_REGIONS as readonly string[]).includes(value);
}
