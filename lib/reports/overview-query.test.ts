import { describe, expect, it } from "vitest";
import {
  DEFAULT_OVERVIEW_QUERY,
  hasActiveFilters,
  overviewHref,
  parseOverviewQuery,
  toSearchParams,
  withFilters,
  withSort,
  type OverviewQuery,
  type SearchParamsInput,
} from "./overview-query";

const UUID = "3f2c1e9a-8b7d-4c6e-9f1a-2b3c4d5e6f70";

function fromUrl(qs: string): SearchParamsInput {
  // What Next hands a page: repeated keys become arrays.
  const out: SearchParamsInput = {};
  for (const [k, v] of new URLSearchParams(qs)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

describe("parseOverviewQuery", () => {
  it("gives the defaults for no params", () => {
    expect(parseOverviewQuery({})).toEqual({
      page: 1,
      pageSize: 50,
      sort: "created",
      dir: "desc",
      status: [],
    });
  });

  it("parses every field", () => {
    const q = parseOverviewQuery({
      page: "3",
      size: "100",
      sort: "name",
      dir: "desc",
      status: "failed,never",
      state: "paused",
      instance: UUID.toUpperCase(),
      frequency: "weekly",
      q: "  ROAS tracker ",
    });
    expect(q).toEqual({
      page: 3,
      pageSize: 100,
      sort: "name",
      dir: "desc",
      status: ["failed", "never"],
      state: "paused",
      instance: UUID,
      frequency: "weekly",
      q: "ROAS tracker",
    });
  });

  it("defaults the direction per sort", () => {
    expect(parseOverviewQuery({ sort: "created" }).dir).toBe("desc");
    expect(parseOverviewQuery({ sort: "name" }).dir).toBe("asc");
    expect(parseOverviewQuery({ sort: "last_run" }).dir).toBe("desc");
    expect(parseOverviewQuery({ sort: "next_run" }).dir).toBe("asc");
    expect(parseOverviewQuery({ sort: "executions" }).dir).toBe("desc");
  });

  it.each([
    ["page", "0"],
    ["page", "-2"],
    ["page", "1.5"],
    ["page", "2abc"],
    ["page", "1e3"],
    ["page", ""],
    ["page", "99999999999"],
    ["size", "10"],
    ["size", "50.0"],
    ["sort", "owner"],
    ["sort", "created_at; DROP TABLE users"],
    ["dir", "up"],
    ["state", "running"],
    ["instance", "not-a-uuid"],
    ["instance", "1"],
    ["frequency", "hourly"],
    ["q", "   "],
    ["q", "x".repeat(101)],
  ])("ignores %s=%j", (key, value) => {
    expect(parseOverviewQuery({ [key]: value })).toEqual(DEFAULT_OVERVIEW_QUERY);
  });

  it("keeps the valid params when others are bad", () => {
    const q = parseOverviewQuery({ page: "x", sort: "name", dir: "sideways", state: "paused", q: "a".repeat(500) });
    expect(q).toEqual({ page: 1, pageSize: 50, sort: "name", dir: "asc", status: [], state: "paused" });
  });

  it("drops unknown statuses one by one, dedupes and orders them", () => {
    expect(parseOverviewQuery({ status: "never,bogus,failed,failed" }).status).toEqual(["failed", "never"]);
    expect(parseOverviewQuery({ status: ["running", "completed,nope"] }).status).toEqual([
      "running",
      "completed",
    ]);
    expect(parseOverviewQuery({ status: ",,," }).status).toEqual([]);
  });

  it("takes the first of repeated single-valued params", () => {
    const q = parseOverviewQuery(fromUrl("sort=name&sort=created&page=2&page=9"));
    expect(q.sort).toBe("name");
    expect(q.page).toBe(2);
  });

  it("keeps q at exactly 100 characters, with % and _ as typed", () => {
    expect(parseOverviewQuery({ q: "y".repeat(100) }).q).toHaveLength(100);
    expect(parseOverviewQuery({ q: "50%_off" }).q).toBe("50%_off");
  });
});

describe("toSearchParams", () => {
  it("omits every default", () => {
    expect(toSearchParams(DEFAULT_OVERVIEW_QUERY).toString()).toBe("");
    expect(overviewHref(DEFAULT_OVERVIEW_QUERY)).toBe("/reports");
    expect(toSearchParams(parseOverviewQuery({ sort: "name", dir: "asc" })).toString()).toBe("sort=name");
    expect(toSearchParams(parseOverviewQuery({ sort: "name", dir: "desc" })).toString()).toBe(
      "sort=name&dir=desc",
    );
    expect(toSearchParams(parseOverviewQuery({ dir: "asc" })).toString()).toBe("dir=asc");
  });

  it("is canonical: equal views, equal URLs", () => {
    const a = toSearchParams(parseOverviewQuery(fromUrl("status=never&status=failed&page=2&sort=created&q=x")));
    const b = toSearchParams(parseOverviewQuery(fromUrl("q=x&page=2&status=failed,never")));
    expect(a.toString()).toBe(b.toString());
    expect(a.toString()).toBe("q=x&status=failed%2Cnever&page=2");
  });

  it.each<OverviewQuery>([
    DEFAULT_OVERVIEW_QUERY,
    { page: 7, pageSize: 25, sort: "last_run", dir: "asc", status: ["pending", "never"] },
    {
      page: 1,
      pageSize: 100,
      sort: "next_run",
      dir: "desc",
      status: ["running"],
      state: "inactive",
      instance: UUID,
      frequency: "quarterly",
      q: "50% off & more_stuff",
    },
  ])("round-trips %j", (query) => {
    const qs = toSearchParams(query).toString();
    expect(parseOverviewQuery(fromUrl(qs))).toEqual(query);
  });
});

describe("navigation helpers", () => {
  it("withSort flips the current column and uses the default for a new one, back to page 1", () => {
    const q = parseOverviewQuery({ page: "4", sort: "name" });
    expect(withSort(q, "name")).toMatchObject({ sort: "name", dir: "desc", page: 1 });
    expect(withSort(withSort(q, "name"), "name")).toMatchObject({ sort: "name", dir: "asc" });
    expect(withSort(q, "last_run")).toMatchObject({ sort: "last_run", dir: "desc", page: 1 });
  });

  it("withFilters resets the page and keeps the sort", () => {
    const q = parseOverviewQuery({ page: "4", sort: "next_run", size: "25", state: "paused" });
    const next = withFilters(q, { status: ["failed"], q: "roas" });
    expect(next).toEqual({ page: 1, pageSize: 25, sort: "next_run", dir: "asc", status: ["failed"], q: "roas" });
    expect(hasActiveFilters(next)).toBe(true);
    expect(hasActiveFilters(withFilters(q, { status: [] }))).toBe(false);
  });
});

describe("hostile URL values", () => {
  it("drops a value with a NUL byte (PostgreSQL text cannot hold one) instead of failing the page", () => {
    const q = parseOverviewQuery({ q: "\u0000", instance: "0000\u0000", sort: "name\u0000", status: "failed,\u0000" });
    expect(q.q).toBeUndefined();
    expect(q.instance).toBeUndefined();
    expect(q.sort).toBe(DEFAULT_OVERVIEW_QUERY.sort);
    expect(q.status).toEqual(["failed"]);
  });
});
