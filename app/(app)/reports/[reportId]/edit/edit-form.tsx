"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { BuilderTemplate } from "@/db/queries/templates";
import type { ErrorBody } from "@/lib/errors";
import type { WindowSpec } from "@/lib/params/window";
import type { ValidationResponse } from "@/lib/reports/validate";
import { inputClass } from "@/app/_components/form";
import { previewAction } from "../../new/actions";
import {
  clientError,
  errorsByField,
  initialFormValues,
  ParamFields,
  submitValues,
  TimeZoneSelect,
  WindowPicker,
  windowSpecOf,
  windowStateOf,
  type FormValue,
  type FormValues,
  type WindowState,
} from "../../new/param-form";
import { WindowSummary } from "../../new/wizard";
import { updateReportAction } from "./actions";

/** Edit a report's name, values, dates and zone, with the same live server preview as the builder. */
export function EditReportForm({
  report,
  template,
  zones,
  scheduleZone,
}: {
  report: { reportId: string; name: string; description: string; instanceId: string; values: Record<string, unknown>; window: WindowSpec; timezone: string };
  template: BuilderTemplate;
  zones: string[];
  /** Set when the report runs on a schedule: its zone is the schedule's. */
  scheduleZone: string | null;
}) {
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState(report.name);
  const [description, setDescription] = useState(report.description);
  const [values, setValues] = useState<FormValues>(() => initialFormValues(template.defs, report.values));
  const [windowState, setWindowState] = useState<WindowState>(() => windowStateOf(report.window));
  const [timezone, setTimezone] = useState(report.timezone);
  const [preview, setPreview] = useState<ValidationResponse | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);

  const request = useMemo(
    () => ({ templateId: template.templateId, instanceId: report.instanceId, values: submitValues(template.defs, values), window: windowSpecOf(windowState), timezone }),
    [template, report.instanceId, values, windowState, timezone],
  );
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    const t = setTimeout(async () => {
      const r = await previewAction(request);
      if (mine !== seq.current) return;
      setPreview(r.ok ? r.data : null);
      if (!r.ok) setError(r.error);
    }, 300);
    return () => clearTimeout(t);
  }, [request]);

  const fieldErrors = useMemo(() => {
    const server = preview ? errorsByField(preview.errors.filter((e) => !e.field.startsWith("window") && e.field !== "timezone"), template.defs, values) : {};
    const saved = error?.fieldErrors ?? {};
    const out: Record<string, string> = {};
    for (const def of template.defs) {
      const m = clientError(def, values[def.name]) ?? server[def.name] ?? saved[`values.${def.name}`]?.[0];
      if (m) out[def.name] = m;
    }
    return out;
  }, [preview, template.defs, values, error]);
  const windowErrors = [
    ...(preview?.errors.filter((e) => e.field.startsWith("window") || e.field === "timezone").map((e) => e.message) ?? []),
    ...(preview?.formErrors.filter((e) => e.code === "provisional_window").map((e) => e.message) ?? []),
  ];

  async function save() {
    setSaving(true);
    setError(null);
    const r = await updateReportAction({
      reportId: report.reportId,
      name,
      description: description || undefined,
      values: request.values,
      window: request.window,
      timezone,
    });
    setSaving(false);
    if (r.ok) router.push(`/reports/${report.reportId}`);
    else setError(r.error);
  }

  return (
    <div className="space-y-5">
      {error && (
        <p role="alert" data-testid="edit-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.message}
        </p>
      )}
      <div className="grid max-w-3xl gap-4">
        <div>
          <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-800">
            Report name
          </label>
          <input id={`${id}-name`} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} className={inputClass} />
        </div>
        <div>
          <label htmlFor={`${id}-description`} className="block text-sm font-medium text-slate-800">
            Description (optional)
          </label>
          <textarea id={`${id}-description`} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} className={inputClass} />
        </div>
        {scheduleZone ? (
          <p className="text-sm text-slate-600">
            Time zone: <strong>{scheduleZone}</strong> (the schedule&apos;s; change it on the schedule).
          </p>
        ) : (
          <TimeZoneSelect id={`${id}-zone`} zones={zones} value={timezone} onChange={setTimezone} />
        )}
      </div>
      <WindowPicker state={windowState} onChange={setWindowState} dataLagDays={template.dataLagDays} errors={windowErrors} provisional={preview?.timeWindow.provisional ?? false} />
      <ParamFields
        defs={template.defs}
        ui={template.uiSchema}
        values={values}
        errors={fieldErrors}
        onChange={(n: string, v: FormValue) => setValues((prev) => ({ ...prev, [n]: v }))}
        onBlur={() => {}}
      />
      {preview && (
        <div className="space-y-2">
          <WindowSummary preview={preview} />
          {preview.warnings.map((w) => (
            <p key={w.message} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {w.message}
            </p>
          ))}
          {preview.formErrors
            .filter((e) => e.code !== "provisional_window")
            .map((e) => (
              <p key={e.message} className="text-sm text-red-700">
                {e.message}
              </p>
            ))}
          <details>
            <summary className="cursor-pointer text-sm text-indigo-700">SQL the next run would send (if run now)</summary>
            <pre data-testid="preview-sql" className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
              {preview.previewSql ?? "(not valid yet)"}
            </pre>
          </details>
        </div>
      )}
      <div className="flex gap-3">
        <button type="button" onClick={save} disabled={saving || !preview?.valid} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
          {saving ? "Saving…" : "Save changes"}
        </button>
        <button type="button" onClick={() => router.push(`/reports/${report.reportId}`)} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-50">
          Cancel
        </button>
      </div>
    </div>
  );
}
