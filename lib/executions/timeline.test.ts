import { describe, expect, it } from "vitest";
import { runTimeline } from "./timeline";

const t = (s: number) => new Date(Date.UTC(2025, 5, 1, 12, 0, s));

describe("runTimeline", () => {
  it("lists every step of a finished run with the time between them", () => {
    const { steps, current } = runTimeline(
      { status: "completed", createdAt: t(0), startedAt: t(2), submittedAt: t(3), completedAt: t(45) },
      t(100),
    );
    expect(steps.map((s) => [s.kind, s.sincePreviousMs])).toEqual([
      ["created", null],
      ["started", 2000],
      ["submitted", 1000],
      ["completed", 42_000],
    ]);
    expect(steps[3]?.label).toBe("Completed");
    expect(current).toBeNull();
  });

  it("leaves out steps never reached and measures from the last one reached", () => {
    // Failed before AMC accepted it (e.g. AMC rejected the SQL): no submitted step.
    const { steps } = runTimeline({ status: "failed", createdAt: t(0), startedAt: t(1), submittedAt: null, completedAt: t(4) }, t(10));
    expect(steps.map((s) => [s.kind, s.sincePreviousMs])).toEqual([
      ["created", null],
      ["started", 1000],
      ["failed", 3000],
    ]);
  });

  it("says what an unfinished run is doing and for how long", () => {
    expect(runTimeline({ status: "pending", createdAt: t(0), startedAt: null, submittedAt: null, completedAt: null }, t(5)).current).toEqual({
      label: "Waiting to be sent",
      forMs: 5000,
    });
    const running = runTimeline({ status: "running", createdAt: t(0), startedAt: t(1), submittedAt: t(2), completedAt: null }, t(32));
    expect(running.steps.map((s) => s.kind)).toEqual(["created", "started", "submitted"]);
    expect(running.current).toEqual({ label: "AMC is running it", forMs: 30_000 });
  });

  it("shows a cancelled run's end even if it never started", () => {
    const { steps } = runTimeline({ status: "cancelled", createdAt: t(0), startedAt: null, submittedAt: null, completedAt: t(7) }, t(9));
    expect(steps.map((s) => [s.kind, s.sincePreviousMs])).toEqual([
      ["created", null],
      ["cancelled", 7000],
    ]);
  });
});
