import type { SegmentType } from "@/db/schema/collections";
import type { ErrorBody } from "@/lib/errors";
import type { NewSchedulePreview } from "@/lib/reports/definitions";
import type { NewBackfillPreview } from "@/lib/reports/new-backfill";
import type { ValidationResponse } from "@/lib/reports/validate";
import { PRESET_DEFAULTS } from "@/lib/scheduler/presets";
import type { BuilderInstance, BuilderTemplate } from "@/lib/templates/queries";
import { clientError, initialFormValues, submitValues, type FormValue, type FormValues } from "../_builder/param-values";
import { paramServerErrors } from "../_builder/preview-errors";
import type { PresetChoice, ScheduleFieldValues } from "../_builder/schedule-fields";
import { windowSpecOf, windowStateOf, type WindowState } from "../_builder/window-state";

/**
 * The new-report wizard's state and the one pure function that changes it. All state lives
 * here, so going back keeps what was typed; the server's answers come in as actions.
 */

export type Step = 1 | 2 | 3 | 4 | 5;
/** How to run (product.md §2): once now, on a schedule, or a backfill of past windows. */
export type RunKind = "once" | "recurring" | "backfill";

export interface BackfillFieldValues {
  lookbackDays: string;
  segmentType: SegmentType;
  /** Exclusive end anchor; "" = today − the template's lag. */
  endDate: string;
}
type Answer<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface BuilderState {
  step: Step;
  template: BuilderTemplate | null;
  /** The template whose definition is being fetched (its card says "Loading…"). */
  loadingTemplate: string | null;
  instanceId: string;
  values: FormValues;
  touched: Record<string, boolean>;
  /** Show every field's error, touched or not (after "Next: preview" or a refused save). */
  showAll: boolean;
  window: WindowState;
  /** null: the instance's advertiser zone (AMC's day columns are in it). */
  zoneChoice: string | null;
  preview: ValidationResponse | null;
  previewError: string | null;
  checking: boolean;
  /** "Next: preview" is waiting for its own answer (its button stays disabled meanwhile). */
  previewing: boolean;
  name: string;
  nameTouched: boolean;
  description: string;
  runKind: RunKind;
  schedule: ScheduleFieldValues;
  schedulePreview: NewSchedulePreview | null;
  scheduleError: ErrorBody | null;
  /** Recurring: a first run of the current window at once, beside the schedule. */
  alsoRunNow: boolean;
  backfill: BackfillFieldValues;
  backfillPreview: NewBackfillPreview | null;
  backfillError: ErrorBody | null;
  submitting: boolean;
  submitError: ErrorBody | null;
  /** One key per wizard: a retried "Run once now" creates one run. */
  idempotencyKey: string;
}

export type BuilderAction =
  | { type: "goTo"; step: Step }
  | { type: "templateLoading"; templateId: string }
  | { type: "templateLoaded"; answer: Answer<BuilderTemplate> }
  | { type: "setInstance"; instanceId: string }
  | { type: "setValue"; name: string; value: FormValue }
  | { type: "touch"; name: string }
  | { type: "setWindow"; window: WindowState }
  | { type: "setZone"; zone: string }
  | { type: "liveCheckStarted" }
  | { type: "liveChecked"; answer: Answer<ValidationResponse> }
  | { type: "previewRequested" }
  | { type: "previewChecked"; answer: Answer<ValidationResponse>; latest: boolean }
  | { type: "toRunStep" }
  | { type: "toReview"; brand: string }
  | { type: "setRunKind"; kind: RunKind }
  | { type: "setAlsoRunNow"; value: boolean }
  | { type: "setBackfill"; patch: Partial<BackfillFieldValues> }
  | { type: "backfillChecked"; answer: Answer<NewBackfillPreview> }
  | { type: "setName"; name: string }
  | { type: "setDescription"; description: string }
  | { type: "setSchedule"; patch: Partial<ScheduleFieldValues> }
  | { type: "setSchedulePreset"; preset: PresetChoice }
  | { type: "scheduleChecked"; answer: Answer<NewSchedulePreview> }
  | { type: "submitStarted" }
  | { type: "submitFailed"; error: ErrorBody };

/** What each step after the template choice is given: the state (a template chosen) and its dispatch. */
export interface StepProps {
  state: BuilderState & { template: NonNullable<BuilderState["template"]> };
  dispatch: (action: BuilderAction) => void;
}

export function initialBuilderState({
  initialTemplate,
  instances,
  idempotencyKey,
}: {
  initialTemplate: BuilderTemplate | null;
  instances: BuilderInstance[];
  idempotencyKey: string;
}): BuilderState {
  return {
    step: initialTemplate ? 2 : 1,
    template: initialTemplate,
    loadingTemplate: null,
    instanceId: instances[0]?.instanceId ?? "",
    values: initialTemplate ? initialFormValues(initialTemplate.defs) : {},
    touched: {},
    showAll: false,
    window: windowStateOf(initialTemplate?.defaultWindow ?? { kind: "last_days", n: 30 }),
    zoneChoice: null,
    preview: null,
    previewError: null,
    checking: false,
    previewing: false,
    name: "",
    nameTouched: false,
    description: "",
    runKind: "once",
    schedule: { preset: "weekly", time: PRESET_DEFAULTS.weekly.time, weekday: "1", day: "1", cron: "0 3 * * 1" },
    schedulePreview: null,
    scheduleError: null,
    alsoRunNow: false,
    backfill: { lookbackDays: "90", segmentType: "weekly", endDate: "" },
    backfillPreview: null,
    backfillError: null,
    submitting: false,
    submitError: null,
    idempotencyKey,
  };
}

const PRESET_NAMES: Record<ScheduleFieldValues["preset"], string> = { daily: "Daily", weekly: "Weekly", monthly: "Monthly", quarterly: "Quarterly", custom: "Scheduled" };

/**
 * The name offered until one is typed, the original's convention `{Brand} - {Template} - {start}
 * - {end}` with the days the report covers (inclusive, in its zone): the window for Once, the
 * whole backfilled range for Backfill. A schedule's dates move with every run, so Recurring
 * names its cadence instead of dates.
 */
export function defaultName(s: BuilderState, brand: string): string | null {
  if (!s.template) return null;
  const head = `${brand} - ${s.template.name}`;
  switch (s.runKind) {
    case "once":
      return s.preview ? `${head} - ${s.preview.timeWindow.firstDay} - ${s.preview.timeWindow.lastDay}` : null;
    case "backfill":
      return s.backfillPreview ? `${head} - ${s.backfillPreview.firstDay} - ${s.backfillPreview.lastDay}` : null;
    case "recurring":
      return `${head} - ${PRESET_NAMES[s.schedule.preset]}`;
  }
}

/** A save refused for values or dates belongs to step 2: back there, with the errors showing. */
function isStep2Field(key: string): boolean {
  return key.startsWith("values.") || key.startsWith("window") || key === "timezone";
}

/** A save refused for the schedule or the backfill belongs to step 4 (How to run). */
function isStep4Field(key: string): boolean {
  return key.startsWith("schedule.") || key === "lookbackDays" || key === "endDate" || key === "segmentType";
}

export function builderReducer(s: BuilderState, a: BuilderAction): BuilderState {
  switch (a.type) {
    case "goTo":
      return { ...s, step: a.step };
    case "templateLoading":
      return { ...s, loadingTemplate: a.templateId };
    case "templateLoaded": {
      if (!a.answer.ok) return { ...s, loadingTemplate: null, previewError: a.answer.error.message };
      const t = a.answer.data;
      return {
        ...s,
        loadingTemplate: null,
        template: t,
        values: initialFormValues(t.defs),
        touched: {},
        showAll: false,
        window: windowStateOf(t.defaultWindow),
        preview: null,
        nameTouched: false,
        step: 2,
      };
    }
    case "setInstance":
      return { ...s, instanceId: a.instanceId };
    case "setValue":
      return { ...s, values: { ...s.values, [a.name]: a.value } };
    case "touch":
      return s.touched[a.name] ? s : { ...s, touched: { ...s.touched, [a.name]: true } };
    case "setWindow":
      return { ...s, window: a.window };
    case "setZone":
      return { ...s, zoneChoice: a.zone };
    case "liveCheckStarted":
      return { ...s, checking: true };
    case "liveChecked":
      return a.answer.ok
        ? { ...s, checking: false, preview: a.answer.data, previewError: null }
        : { ...s, checking: false, preview: null, previewError: a.answer.error.message };
    case "previewRequested":
      return { ...s, showAll: true, checking: true, previewing: true };
    case "previewChecked": {
      // A newer live check owns "checking" when this answer is not the latest.
      const checked = a.latest ? { ...s, checking: false, previewing: false } : { ...s, previewing: false };
      if (!a.answer.ok) return { ...checked, previewError: a.answer.error.message };
      return { ...checked, preview: a.answer.data, previewError: null, step: a.answer.data.valid ? 3 : checked.step };
    }
    case "toRunStep":
      return { ...s, step: 4 };
    case "toReview": {
      const name = s.nameTouched ? s.name : (defaultName(s, a.brand) ?? s.name);
      return { ...s, name, step: 5, submitError: null };
    }
    case "setRunKind":
      return { ...s, runKind: a.kind };
    case "setAlsoRunNow":
      return { ...s, alsoRunNow: a.value };
    case "setBackfill":
      return { ...s, backfill: { ...s.backfill, ...a.patch } };
    case "backfillChecked":
      return a.answer.ok
        ? { ...s, backfillPreview: a.answer.data, backfillError: null }
        : { ...s, backfillPreview: null, backfillError: a.answer.error };
    case "setName":
      return { ...s, name: a.name, nameTouched: true };
    case "setDescription":
      return { ...s, description: a.description };
    case "setSchedule":
      return { ...s, schedule: { ...s.schedule, ...a.patch } };
    case "setSchedulePreset":
      return { ...s, schedule: { ...s.schedule, preset: a.preset, time: a.preset === "custom" ? s.schedule.time : PRESET_DEFAULTS[a.preset].time } };
    case "scheduleChecked":
      return a.answer.ok
        ? { ...s, schedulePreview: a.answer.data, scheduleError: null }
        : { ...s, schedulePreview: null, scheduleError: a.answer.error };
    case "submitStarted":
      return { ...s, submitting: true, submitError: null };
    case "submitFailed": {
      const failed = { ...s, submitting: false, submitError: a.error };
      const keys = Object.keys(a.error.fieldErrors ?? {});
      if (keys.some(isStep2Field)) return { ...failed, showAll: true, step: 2 };
      return keys.some(isStep4Field) ? { ...failed, step: 4 } : failed;
    }
  }
}

/** The schedule as the builder sends it: only the chosen preset's fields, as typed. */
export function scheduleSpec(s: ScheduleFieldValues): Record<string, unknown> {
  switch (s.preset) {
    case "daily":
      return { preset: "daily", time: s.time };
    case "weekly":
      return { preset: "weekly", time: s.time, weekday: s.weekday };
    case "monthly":
    case "quarterly":
      return { preset: s.preset, time: s.time, day: s.day };
    case "custom":
      return { preset: "custom", cron: s.cron };
  }
}

/** The report's zone: the one chosen, else the instance's advertiser zone (AMC's day columns). */
export function zoneOf(s: Pick<BuilderState, "zoneChoice" | "instanceId">, instances: BuilderInstance[]): string {
  return s.zoneChoice ?? instances.find((i) => i.instanceId === s.instanceId)?.advertiserTimezone ?? "UTC";
}

/** The run part of the save, as the server takes it (createReportSchema's `run`). */
export function runOf(s: Pick<BuilderState, "runKind" | "schedule" | "alsoRunNow" | "backfill" | "idempotencyKey">) {
  switch (s.runKind) {
    case "once":
      return { kind: "once" as const, idempotencyKey: s.idempotencyKey };
    case "recurring":
      return { kind: "schedule" as const, schedule: scheduleSpec(s.schedule), ...(s.alsoRunNow ? { alsoRunNow: true, idempotencyKey: s.idempotencyKey } : {}) };
    case "backfill":
      return {
        kind: "backfill" as const,
        lookbackDays: Number(s.backfill.lookbackDays),
        segmentType: s.backfill.segmentType,
        ...(s.backfill.endDate ? { endDate: s.backfill.endDate } : {}),
      };
  }
}

/** What the preview and the save are asked about; null until a template and an instance are chosen. */
export function requestOf(s: Pick<BuilderState, "template" | "instanceId" | "values" | "window">, timezone: string) {
  const { template, instanceId } = s;
  if (!template || !instanceId) return null;
  return { templateId: template.templateId, instanceId, values: submitValues(template.defs, s.values), window: windowSpecOf(s.window), timezone };
}

/** Errors next to fields: the browser's check of touched fields, then the server's. */
export function visibleFieldErrors(s: Pick<BuilderState, "template" | "preview" | "values" | "touched" | "showAll">): Record<string, string> {
  if (!s.template) return {};
  const server = paramServerErrors(s.preview, s.template.defs, s.values);
  const out: Record<string, string> = {};
  for (const def of s.template.defs) {
    if (!s.showAll && !s.touched[def.name]) continue;
    const message = clientError(def, s.values[def.name]) ?? server[def.name];
    if (message) out[def.name] = message;
  }
  return out;
}
