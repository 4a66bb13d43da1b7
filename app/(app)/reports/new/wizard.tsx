"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { BuilderInstance, BuilderTemplate, TemplateCard } from "@/db/queries/templates";
import type { ErrorBody } from "@/lib/errors";
import type { NewSchedulePreview } from "@/lib/reports/definitions";
import type { ValidationResponse } from "@/lib/reports/validate";
import { PRESET_DEFAULTS, PRESETS, WEEKDAYS } from "@/lib/scheduler/presets";
import { inputClass } from "@/app/_components/form";
import { createReportAction, loadTemplateAction, previewAction, schedulePreviewAction } from "./actions";
import {
  clientError,
  errorsByField,
  initialFormValues,
  ParamFields,
  submitValues,
  TimeZoneSelect,
  useBrowserTimeZone,
  WindowPicker,
  windowSpecOf,
  windowStateOf,
  type FormValue,
  type FormValues,
  type WindowState,
} from "./param-form";
import { TemplateTags } from "@/app/_components/template-tags";

/**
 * The new-report wizard: 1 template, 2 instance and parameters (with the dates and zone),
 * 3 preview (the exact SQL the server renders, the resolved window, warnings), 4 name and run
 * once now or save with a schedule. All state lives here, so going back keeps what was typed.
 * Every check is the server's (the preview action is the validate-parameters endpoint).
 */

type Step = 1 | 2 | 3 | 4;
const STEPS: { n: Step; label: string }[] = [
  { n: 1, label: "Template" },
  { n: 2, label: "Instance & parameters" },
  { n: 3, label: "Preview" },
  { n: 4, label: "Name & run" },
];

type ScheduleKind = (typeof PRESETS)[number] | "custom";
interface ScheduleState {
  preset: ScheduleKind;
  time: string;
  weekday: string;
  day: string;
  cron: string;
}

function scheduleSpec(s: ScheduleState): Record<string, unknown> {
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

const buttonPrimary = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60";
const buttonSecondary = "rounded-md border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-50 disabled:opacity-60";

export interface WizardProps {
  templates: TemplateCard[];
  categories: string[];
  search: { q: string; category: string };
  instances: BuilderInstance[];
  zones: string[];
  initialTemplate: BuilderTemplate | null;
}

export function ReportWizard({ templates, categories, search, instances, zones, initialTemplate }: WizardProps) {
  const router = useRouter();
  const id = useId();
  const browserZone = useBrowserTimeZone();

  const [step, setStep] = useState<Step>(initialTemplate ? 2 : 1);
  const [template, setTemplate] = useState<BuilderTemplate | null>(initialTemplate);
  const [loadingTemplate, setLoadingTemplate] = useState<string | null>(null);
  const [instanceId, setInstanceId] = useState(instances[0]?.instanceId ?? "");
  const [values, setValues] = useState<FormValues>(() => (initialTemplate ? initialFormValues(initialTemplate.defs) : {}));
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [showAll, setShowAll] = useState(false);
  const [windowState, setWindowState] = useState<WindowState>(() => windowStateOf(initialTemplate?.defaultWindow ?? { kind: "last_days", n: 30 }));
  const [zoneChoice, setZoneChoice] = useState<string | null>(null);
  const timezone = zoneChoice ?? browserZone;

  const [preview, setPreview] = useState<ValidationResponse | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [description, setDescription] = useState("");
  const [runKind, setRunKind] = useState<"once" | "schedule">("once");
  const [schedule, setSchedule] = useState<ScheduleState>({ preset: "weekly", time: PRESET_DEFAULTS.weekly.time, weekday: "1", day: "1", cron: "0 3 * * 1" });
  const [schedulePreview, setSchedulePreview] = useState<NewSchedulePreview | null>(null);
  const [scheduleError, setScheduleError] = useState<ErrorBody | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<ErrorBody | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const request = useMemo(
    () =>
      template && instanceId
        ? { templateId: template.templateId, instanceId, values: submitValues(template.defs, values), window: windowSpecOf(windowState), timezone }
        : null,
    [template, instanceId, values, windowState, timezone],
  );

  // Live preview, debounced: the server renders and validates; stale answers are ignored.
  const seq = useRef(0);
  useEffect(() => {
    if (!request) return;
    const mine = ++seq.current;
    const t = setTimeout(async () => {
      if (mine !== seq.current) return;
      setChecking(true);
      const r = await previewAction(request);
      if (mine !== seq.current) return; // a newer check owns "checking" now
      setChecking(false);
      if (r.ok) {
        setPreview(r.data);
        setPreviewError(null);
      } else {
        setPreview(null);
        setPreviewError(r.error.message);
      }
    }, 300);
    return () => clearTimeout(t);
  }, [request]);

  // Next runs of the schedule being set up (step 4).
  const scheduleSeq = useRef(0);
  useEffect(() => {
    if (step !== 4 || runKind !== "schedule" || !template) return;
    const mine = ++scheduleSeq.current;
    const t = setTimeout(async () => {
      const r = await schedulePreviewAction({ templateId: template.templateId, window: windowSpecOf(windowState), timezone, schedule: scheduleSpec(schedule) });
      if (mine !== scheduleSeq.current) return;
      if (r.ok) {
        setSchedulePreview(r.data);
        setScheduleError(null);
      } else {
        setSchedulePreview(null);
        setScheduleError(r.error);
      }
    }, 300);
    return () => clearTimeout(t);
  }, [step, runKind, template, windowState, timezone, schedule]);

  async function chooseTemplate(templateId: string) {
    if (template?.templateId === templateId) {
      setStep(2);
      return;
    }
    setLoadingTemplate(templateId);
    const r = await loadTemplateAction({ templateId });
    setLoadingTemplate(null);
    if (!r.ok) {
      setPreviewError(r.error.message);
      return;
    }
    setTemplate(r.data);
    setValues(initialFormValues(r.data.defs));
    setTouched({});
    setShowAll(false);
    setWindowState(windowStateOf(r.data.defaultWindow));
    setPreview(null);
    setNameTouched(false);
    setStep(2);
  }

  // Errors next to fields: the browser's check of touched fields, then the server's.
  const fieldErrors = useMemo(() => {
    if (!template) return {};
    const server = preview ? errorsByField(preview.errors.filter((e) => !e.field.startsWith("window") && e.field !== "timezone"), template.defs, values) : {};
    const out: Record<string, string> = {};
    for (const def of template.defs) {
      if (!showAll && !touched[def.name]) continue;
      const message = clientError(def, values[def.name]) ?? server[def.name];
      if (message) out[def.name] = message;
    }
    return out;
  }, [template, preview, values, touched, showAll]);

  const windowErrors = useMemo(() => {
    if (!preview) return [];
    return [
      ...preview.errors.filter((e) => e.field.startsWith("window") || e.field === "timezone").map((e) => e.message),
      ...preview.formErrors.filter((e) => e.code === "provisional_window").map((e) => e.message),
    ];
  }, [preview]);
  const formErrors = preview?.formErrors.filter((e) => e.code !== "provisional_window") ?? [];

  function update(nameOf: string, v: FormValue) {
    setValues((prev) => ({ ...prev, [nameOf]: v }));
  }

  async function toPreview() {
    if (!request) return;
    setShowAll(true);
    // Decide on a fresh answer, not a debounced one that may be a keystroke old.
    const mine = ++seq.current;
    setChecking(true);
    const r = await previewAction(request);
    if (mine === seq.current) setChecking(false);
    if (!r.ok) {
      setPreviewError(r.error.message);
      return;
    }
    setPreview(r.data);
    setPreviewError(null);
    if (r.data.valid) setStep(3);
  }

  function toNameStep() {
    if (!nameTouched && template && preview) {
      setName(runKind === "once" ? `${template.name} - ${preview.timeWindow.firstDay} - ${preview.timeWindow.lastDay}` : `${template.name} - ${schedule.preset}`);
    }
    setStep(4);
  }

  function chooseRunKind(kind: "once" | "schedule") {
    setRunKind(kind);
    if (!nameTouched && template && preview) {
      setName(kind === "once" ? `${template.name} - ${preview.timeWindow.firstDay} - ${preview.timeWindow.lastDay}` : `${template.name} - ${schedule.preset}`);
    }
  }

  async function submit() {
    if (!request) return;
    setSubmitting(true);
    setSubmitError(null);
    const r = await createReportAction({
      ...request,
      name,
      description: description || undefined,
      run: runKind === "once" ? { kind: "once", idempotencyKey } : { kind: "schedule", schedule: scheduleSpec(schedule) },
    });
    if (r.ok) {
      router.push(`/reports/${r.data.reportId}`);
      return;
    }
    setSubmitting(false);
    setSubmitError(r.error);
    // Problems with values or dates belong to step 2: go back there, with the errors showing.
    const keys = Object.keys(r.error.fieldErrors ?? {});
    if (keys.some((k) => k.startsWith("values.") || k.startsWith("window") || k === "timezone")) {
      setShowAll(true);
      setStep(2);
    }
  }

  const scheduleFieldErrors = { ...(scheduleError?.fieldErrors ?? {}), ...(submitError?.fieldErrors ?? {}) };
  const scheduleMessage = (key: string) => scheduleFieldErrors[`schedule.${key}`]?.[0];

  return (
    <div className="space-y-6">
      <ol className="flex flex-wrap gap-2 text-sm" aria-label="Steps">
        {STEPS.map((s) => (
          <li key={s.n}>
            <span
              aria-current={step === s.n ? "step" : undefined}
              className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 ${step === s.n ? "bg-indigo-600 text-white" : step > s.n ? "bg-indigo-100 text-indigo-800" : "bg-slate-100 text-slate-500"}`}
            >
              <span className="font-semibold">{s.n}</span> {s.label}
            </span>
          </li>
        ))}
      </ol>

      {previewError && (
        <p role="alert" data-testid="builder-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {previewError}
        </p>
      )}

      {step === 1 && (
        <TemplateStep
          templates={templates}
          categories={categories}
          search={search}
          chosen={template?.templateId ?? null}
          loading={loadingTemplate}
          onChoose={chooseTemplate}
          onSearch={(q, category) => {
            const params = new URLSearchParams();
            if (q) params.set("q", q);
            if (category) params.set("category", category);
            router.replace(`/reports/new${params.size ? `?${params}` : ""}`, { scroll: false });
          }}
        />
      )}

      {step === 2 && template && (
        <section aria-labelledby={`${id}-s2`} className="space-y-5">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id={`${id}-s2`} className="text-lg font-semibold">
              {template.name}
            </h2>
            <button type="button" onClick={() => setStep(1)} className="text-sm text-indigo-700 hover:underline">
              Change template
            </button>
          </div>
          {template.question && <p className="text-sm text-slate-600">{template.question}</p>}
          <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
            <div className="space-y-5">
              <div className="grid gap-3 sm:grid-cols-2">
                <div>
                  <label htmlFor={`${id}-instance`} className="block text-sm font-medium text-slate-800">
                    AMC instance
                  </label>
                  <select id={`${id}-instance`} value={instanceId} onChange={(e) => setInstanceId(e.target.value)} className={inputClass}>
                    {instances.length === 0 && <option value="">No instance available</option>}
                    {instances.map((i) => (
                      <option key={i.instanceId} value={i.instanceId}>
                        {i.instanceName} ({i.instanceId}){i.instanceType === "SANDBOX" ? " · sandbox" : ""}
                      </option>
                    ))}
                  </select>
                  {instances.length === 0 && (
                    <p className="mt-1 text-sm text-amber-800">You have no active AMC instance. Ask an admin to grant you one in Settings.</p>
                  )}
                </div>
                <TimeZoneSelect id={`${id}-zone`} zones={zones} value={timezone} onChange={setZoneChoice} />
              </div>
              <WindowPicker
                state={windowState}
                onChange={setWindowState}
                dataLagDays={template.dataLagDays}
                errors={windowErrors}
                provisional={preview?.timeWindow.provisional ?? false}
              />
              <ParamFields
                defs={template.defs}
                ui={template.uiSchema}
                values={values}
                errors={fieldErrors}
                onChange={update}
                onBlur={(n) => setTouched((t) => (t[n] ? t : { ...t, [n]: true }))}
              />
              {showAll && formErrors.length > 0 && (
                <ul role="alert" className="space-y-1 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                  {formErrors.map((e) => (
                    <li key={e.message}>{e.message}</li>
                  ))}
                </ul>
              )}
            </div>
            <LiveStatus preview={preview} checking={checking} />
          </div>
          <div className="flex gap-3">
            <button type="button" onClick={() => setStep(1)} className={buttonSecondary}>
              Back
            </button>
            <button type="button" onClick={toPreview} disabled={!request} className={buttonPrimary}>
              Next: preview
            </button>
          </div>
        </section>
      )}

      {step === 3 && template && preview && (
        <section aria-labelledby={`${id}-s3`} className="space-y-4">
          <h2 id={`${id}-s3`} className="text-lg font-semibold">
            Preview
          </h2>
          <WindowSummary preview={preview} />
          {preview.warnings.length > 0 && (
            <ul className="space-y-1">
              {preview.warnings.map((w) => (
                <li key={w.message} data-testid="preview-warning" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                  {w.message}
                </li>
              ))}
            </ul>
          )}
          <div>
            <p className="text-sm font-medium text-slate-800">The SQL that will run</p>
            <p className="text-xs text-slate-500">
              Rendered by the server from template version {template.version}; the first run sends exactly this text.
            </p>
            <pre data-testid="preview-sql" className="mt-2 max-h-[28rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
              {preview.previewSql ?? "(not valid yet)"}
            </pre>
          </div>
          <div className="flex gap-3">
            <button type="button" onClick={() => setStep(2)} className={buttonSecondary}>
              Back
            </button>
            <button type="button" onClick={toNameStep} disabled={!preview.valid} className={buttonPrimary}>
              Next: name and run
            </button>
          </div>
        </section>
      )}

      {step === 4 && template && (
        <section aria-labelledby={`${id}-s4`} className="space-y-5">
          <h2 id={`${id}-s4`} className="text-lg font-semibold">
            Name and run
          </h2>
          {submitError && (
            <p role="alert" data-testid="submit-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {submitError.message}
            </p>
          )}
          <div className="grid max-w-3xl gap-4">
            <div>
              <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-800">
                Report name
              </label>
              <input
                id={`${id}-name`}
                value={name}
                maxLength={200}
                onChange={(e) => {
                  setName(e.target.value);
                  setNameTouched(true);
                }}
                aria-invalid={Boolean(submitError?.fieldErrors?.name)}
                className={inputClass}
              />
              {submitError?.fieldErrors?.name && <p className="mt-1 text-sm text-red-700">{submitError.fieldErrors.name[0]}</p>}
            </div>
            <div>
              <label htmlFor={`${id}-description`} className="block text-sm font-medium text-slate-800">
                Description (optional)
              </label>
              <textarea id={`${id}-description`} rows={2} value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} className={inputClass} />
            </div>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">How to run</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name={`${id}-run`} checked={runKind === "once"} onChange={() => chooseRunKind("once")} />
                Run once now
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name={`${id}-run`} checked={runKind === "schedule"} onChange={() => chooseRunKind("schedule")} />
                Save with a schedule
              </label>
            </fieldset>

            {runKind === "schedule" && (
              <fieldset data-testid="schedule-fields" className="space-y-3 rounded-md border border-slate-200 p-3">
                <legend className="px-1 text-sm font-semibold text-slate-700">Repeat</legend>
                <div className="grid gap-3 sm:grid-cols-2">
                  <div>
                    <label htmlFor={`${id}-preset`} className="block text-sm font-medium text-slate-800">
                      Schedule
                    </label>
                    <select
                      id={`${id}-preset`}
                      value={schedule.preset}
                      onChange={(e) => {
                        const preset = e.target.value as ScheduleKind;
                        setSchedule((s) => ({ ...s, preset, time: preset === "custom" ? s.time : PRESET_DEFAULTS[preset].time }));
                      }}
                      className={inputClass}
                    >
                      {PRESETS.map((p) => (
                        <option key={p} value={p}>
                          {p[0]!.toUpperCase() + p.slice(1)}
                        </option>
                      ))}
                      <option value="custom">Custom cron</option>
                    </select>
                  </div>
                  {schedule.preset === "custom" ? (
                    <div>
                      <label htmlFor={`${id}-cron`} className="block text-sm font-medium text-slate-800">
                        Cron expression
                      </label>
                      <input id={`${id}-cron`} value={schedule.cron} onChange={(e) => setSchedule((s) => ({ ...s, cron: e.target.value }))} className={`${inputClass} font-mono`} />
                      {scheduleMessage("cron") && <p className="mt-1 text-sm text-red-700">{scheduleMessage("cron")}</p>}
                    </div>
                  ) : (
                    <div>
                      <label htmlFor={`${id}-time`} className="block text-sm font-medium text-slate-800">
                        Time
                      </label>
                      <input id={`${id}-time`} type="time" value={schedule.time} onChange={(e) => setSchedule((s) => ({ ...s, time: e.target.value }))} className={inputClass} />
                      {scheduleMessage("time") && <p className="mt-1 text-sm text-red-700">{scheduleMessage("time")}</p>}
                    </div>
                  )}
                  {schedule.preset === "weekly" && (
                    <div>
                      <label htmlFor={`${id}-weekday`} className="block text-sm font-medium text-slate-800">
                        Weekday
                      </label>
                      <select id={`${id}-weekday`} value={schedule.weekday} onChange={(e) => setSchedule((s) => ({ ...s, weekday: e.target.value }))} className={inputClass}>
                        {WEEKDAYS.map((d, i) => (
                          <option key={d} value={String(i)}>
                            {d}
                          </option>
                        ))}
                      </select>
                    </div>
                  )}
                  {(schedule.preset === "monthly" || schedule.preset === "quarterly") && (
                    <div>
                      <label htmlFor={`${id}-day`} className="block text-sm font-medium text-slate-800">
                        Day of month
                      </label>
                      <select id={`${id}-day`} value={schedule.day} onChange={(e) => setSchedule((s) => ({ ...s, day: e.target.value }))} className={inputClass}>
                        {Array.from({ length: 28 }, (_, i) => String(i + 1)).map((d) => (
                          <option key={d} value={d}>
                            {d}
                          </option>
                        ))}
                        <option value="L">Last day</option>
                      </select>
                    </div>
                  )}
                  <TimeZoneSelect id={`${id}-schedule-zone`} zones={zones} value={timezone} onChange={setZoneChoice} />
                </div>
                <p className="text-xs text-slate-500">The report&apos;s dates are computed in this time zone too.</p>
                {scheduleMessage("timezone") && <p className="text-sm text-red-700">{scheduleMessage("timezone")}</p>}
                {scheduleError && !Object.keys(scheduleError.fieldErrors ?? {}).some((k) => k.startsWith("schedule.")) && (
                  <p className="text-sm text-red-700">{scheduleError.message}</p>
                )}
                {schedulePreview && (
                  <div data-testid="schedule-preview-new" className="text-sm">
                    <p className="font-medium text-slate-800">
                      {schedulePreview.description} <code className="ml-1 font-mono text-xs text-slate-500">{schedulePreview.cron}</code>
                    </p>
                    {schedulePreview.warnings.map((w) => (
                      <p key={w} className="text-xs text-amber-800">
                        {w}
                      </p>
                    ))}
                    <p className="mt-2 text-xs font-medium uppercase tracking-wide text-slate-500">Next 5 runs ({schedulePreview.timezone})</p>
                    <ol className="mt-1 space-y-0.5">
                      {schedulePreview.runs.map((r) => (
                        <li key={r.at} data-testid="next-run" className="tabular-nums">
                          {r.local}
                          {r.window && <span className="text-slate-500"> · covers {r.window}</span>}
                        </li>
                      ))}
                    </ol>
                  </div>
                )}
              </fieldset>
            )}
          </div>
          <div className="flex gap-3">
            <button type="button" onClick={() => setStep(3)} className={buttonSecondary} disabled={submitting}>
              Back
            </button>
            <button type="button" onClick={submit} disabled={submitting || !name.trim()} className={buttonPrimary}>
              {submitting ? "Saving…" : runKind === "once" ? "Run once now" : "Save with schedule"}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}

function TemplateStep({
  templates,
  categories,
  search,
  chosen,
  loading,
  onChoose,
  onSearch,
}: {
  templates: TemplateCard[];
  categories: string[];
  search: { q: string; category: string };
  chosen: string | null;
  loading: string | null;
  onChoose: (templateId: string) => void;
  onSearch: (q: string, category: string) => void;
}) {
  const id = useId();
  const [q, setQ] = useState(search.q);
  return (
    <section className="space-y-4" aria-label="Choose a template">
      <form
        role="search"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(q.trim(), search.category);
        }}
      >
        <div className="min-w-64 flex-1">
          <label htmlFor={`${id}-q`} className="block text-sm font-medium text-slate-800">
            Search templates
          </label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="ROAS, ASIN, reach…" className={inputClass} />
        </div>
        <div>
          <label htmlFor={`${id}-category`} className="block text-sm font-medium text-slate-800">
            Category
          </label>
          <select id={`${id}-category`} value={search.category} onChange={(e) => onSearch(q.trim(), e.target.value)} className={inputClass}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonSecondary}>
          Search
        </button>
      </form>
      {templates.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-sm text-slate-600">No template matches. Try another word or category.</p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {templates.map((t) => (
            <li key={t.templateId} data-testid="template-card" className={`flex flex-col rounded-lg border bg-white p-4 ${chosen === t.templateId ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200"}`}>
              <div className="flex items-start justify-between gap-2">
                <h3 className="font-semibold text-slate-900">{t.name}</h3>
                <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t.category}</span>
              </div>
              {t.question && <p className="mt-1 text-sm text-slate-700">{t.question}</p>}
              {t.description && <p className="mt-1 line-clamp-3 text-xs text-slate-500">{t.description}</p>}
              <TemplateTags reportType={t.reportType} tags={t.tags} />
              <div className="mt-auto flex items-center justify-between gap-2 pt-3">
                <Link href={`/templates/${t.templateId}`} className="text-xs text-indigo-700 hover:underline">
                  SQL and details
                </Link>
                <button type="button" onClick={() => onChoose(t.templateId)} disabled={loading !== null} aria-label={`Choose ${t.name}`} className={buttonPrimary}>
                  {loading === t.templateId ? "Loading…" : chosen === t.templateId ? "Continue" : "Choose"}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LiveStatus({ preview, checking }: { preview: ValidationResponse | null; checking: boolean }) {
  return (
    <aside data-testid="live-status" className="h-fit space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm lg:sticky lg:top-4">
      <p className="font-medium text-slate-800">
        {checking || !preview ? "Checking…" : preview.valid ? "Ready to preview" : "Needs attention"}
        {preview && !checking && <span className={`ml-2 inline-block h-2 w-2 rounded-full ${preview.valid ? "bg-green-500" : "bg-red-500"}`} />}
      </p>
      {preview && (
        <>
          <p className="text-slate-700">
            {preview.timeWindow.firstDay} – {preview.timeWindow.lastDay} ({preview.timeWindow.days} days)
          </p>
          <p className="text-xs text-slate-500">
            {preview.timeWindow.timeZone} · data lag {preview.timeWindow.lagDays} days · estimated cost {preview.estimatedCost}
          </p>
          {!preview.valid && <p className="text-xs text-red-700">{preview.errors.length + preview.formErrors.length} problem(s) to fix</p>}
        </>
      )}
    </aside>
  );
}

export function WindowSummary({ preview }: { preview: ValidationResponse }) {
  const w = preview.timeWindow;
  return (
    <dl data-testid="preview-window" className="grid gap-x-6 gap-y-1 rounded-lg border border-slate-200 bg-white p-3 text-sm sm:grid-cols-2">
      <div>
        <dt className="text-xs text-slate-500">Dates</dt>
        <dd>
          {w.firstDay} – {w.lastDay} ({w.days} day{w.days === 1 ? "" : "s"}){w.provisional && <span className="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-900">provisional</span>}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Time zone</dt>
        <dd>{w.timeZone}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">AMC time window</dt>
        <dd className="font-mono text-xs">
          {w.start} → {w.end}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Data lag · estimated cost</dt>
        <dd>
          {w.lagDays} days · {preview.estimatedCost}
        </dd>
      </div>
    </dl>
  );
}
