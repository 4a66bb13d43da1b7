import { describe, expect, it } from "vitest";
import { columnKind, formatCell } from "./format";

describe("numbers people can read", () => {
  it("decides a column's kind by its name's words", () => {
    expect(["spend", "total_sales", "totalCost", "revenue"].map(columnKind)).toEqual(["money", "money", "money", "money"]);
    expect(["ctr", "conversion_rate", "impression_share"].map(columnKind)).toEqual(["fraction", "fraction", "fraction"]);
    expect(["roas", "sales_spend_ratio"].map(columnKind)).toEqual(["ratio", "ratio"]);
    expect(["reach_pct", "percent_new"].map(columnKind)).toEqual(["percent", "percent"]);
    expect(["campaign_id_string", "campaign_id", "day", "year"].map(columnKind)).toEqual(["identifier", "identifier", "identifier", "identifier"]);
    expect(["impressions", "users_min", "spending_power"].map(columnKind)).toEqual(["number", "number", "number"]);
  });

  it("money with 2 decimals, the currency when known", () => {
    expect(formatCell("spend", "16.82456235831046")).toBe("16.82");
    expect(formatCell("sales", "1234567.5")).toBe("1,234,567.50");
    expect(formatCell("sales", "-3")).toBe("-3.00");
    expect(formatCell("spend", "16.825", { currency: "USD" })).toBe("$16.83");
    expect(formatCell("cost", "1000", { currency: "EUR" })).toBe("€1,000.00");
  });

  it("rates as %, percentages as they are with a %, ratios with 2-4 decimals", () => {
    expect(formatCell("ctr", "0.0024360554")).toBe("0.2436%");
    expect(formatCell("ctr", "0.125")).toBe("12.5%");
    expect(formatCell("reach_pct", "12.3456")).toBe("12.35%");
    expect(formatCell("roas", "3.2")).toBe("3.20");
    expect(formatCell("roas", "0.123456")).toBe("0.1235");
  });

  it("counts with thousands separators, other decimals rounded by size", () => {
    expect(formatCell("impressions", "1234567")).toBe("1,234,567");
    expect(formatCell("users_min", "-42")).toBe("-42");
    expect(formatCell("score", "16.82456235831046")).toBe("16.82");
    expect(formatCell("score", "0.000123456")).toBe("0.0001");
  });

  it("leaves what is not a plain number, identifiers and NULL as stored", () => {
    expect(formatCell("impressions", null)).toBe("");
    expect(formatCell("impressions", "")).toBe("");
    expect(formatCell("impressions", "0012")).toBe("0012");
    expect(formatCell("impressions", "1e5")).toBe("1e5");
    expect(formatCell("impressions", "n/a")).toBe("n/a");
    expect(formatCell("impressions", "12345678901234567890")).toBe("12345678901234567890");
    expect(formatCell("campaign_id", "123456789")).toBe("123456789");
    expect(formatCell("year", "2026")).toBe("2026");
    expect(formatCell("day", "2026-06-01")).toBe("2026-06-01");
  });
});
