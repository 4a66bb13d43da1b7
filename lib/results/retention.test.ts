import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { completedRun } from "../../test/dashboards";
import { makeInstance, makeReport, makeUser } from "../../test/factories";
import { apiResults } from "../api/executions";
import { exportExecution } from "../dashboards/export";
import { storedCells } from "../../test/results";
import { combinedSeries, combinedWindows } from "../dashboards/series";
import type { EngineDeps } from "../engine/deps";
import { expireResults, retentionCutoff } from "./retention";

const t = await freshDatabase();
const db = t.db;
const NOW = new Date("2026-12-03T10:00:00Z");
const deps = (now: Date, months?: number) =>
  ({ db, sql: t.sql, now, gateways: undefined, settings: months ? { storedResultMonths: months } : {} }) as unknown as EngineDeps;

describe("retention of stored results", () => {
  it("cuts off whole calendar months back, the 31st stepping to a shorter month's end", () => {
    expect(retentionCutoff(NOW, 13).toISOString()).toBe("2025-11-03T10:00:00.000Z");
    expect(retentionCutoff(new Date("2026-03-31T00:00:00Z"), 1).toISOString()).toBe("2026-02-28T00:00:00.000Z");
  });

  it("removes rows of results past 13 months, keeps the window marked expired, and is idempotent", async () => {
    const inst = await makeInstance(db);
    const report = await makeReport(db, { instanceId: inst.id });
    const cols = ["day", "spend"];
    const on = { instanceId: inst.id };
    const old = await completedRun(db, report.id, { start: "2025-10-01T00:00:00Z", end: "2025-10-08T00:00:00Z" }, cols, [["2025-10-01", "5"], ["2025-10-02", "7"]], on);
    const kept = await completedRun(db, report.id, { start: "2025-11-10T00:00:00Z", end: "2025-11-17T00:00:00Z" }, cols, [["2025-11-10", "3"]], on);
    // A rollup exists for the old window before retention runs.
    expect((await combinedSeries(db, report.id, { y: ["spend"] }, {}, NOW)).points[0]!.values).toEqual([15]);

    expect(await expireResults(deps(NOW))).toEqual({ expired: 1, rowsDeleted: 2 });
    expect(await storedCells(db, old.id)).toEqual([]);
    expect(await storedCells(db, kept.id)).toEqual([["2025-11-10", "3"]]);
    const windows = await combinedWindows(db, report.id, {}, NOW);
    expect(windows.map((w) => [w.start!.toISOString().slice(0, 10), w.expired])).toEqual([
      ["2025-10-01", true],
      ["2025-11-10", false],
    ]);
    // The dashboard's sums no longer count the expired window (its rollup went with it).
    expect((await combinedSeries(db, report.id, { y: ["spend"] }, {}, NOW)).points[0]!.values).toEqual([3]);
    const [rollups] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM result_rollups`;
    expect(rollups!.n).toBe(1);

    // Downloads and the API answer 410 for it, not an empty file.
    const admin = await makeUser(db, { role: "admin" });
    const user = { id: admin.id, email: admin.email, name: admin.name, role: "admin" as const };
    await expect(exportExecution(db, t.sql, user, old.executionId, "csv", NOW)).rejects.toMatchObject({ code: "GONE" });
    await expect(apiResults(db, user, old.executionId, { page: 1, limit: 10 })).rejects.toMatchObject({ code: "GONE" });

    expect(await expireResults(deps(NOW))).toEqual({ expired: 0, rowsDeleted: 0 });
    // A shorter setting takes the next one too.
    expect(await expireResults(deps(NOW, 1))).toEqual({ expired: 1, rowsDeleted: 1 });
  });
});
