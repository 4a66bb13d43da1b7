import { describe, expect, it } from "vitest";
import { toOneLineSql } from "./sql";

describe("toOneLineSql", () => {
  it("collapses newlines and tabs and strips a trailing semicolon", () => {
    expect(toOneLineSql("SELECT a,\n\tb\r\nFROM t\n  WHERE x = 1;\n")).toBe("SELECT a, b FROM t WHERE x = 1");
    expect(toOneLineSql("  SELECT 1 ;; \n")).toBe("SELECT 1");
  });

  it("drops line comments, which would otherwise swallow the rest of the one line", () => {
    expect(toOneLineSql("SELECT a -- first column\nFROM t -- trailing; \n")).toBe("SELECT a FROM t");
    expect(toOneLineSql("SELECT 1; -- done")).toBe("SELECT 1");
  });

  it("leaves quoted text alone", () => {
    expect(toOneLineSql("SELECT 'a  --  b;', \"col\n name\" FROM t WHERE s = 'it''s\tok'")).toBe(
      "SELECT 'a  --  b;', \"col\n name\" FROM t WHERE s = 'it''s\tok'",
    );
  });

  it("keeps block comments, on one line", () => {
    expect(toOneLineSql("SELECT /* the\n count */ COUNT(1)\nFROM t")).toBe("SELECT /* the count */ COUNT(1) FROM t");
  });
});
