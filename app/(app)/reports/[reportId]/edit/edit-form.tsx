"use client";

import { useRouter } from "next/navigation";
import { useId, useMemo, useState } from "react";
import type { BuilderTemplate } from "@/lib/templates/queries";
import type { ErrorBody } from "@/lib/errors";
import type { WindowSpec } from "@/lib/params/window";
import type { ValidationResponse } from "@/lib/reports/validate";
import { buttonClass, ErrorBanner } from "@/app/_components/form";
import { useDebouncedCall } from "@/app/_components/use-debounced-call";
import { ParamFields } from "../../_builder/param-fields";
import { ReportNameFields } from "../../_builder/report-name-fields";
import { clientError, initialFormValues, submitValues, type FormValue, type FormValues } from "../../_builder/param-values";
import { otherFormErrors, paramServerErrors, windowMessages } from "../../_builder/preview-errors";
import { TimeZoneSelect } from "../../_builder/time-zone";
import { WindowPicker } from "../../_builder/window-picker";
import { windowSpecOf, windowStateOf, type WindowState } from "../../_builder/window-state";
import { WindowSummary } from "../../_builder/window-summary";
// The builder's preview action is the validate-parameters endpoint; editing asks it the same.
import { previewAction } from "../../new/actions";
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
  useDebouncedCall(request, previewAction, (r) => {
    setPreview(r.ok ? r.data : null);
    if (!r.ok) setError(r.error);
  });

  const fieldErrors = useMemo(() => {
    const server = paramServerErrors(preview, template.defs, values);
    const saved = error?.fieldErrors ?? {};
    const out: Record<string, string> = {};
    for (const def of template.defs) {
      const m = clientError(def, values[def.name]) ?? server[def.name] ?? saved[`values.${def.name}`]?.[0];
      if (m) out[def.name] = m;
    }
    return out;
  }, [preview, template.defs, values, error]);

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
      <ErrorBanner error={error} testId="edit-error" />
      <div className="grid max-w-3xl gap-4">
        <ReportNameFields
          idPrefix={id}
          name={name}
          description={description}
          onName={setName}
          onDescription={setDescription}
          nameError={error?.fieldErrors?.name?.[0]}
        />
        {scheduleZone ? (
          <p className="text-sm text-slate-600">
            Time zone: <strong>{scheduleZone}</strong> (the schedule&apos;s; change it on the schedule).
          </p>
        ) : (
          <TimeZoneSelect id={`${id}-zone`} zones={zones} value={timezone} onChange={setTimezone} />
        )}
      </div>
      <WindowPicker state={windowState} onChange={setWindowState} dataLagDays={template.dataLagDays} errors={windowMessages(preview)} provisional={preview?.timeWindow.provisional ?? false} />
      <ParamFields
        defs={template.defs}
        ui={template.uiSchema}
        values={values}
        errors={fieldErrors}
        onChange={(n: string, v: FormValue) => setValues((prev) => ({ ...prev, [n]: v }))}
        onBlur={() => {}}
        instanceId={report.instanceId}
      />
      {preview && (
        <div className="space-y-2">
          <WindowSummary preview={preview} />
          {preview.warnings.map((w) => (
            <p key={w.message} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {w.message}
            </p>
          ))}
          {otherFormErrors(preview).map((e) => (
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
        <button type="button" onClick={save} disabled={saving || !preview?.valid} className={buttonClass("primary", "lg")}>
          {saving ? "Saving…" : "Save changes"}
        </button>
        <button type="button" disabled={saving} onClick={() => router.push(`/reports/${report.reportId}`)} className={buttonClass("secondary", "lg")}>
          Cancel
        </button>
      </div>
    </div>
  );
}
