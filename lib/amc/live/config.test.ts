import { describe, expect, it } from "vitest";
import { DEFAULT_AMC_ENDPOINTS, resolveAmcEndpoints } from "./config";

describe("resolveAmcEndpoints", () => {
  it("uses Amazon's endpoints when nothing is configured", () => {
    expect(resolveAmcEndpoints({})).toEqual(DEFAULT_AMC_ENDPOINTS);
    expect(resolveAmcEndpoints({}).EU).toEqual({
      apiBaseUrl: "https://advertising-api-eu.amazon.com",
      tokenUrl: "https://api.amazon.co.uk/auth/o2/token",
      authorizeUrl: "https://www.amazon.com/ap/oa",
    });
    expect(resolveAmcEndpoints({}).FE.tokenUrl).toBe("https://api.amazon.co.jp/auth/o2/token");
  });

  it("a global override applies to every region; a per-region one wins over it", () => {
    const e = resolveAmcEndpoints({
      AMC_API_BASE_URL: "http://127.0.0.1:4010/",
      LWA_TOKEN_URL: "http://127.0.0.1:4010/auth/o2/token",
      LWA_AUTHORIZE_URL: "http://127.0.0.1:4010/ap/oa",
      AMC_API_BASE_URL_EU: "https://eu.example.test",
      LWA_TOKEN_URL_FE: "https://fe.example.test/token",
    });
    expect(e.NA).toEqual({
      apiBaseUrl: "http://127.0.0.1:4010",
      tokenUrl: "http://127.0.0.1:4010/auth/o2/token",
      authorizeUrl: "http://127.0.0.1:4010/ap/oa",
    });
    expect(e.EU.apiBaseUrl).toBe("https://eu.example.test");
    expect(e.EU.tokenUrl).toBe("http://127.0.0.1:4010/auth/o2/token");
    expect(e.FE.tokenUrl).toBe("https://fe.example.test/token");
    expect(e.FE.apiBaseUrl).toBe("http://127.0.0.1:4010");
  });

  it("treats empty values as unset", () => {
    expect(resolveAmcEndpoints({ AMC_API_BASE_URL: "", LWA_TOKEN_URL_NA: "  " })).toEqual(DEFAULT_AMC_ENDPOINTS);
  });

  it("rejects a malformed URL, naming the variable but not echoing the value", () => {
    expect(() => resolveAmcEndpoints({ LWA_TOKEN_URL_EU: "not a url" })).toThrow(/LWA_TOKEN_URL_EU/);
    expect(() => resolveAmcEndpoints({ AMC_API_BASE_URL: "ftp://user:pw@host" })).toThrow(/AMC_API_BASE_URL/);
    try {
      resolveAmcEndpoints({ AMC_API_BASE_URL: "ftp://user:pw@host" });
    } catch (e) {
      expect(String(e)).not.toContain("pw@host");
    }
  });
});
