import { describe, expect, it } from "vitest";
import { failureHint } from "./failure-hint";

describe("failureHint", () => {
  it("reads AMC's text for the query's own failures", () => {
    const cases: [string, string][] = [
      ["AMC rejected the query: Syntax error at position 12: expected FROM", "syntax"],
      ["AMC reported the run failed: mismatched input 'FORM' expecting FROM", "syntax"],
      ['AMC reported the run failed: column "impresions" does not exist', "unknown_name"],
      ["AMC rejected the query: Unknown table amazon_audiences", "unknown_name"],
      ["AMC rejected the query: aggregation threshold not met (demo data)", "privacy_threshold"],
      ["AMC reported the run failed: result withheld, too few distinct users", "privacy_threshold"],
    ];
    for (const [message, kind] of cases) {
      expect(failureHint(message, { cause: "invalid_query" })?.kind, message).toBe(kind);
      expect(failureHint(message, { cause: "amc_failed", amcStatus: "FAILED" })?.kind, message).toBe(kind);
    }
  });

  it("trusts the typed cause over the text", () => {
    expect(failureHint("AMC returned 403 for amc1: no access", { cause: "permission" })?.kind).toBe("permission");
    expect(failureHint("AMC kept throttling this run (429).", { cause: "rate_limited" })?.kind).toBe("throttling");
    expect(failureHint("needs re-authorization", { cause: "reauthorize" })?.kind).toBe("reauthorization");
    expect(failureHint("Timed out: AMC did not finish", { cause: "timeout" })?.kind).toBe("timeout");
    // A syntax-looking message under an unrelated cause is not read as a query failure.
    expect(failureHint("syntax error in the download", { cause: "download" })).toBeNull();
  });

  it("reads the text of rows stored without details (seeded and older runs)", () => {
    expect(failureHint("AMC rejected the query: aggregation threshold not met (demo data)", null)?.kind).toBe("privacy_threshold");
    expect(failureHint("Access denied for this advertiser", undefined)?.kind).toBe("permission");
    expect(failureHint("Too many requests", [])?.kind).toBe("throttling");
  });

  it("has no advice when nothing matches", () => {
    expect(failureHint("Something odd happened", { cause: "amc_failed" })).toBeNull();
    expect(failureHint(null, null)).toBeNull();
  });

  it("gives each hint a title and text", () => {
    const hint = failureHint("syntax error", { cause: "invalid_query" });
    expect(hint?.title).toBe("SQL syntax");
    expect(hint?.hint.length).toBeGreaterThan(20);
  });
});
