import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, trustedProxies, UNKNOWN_ADDRESS } from "./client-address";

const xff = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("client address", () => {
  it("ignores X-Forwarded-For entirely without TRUSTED_PROXIES: every request is the unknown bucket", () => {
    const none = trustedProxies("");
    expect(clientAddress(xff("203.0.113.9"), none)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(xff("198.51.100.1"), none)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(xff(), none)).toBe(UNKNOWN_ADDRESS);
  });

  it("behind trusted proxies, takes the rightmost untrusted hop and ignores what the client wrote left of it", () => {
    const proxies = trustedProxies("10.0.0.0/8, 192.0.2.7, ::1");
    // Client forged "1.2.3.4"; the proxy appended the real peer.
    expect(clientAddress(xff("1.2.3.4, 203.0.113.9"), proxies)).toBe("203.0.113.9");
    // Two proxies: the inner one's address is skipped.
    expect(clientAddress(xff("1.2.3.4, 203.0.113.9, 10.1.2.3"), proxies)).toBe("203.0.113.9");
    expect(clientAddress(xff("203.0.113.9,192.0.2.7"), proxies)).toBe("203.0.113.9");
    // A request from the proxy host itself (Next wrote the socket address): that address.
    expect(clientAddress(xff("::1"), proxies)).toBe("::1");
    expect(clientAddress(xff("::ffff:203.0.113.9"), proxies)).toBe("203.0.113.9");
    expect(clientAddress(xff(), proxies)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(xff("not-an-ip, 10.0.0.1"), proxies)).toBe(UNKNOWN_ADDRESS);
  });

  it("normalises addresses and refuses a bad TRUSTED_PROXIES loudly", () => {
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("203.0.113.9:8080")).toBe("203.0.113.9");
    expect(normalizeAddress("evil")).toBeNull();
    expect(() => trustedProxies("10.0.0.0/33")).toThrow(/TRUSTED_PROXIES/);
    expect(() => trustedProxies("proxy.internal")).toThrow(/TRUSTED_PROXIES/);
    expect(trustedProxies("2001:db8::/32").list.check("2001:db8::5", "ipv6")).toBe(true);
  });
});
