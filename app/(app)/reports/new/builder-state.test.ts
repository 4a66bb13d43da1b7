import { describe, expect, it } from "vitest";
import type { ParamDef } from "@/lib/params/definitions";
import type { ValidationResponse } from "@/lib/reports/validate";
import type { BuilderTemplate } from "@/lib/templates/queries";
import type { NewBackfillPreview } from "@/lib/reports/new-backfill";
import { builderReducer, initialBuilderState, requestOf, runOf, scheduleSpec, visibleFieldErrors, zoneOf, type BuilderAction, type BuilderState } from "./builder-state";

const asinDef: ParamDef = { name: "asins", label: "ASINs", type: "asin_list", required: true, defaultValue: null, rules: {} };
const flagDef: ParamDef = { name: "halo", label: "Brand halo", type: "boolean", required: false, defaultValue: true, rules: {} };

function template(over: Partial<BuilderTemplate> = {}): BuilderTemplate {
  return {
    templateId: "asin_purchases",
    name: "ASIN Purchases",
    description: null,
    question: null,
    category: "Sales",
    reportType: null,
    tags: [],
    dataLagDays: 14,
    version: 3,
    defs: [asinDef, flagDef],
    uiSchema: {},
    defaultWindow: { kind: "last_days", n: 14 },
    ...over,
  };
}

function preview(over: Partial<ValidationResponse> = {}): ValidationResponse {
  return {
    valid: true,
    errors: [],
    formErrors: [],
    warnings: [],
    previewSql: "SELECT 1",
    timeWindow: {
      start: "2024-05-01T00:00:00",
      end: "2024-05-31T00:00:00",
      timeZone: "UTC",
      firstDay: "2024-05-01",
      lastDay: "2024-05-30",
      days: 30,
      lagDays: 14,
      provisional: false,
      startUtc: "2024-05-01T00:00:00Z",
      endUtc: "2024-05-31T00:00:00Z",
    },
    estimatedCost: "low",
    ...over,
  };
}

const instances = [
  { instanceId: "amcsandbox01", instanceName: "Sandbox", instanceType: "SANDBOX", advertiserTimezone: "America/New_York" },
  { instanceId: "amcother", instanceName: "Other", instanceType: "STANDARD", advertiserTimezone: "UTC" },
];
const start = (t: BuilderTemplate | null = null) => initialBuilderState({ initialTemplate: t, instances, idempotencyKey: "key-1" });
const run = (s: BuilderState, ...actions: BuilderAction[]) => actions.reduce(builderReducer, s);
const failure = (message: string, fieldErrors?: Record<string, string[]>) => ({ ok: false as const, error: { code: "VALIDATION_ERROR" as const, message, fieldErrors } });

describe("initial state", () => {
  it("starts on step 1 without a template, on step 2 with one, with its defaults", () => {
    expect(start().step).toBe(1);
    expect(start().window.preset).toBe("last_30");
    const s = start(template());
    expect(s.step).toBe(2);
    expect(s.instanceId).toBe("amcsandbox01");
    expect(s.values).toEqual({ asins: "", halo: true });
    expect(s.window.preset).toBe("last_14");
    expect(s.idempotencyKey).toBe("key-1");
  });
});

describe("choosing a template", () => {
  it("resets values, touched fields, window, preview and the typed-name flag, and goes to step 2", () => {
    const before = run(start(template()), { type: "setValue", name: "asins", value: "B0" }, { type: "touch", name: "asins" }, { type: "setName", name: "Mine" });
    const next = template({ templateId: "other", defs: [flagDef], defaultWindow: { kind: "previous_month" } });
    const s = run(before, { type: "goTo", step: 1 }, { type: "templateLoading", templateId: "other" }, { type: "templateLoaded", answer: { ok: true, data: next } });
    expect(s).toMatchObject({ step: 2, loadingTemplate: null, values: { halo: true }, touched: {}, showAll: false, preview: null, nameTouched: false, name: "Mine" });
    expect(s.window.preset).toBe("previous_month");
  });

  it("keeps the step and says why when the template does not load", () => {
    const s = run(start(), { type: "templateLoading", templateId: "x" }, { type: "templateLoaded", answer: failure("Not found") });
    expect(s).toMatchObject({ step: 1, loadingTemplate: null, previewError: "Not found" });
  });
});

describe("fields", () => {
  it("touching twice returns the same state", () => {
    const s = run(start(template()), { type: "touch", name: "asins" });
    expect(builderReducer(s, { type: "touch", name: "asins" })).toBe(s);
  });

  it("shows errors of touched fields only, until everything is shown", () => {
    const s = start(template());
    expect(visibleFieldErrors(s)).toEqual({});
    expect(visibleFieldErrors(run(s, { type: "touch", name: "asins" }))).toEqual({ asins: "ASINs is required." });
    expect(visibleFieldErrors(run(s, { type: "previewRequested" }))).toEqual({ asins: "ASINs is required." });
  });

  it("adds the server's error of a list item, naming the item", () => {
    const s = run(start(template()), { type: "setValue", name: "asins", value: "B000000001\nB000000002" }, { type: "touch", name: "asins" });
    const answered = run(s, { type: "liveChecked", answer: { ok: true, data: preview({ valid: false, errors: [{ field: "asins.1", code: "invalid", message: "not allowed" }] }) } });
    expect(visibleFieldErrors(answered).asins).toBe('"B000000002": not allowed');
  });

  it("builds the request only with a template and an instance", () => {
    expect(requestOf(start(), "UTC")).toBeNull();
    expect(requestOf(start(template()), "Europe/Paris")).toEqual({
      templateId: "asin_purchases",
      instanceId: "amcsandbox01",
      values: { asins: "", halo: true },
      window: { kind: "last_days", n: 14 },
      timezone: "Europe/Paris",
    });
  });
});

describe("previews", () => {
  it("a live answer replaces the preview, a live failure clears it", () => {
    const s = run(start(template()), { type: "liveCheckStarted" });
    expect(s.checking).toBe(true);
    const ok = run(s, { type: "liveChecked", answer: { ok: true, data: preview() } });
    expect(ok).toMatchObject({ checking: false, previewError: null });
    const failed = run(ok, { type: "liveChecked", answer: failure("Boom") });
    expect(failed).toMatchObject({ checking: false, preview: null, previewError: "Boom" });
  });

  it("'Next: preview' moves to step 3 only when valid, and keeps the old preview on failure", () => {
    const s = run(start(template()), { type: "liveChecked", answer: { ok: true, data: preview() } }, { type: "previewRequested" });
    expect(s).toMatchObject({ showAll: true, checking: true });
    expect(run(s, { type: "previewChecked", answer: { ok: true, data: preview({ valid: false }) }, latest: true })).toMatchObject({ step: 2, checking: false });
    expect(run(s, { type: "previewChecked", answer: { ok: true, data: preview() }, latest: true }).step).toBe(3);
    const failed = run(s, { type: "previewChecked", answer: failure("Down"), latest: false });
    expect(failed).toMatchObject({ step: 2, checking: true, previewError: "Down" });
    expect(failed.preview).not.toBeNull();
  });
});

describe("how to run and review", () => {
  const ready = () => run(start(template()), { type: "liveChecked", answer: { ok: true, data: preview() } });
  const plan: NewBackfillPreview = {
    zone: "UTC",
    segmentType: "weekly",
    lookbackDays: 28,
    firstDay: "2024-04-03",
    lastDay: "2024-04-30",
    endDate: "2024-05-01",
    defaultEndDate: "2024-05-01",
    lagDays: 14,
    segments: [],
    duration: { minutes: 1, text: "about 1 minute" },
  };

  it("preview → how to run (step 4) → review (step 5), offering {Brand} - {Template} - {start} - {end} until a name is typed", () => {
    const s = run(ready(), { type: "toRunStep" });
    expect(s.step).toBe(4);
    const reviewed = run(s, { type: "toReview", brand: "Copperleaf" });
    expect(reviewed).toMatchObject({ step: 5, name: "Copperleaf - ASIN Purchases - 2024-05-01 - 2024-05-30" });
    // Back, another way: the offered name follows it.
    const backfill = run(reviewed, { type: "goTo", step: 4 }, { type: "setRunKind", kind: "backfill" }, { type: "backfillChecked", answer: { ok: true, data: plan } }, { type: "toReview", brand: "Copperleaf" });
    expect(backfill.name).toBe("Copperleaf - ASIN Purchases - 2024-04-03 - 2024-04-30");
    const recurring = run(backfill, { type: "goTo", step: 4 }, { type: "setRunKind", kind: "recurring" }, { type: "toReview", brand: "Copperleaf" });
    expect(recurring.name).toBe("Copperleaf - ASIN Purchases - Weekly");
    const typed = run(recurring, { type: "setName", name: "Mine" }, { type: "goTo", step: 4 }, { type: "setRunKind", kind: "once" }, { type: "toReview", brand: "Copperleaf" });
    expect(typed).toMatchObject({ name: "Mine", runKind: "once" });
  });

  it("the zone defaults to the instance's advertiser zone and follows the instance until one is chosen", () => {
    const s = start(template());
    expect(zoneOf(s, instances)).toBe("America/New_York");
    expect(zoneOf(run(s, { type: "setInstance", instanceId: "amcother" }), instances)).toBe("UTC");
    expect(zoneOf(run(s, { type: "setZone", zone: "Europe/Paris" }, { type: "setInstance", instanceId: "amcother" }), instances)).toBe("Europe/Paris");
  });

  it("sends the chosen way: once with its key, a schedule with 'also run now', a backfill with its last day", () => {
    const s = ready();
    expect(runOf(s)).toEqual({ kind: "once", idempotencyKey: "key-1" });
    const recurring = run(s, { type: "setRunKind", kind: "recurring" });
    expect(runOf(recurring)).toEqual({ kind: "schedule", schedule: { preset: "weekly", time: "03:00", weekday: "1" } });
    expect(runOf(run(recurring, { type: "setAlsoRunNow", value: true }))).toMatchObject({ kind: "schedule", alsoRunNow: true, idempotencyKey: "key-1" });
    const backfill = run(s, { type: "setRunKind", kind: "backfill" }, { type: "setBackfill", patch: { lookbackDays: "28" } });
    expect(runOf(backfill)).toEqual({ kind: "backfill", lookbackDays: 28, segmentType: "weekly" });
    expect(runOf(run(backfill, { type: "setBackfill", patch: { endDate: "2024-05-01" } }))).toMatchObject({ endDate: "2024-05-01" });
  });

  it("a preset resets the time to its default; custom keeps it", () => {
    const s = run(ready(), { type: "setSchedule", patch: { time: "07:30", weekday: "4" } }, { type: "setSchedulePreset", preset: "monthly" });
    expect(s.schedule).toMatchObject({ preset: "monthly", time: "04:00", weekday: "4" });
    expect(run(s, { type: "setSchedule", patch: { time: "08:00" } }, { type: "setSchedulePreset", preset: "custom" }).schedule.time).toBe("08:00");
  });

  it("sends only the chosen preset's fields", () => {
    const base = { time: "03:00", weekday: "1", day: "L", cron: "0 3 * * 1" };
    expect(scheduleSpec({ ...base, preset: "weekly" })).toEqual({ preset: "weekly", time: "03:00", weekday: "1" });
    expect(scheduleSpec({ ...base, preset: "quarterly" })).toEqual({ preset: "quarterly", time: "03:00", day: "L" });
    expect(scheduleSpec({ ...base, preset: "custom" })).toEqual({ preset: "custom", cron: "0 3 * * 1" });
  });

  it("a schedule or backfill answer replaces the preview or the error", () => {
    const failed = run(ready(), { type: "scheduleChecked", answer: failure("Bad cron", { "schedule.cron": ["Bad"] }) });
    expect(failed.scheduleError?.message).toBe("Bad cron");
    expect(failed.schedulePreview).toBeNull();
    const planned = run(ready(), { type: "backfillChecked", answer: { ok: true, data: plan } });
    expect(planned.backfillPreview).toEqual(plan);
    const refused = run(planned, { type: "backfillChecked", answer: failure("Too far", { endDate: ["Too far"] }) });
    expect(refused).toMatchObject({ backfillPreview: null, backfillError: { message: "Too far" } });
  });

  it("'Next: preview' is pending until its own answer comes", () => {
    const s = run(ready(), { type: "previewRequested" });
    expect(s.previewing).toBe(true);
    expect(run(s, { type: "previewChecked", answer: { ok: true, data: preview() }, latest: false }).previewing).toBe(false);
  });

  it("a refused save goes back to the step that owns the field, with every error showing", () => {
    const s = run(ready(), { type: "toRunStep" }, { type: "toReview", brand: "B" }, { type: "submitStarted" });
    expect(s).toMatchObject({ submitting: true, submitError: null });
    expect(run(s, { type: "submitFailed", error: failure("Bad", { name: ["Too long"] }).error })).toMatchObject({ step: 5, submitting: false, showAll: false });
    expect(run(s, { type: "submitFailed", error: failure("Bad", { "values.asins": ["Required"] }).error })).toMatchObject({ step: 2, showAll: true });
    expect(run(s, { type: "submitFailed", error: failure("Bad", { timezone: ["Unknown"] }).error }).step).toBe(2);
    expect(run(s, { type: "submitFailed", error: failure("Bad", { "schedule.cron": ["Bad"] }).error }).step).toBe(4);
    expect(run(s, { type: "submitFailed", error: failure("Bad", { endDate: ["Too late"] }).error }).step).toBe(4);
  });
});
