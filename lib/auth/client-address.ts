import { BlockList, isIP } from "node:net";

/**
 * The address bucket for requests whose sender we cannot tell. Next (16, `next start`) gives the
 * app no socket address of its own: it writes the peer into X-Forwarded-For only when the request
 * has none, so a client-written header and the real peer look the same. Without trusted proxies
 * the header is therefore ignored and every request shares this bucket; per-address limits are
 * skipped for it (they would be one global limit anyone could exhaust).
 */
export const UNKNOWN_ADDRESS = "unknown";

export interface TrustedProxies {
  list: BlockList;
  any: boolean;
}

/** "::ffff:10.0.0.1" → "10.0.0.1", "[::1]:443" → "::1", "10.0.0.1:80" → "10.0.0.1"; null if not an IP. */
export function normalizeAddress(raw: string): string | null {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed?.[1]) a = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(a);
  if (mapped?.[1]) a = mapped[1];
  return isIP(a) ? a.toLowerCase() : null;
}

const cache = new Map<string, TrustedProxies>();

/**
 * `TRUSTED_PROXIES`: a comma list of the reverse proxies' addresses or CIDRs ("10.0.0.0/8, ::1").
 * A wrong entry throws: silently trusting less (or more) than the operator meant is worse than a
 * loud failure at the first sign-in.
 */
export function trustedProxies(raw: string | undefined = process.env.TRUSTED_PROXIES): TrustedProxies {
  const key = raw ?? "";
  const hit = cache.get(key);
  if (hit) return hit;
  const list = new BlockList();
  let any = false;
  for (const entry of key.split(",").map((e) => e.trim()).filter(Boolean)) {
    const [addr = "", prefix, extra] = entry.split("/");
    const ip = normalizeAddress(addr);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const family = ip && isIP(ip) === 6 ? "ipv6" : "ipv4";
    const max = family === "ipv6" ? 128 : 32;
    if (!ip || extra !== undefined || (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= max))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR`);
    }
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, bits, family);
    any = true;
  }
  const parsed = { list, any };
  cache.set(key, parsed);
  return parsed;
}

function isTrusted(proxies: TrustedProxies, ip: string): boolean {
  return proxies.list.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address for rate limiting. With trusted proxies configured, X-Forwarded-For is read
 * from the right (the end the nearest proxy wrote), skipping the proxies' own addresses; the first
 * other entry is the client, and anything left of it is client-written and ignored. Because Next
 * hides the socket peer (see UNKNOWN_ADDRESS), configuring proxies also declares that the app is
 * reachable only through them. Without configuration, or if the entry is not an address: UNKNOWN.
 */
export function clientAddress(headers: Headers, proxies: TrustedProxies = trustedProxies()): string {
  if (!proxies.any) return UNKNOWN_ADDRESS;
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = normalizeAddress(hops[i] ?? "");
    if (!ip) return UNKNOWN_ADDRESS;
    if (!isTrusted(proxies, ip) || i === 0) return ip;
  }
  return UNKNOWN_ADDRESS;
}
