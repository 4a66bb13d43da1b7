import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseTemplateSearch } from "../templates/queries";
import { searchParam } from "./search-params";

describe("page search params", () => {
  it("takes the first value, and drops empty, NUL-holding or schema-refused ones", () => {
    expect(searchParam("abc")).toBe("abc");
    expect(searchParam(["a", "b"])).toBe("a");
    expect(searchParam("")).toBeUndefined();
    expect(searchParam(undefined)).toBeUndefined();
    expect(searchParam("rpt_\u0000")).toBeUndefined();
    expect(searchParam("x".repeat(101), z.string().max(100))).toBeUndefined();
    expect(searchParam("7", z.coerce.number().int())).toBe(7);
  });

  it("the template search ignores a NUL-holding query", () => {
    expect(parseTemplateSearch({ q: "reach\u0000", category: "\u0000" })).toEqual({ q: "", category: "" });
    expect(parseTemplateSearch({ q: " reach " })).toEqual({ q: "reach", category: "" });
  });
});
