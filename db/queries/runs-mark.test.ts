import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { makeExecution } from "../../test/factories";
import { renderableWorld } from "../../test/scheduler-world";
import { latestRunMark } from "./runs-mark";

const { db } = await freshDatabase();

describe("the report page's runs mark", () => {
  it("changes when a run is added to the report (and only for that report)", async () => {
    const a = await renderableWorld(db, { template: {}, report: {} });
    const b = await renderableWorld(db, { template: {}, report: {} });
    expect(await latestRunMark(db, a.report.id)).toEqual({ total: 0, newest: null });
    const first = await makeExecution(db, a.report.id, { instanceId: a.instance.id, createdAt: new Date("2026-11-01T00:00:00Z") });
    expect(await latestRunMark(db, a.report.id)).toEqual({ total: 1, newest: first.executionId });
    // A scheduled run made later is the newest; another report's run changes nothing here.
    const second = await makeExecution(db, a.report.id, { instanceId: a.instance.id, triggeredBy: "schedule", createdAt: new Date("2026-11-02T00:00:00Z") });
    await makeExecution(db, b.report.id, { instanceId: b.instance.id, createdAt: new Date("2026-11-03T00:00:00Z") });
    expect(await latestRunMark(db, a.report.id)).toEqual({ total: 2, newest: second.executionId });
  });
});
