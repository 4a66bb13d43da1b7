import { describe, expect, it } from "vitest";
import { parseRunsQuery, runsHref } from "./runs-query";

describe("parseRunsQuery", () => {
  it("defaults to everything, newest first, page 1", () => {
    const q = parseRunsQuery({});
    expect(q).toMatchObject({ page: 1, sort: "created", dir: "desc" });
    expect(runsHref(q)).toBe("/runs");
  });

  it("reads every filter and writes the same URL back", () => {
    const sp = {
      instance: "6F9619FF-8B86-4D11-B42D-00C04FC964FF",
      report: " rpt_demo000004 ",
      status: "failed",
      trigger: "schedule",
      from: "2025-03-01",
      to: "2025-03-31",
      sort: "duration",
      dir: "asc",
      page: "3",
    };
    const q = parseRunsQuery(sp);
    expect(q).toMatchObject({
      instance: "6f9619ff-8b86-4d11-b42d-00c04fc964ff",
      report: "rpt_demo000004",
      status: "failed",
      trigger: "schedule",
      sort: "duration",
      dir: "asc",
      page: 3,
    });
    // "to" is the last day shown: the range ends at the next midnight (UTC), exclusive.
    expect(q.from?.toISOString()).toBe("2025-03-01T00:00:00.000Z");
    expect(q.to?.toISOString()).toBe("2025-04-01T00:00:00.000Z");
    expect(runsHref(q)).toBe(
      "/runs?instance=6f9619ff-8b86-4d11-b42d-00c04fc964ff&report=rpt_demo000004&status=failed&trigger=schedule&from=2025-03-01&to=2025-03-31&sort=duration&dir=asc&page=3",
    );
  });

  it("ignores bad, hostile and impossible values instead of failing", () => {
    const q = parseRunsQuery({
      instance: "not-a-uuid",
      report: "a\u0000b",
      status: "exploded",
      trigger: ["cron", "schedule"],
      from: "2025-02-30",
      to: "yesterday",
      sort: "name",
      dir: "up",
      page: "0",
    });
    expect(q).toEqual({ page: 1, pageSize: q.pageSize, sort: "created", dir: "desc", instance: undefined, report: undefined, status: undefined, trigger: undefined });
  });

  it("takes the first of a repeated key and blanks from an empty form as absent", () => {
    expect(parseRunsQuery({ trigger: ["schedule", "manual"] }).trigger).toBe("schedule");
    expect(runsHref(parseRunsQuery({ instance: "", report: "  ", status: "", trigger: "", from: "", to: "" }))).toBe("/runs");
  });
});
