"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import type { ErrorBody } from "@/lib/errors";
import { PRESET_DEFAULTS } from "@/lib/scheduler/presets";
import type { SchedulePreview } from "@/lib/scheduler/schedules";
import { buttonClass } from "@/app/_components/form";
import { useDebouncedCall } from "@/app/_components/use-debounced-call";
import { ScheduleFields, type PresetChoice } from "../_builder/schedule-fields";
import { NEW_SCHEDULE, type ScheduleFormValues } from "./schedule-values";
import { ScheduleRuns } from "../_builder/schedule-runs";
import { useBrowserTimeZone } from "../_builder/time-zone";
import { createScheduleAction, previewScheduleAction, previewScheduleFromRunAction, scheduleFromRunAction, updateScheduleAction } from "./schedule-actions";


/** *Schedule this*: the finished run whose values and window length the schedule takes. */
export interface FromRun {
  executionId: string;
  /** The run's values that differ from the report's (they become the schedule's overrides). */
  changedValues: Record<string, unknown>;
  /** The window each scheduled run covers, in words ("Last 14 complete days…"). */
  windowLabel: string;
  /** The run had its own window: saving sets the report's window to the run's length. */
  windowChanges: boolean;
  days: number;
}



/** Only the fields the chosen preset has: the server's strict schema refuses the others. */
function specOf(v: ScheduleFormValues, timezone: string) {
  switch (v.preset) {
    case "daily":
      return { preset: v.preset, time: v.time, timezone };
    case "weekly":
      return { preset: v.preset, time: v.time, weekday: Number(v.weekday), timezone };
    case "monthly":
    case "quarterly":
      return { preset: v.preset, time: v.time, day: v.day === "L" ? ("L" as const) : Number(v.day), timezone };
    case "custom":
      return { preset: v.preset, cron: v.cron, timezone };
  }
}

export function ScheduleForm({
  reportId,
  zones,
  initial = NEW_SCHEDULE,
  scheduleId,
  onDone,
  fromRun,
}: {
  reportId: string;
  zones: string[];
  initial?: ScheduleFormValues;
  /** Set when editing an existing schedule. */
  scheduleId?: string;
  onDone?: () => void;
  fromRun?: FromRun;
}) {
  const router = useRouter();
  // The viewer's zone: "UTC" on the server (and while hydrating), read from the browser after.
  const viewerZone = useBrowserTimeZone();
  const [values, setValues] = useState(initial);
  const [preview, setPreview] = useState<SchedulePreview | null>(null);
  const [previewError, setPreviewError] = useState<ErrorBody | null>(null);
  const [submitError, setSubmitError] = useState<ErrorBody | null>(null);
  const [saving, startSaving] = useTransition();

  const timezone = values.timezone ?? viewerZone;
  const spec = useMemo(() => specOf(values, timezone), [values, timezone]);
  const previewInput = useMemo(() => ({ reportId, schedule: spec }), [reportId, spec]);

  // Ask the server what this schedule would do (it validates with the same rules as saving).
  useDebouncedCall(
    previewInput,
    (i: typeof previewInput) => (fromRun ? previewScheduleFromRunAction({ ...i, executionId: fromRun.executionId }) : previewScheduleAction(i)),
    (result) => {
      if (result.ok) {
        setPreview(result.data);
        setPreviewError(null);
      } else {
        setPreview(null);
        setPreviewError(result.error);
      }
    },
    { delayMs: 250 },
  );

  const errors = { ...previewError?.fieldErrors, ...submitError?.fieldErrors };
  const set = (patch: Partial<ScheduleFormValues>) => {
    setSubmitError(null);
    setValues((v) => ({ ...v, ...patch }));
  };
  const choosePreset = (preset: PresetChoice) => {
    if (preset === "custom") return set({ preset, cron: preview?.cron ?? values.cron });
    const d = PRESET_DEFAULTS[preset];
    set({ preset, time: d.time, weekday: String(d.weekday ?? values.weekday), day: String(d.day ?? values.day) });
  };

  const save = () =>
    startSaving(async () => {
      const result = scheduleId
        ? await updateScheduleAction({ scheduleId, schedule: spec })
        : fromRun
          ? await scheduleFromRunAction({ reportId, executionId: fromRun.executionId, schedule: spec })
          : await createScheduleAction({ reportId, schedule: spec });
      if (result.ok) {
        onDone?.();
        // Off the ?scheduleFrom= address, so a reload shows the saved schedule, not the form.
        if (fromRun) router.replace(`/reports/${reportId}`);
        router.refresh();
      } else {
        setSubmitError(result.error);
      }
    });

  return (
    <form
      data-testid="schedule-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      className="space-y-4"
    >
      {fromRun && <FromRunNote fromRun={fromRun} />}
      <ScheduleFields
        idPrefix="schedule"
        values={values}
        onChange={set}
        onPresetChange={choosePreset}
        zones={zones}
        timezone={timezone}
        onTimezoneChange={(zone) => set({ timezone: zone })}
        errors={errors}
        className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4"
      />

      <div data-testid="schedule-preview" aria-live="polite" className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
        {preview ? (
          <ScheduleRuns preview={preview} runTestId="schedule-preview-run" />
        ) : previewError ? (
          <p role="alert" className="text-red-700">{previewError.message}</p>
        ) : (
          <p className="text-slate-500">Working out the next runs…</p>
        )}
      </div>

      {submitError && (
        <p role="alert" data-testid="schedule-error" className="text-sm text-red-700">{submitError.message}</p>
      )}
      <div className="flex gap-2">
        <button type="submit" disabled={saving} className={buttonClass("primary", "sm")}>
          {saving ? "Saving…" : scheduleId ? "Save schedule" : "Add schedule"}
        </button>
        {onDone && scheduleId && (
          <button type="button" disabled={saving} onClick={onDone} className={buttonClass("secondary", "sm")}>
            Cancel
          </button>
        )}
        {fromRun && (
          <Link href={`/reports/${reportId}`} className={buttonClass("secondary", "sm")}>
            Cancel
          </Link>
        )}
      </div>
    </form>
  );
}

/** What *Schedule this* takes from the run, shown above the timing fields. */
function FromRunNote({ fromRun }: { fromRun: FromRun }) {
  const values = Object.entries(fromRun.changedValues);
  return (
    <div data-testid="schedule-from-run" className="rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm text-slate-800">
      <p className="font-medium">
        From run <code className="font-mono text-xs">{fromRun.executionId}</code>
      </p>
      <p data-testid="schedule-from-run-window" className="mt-1">
        Each run covers: {fromRun.windowLabel}
        {fromRun.windowChanges && <span className="text-slate-600"> (this run&apos;s {fromRun.days} days; the report&apos;s window changes to match)</span>}
      </p>
      {values.length === 0 ? (
        <p className="mt-1 text-slate-600">Parameters: the report&apos;s own (the run used them unchanged).</p>
      ) : (
        <div className="mt-1">
          <p>Parameters from the run, used by every scheduled run:</p>
          <ul data-testid="schedule-from-run-values" className="mt-0.5 space-y-0.5">
            {values.map(([k, v]) => (
              <li key={k}>
                <code className="font-mono text-xs text-slate-500">{k}</code> {Array.isArray(v) ? v.join(", ") : String(v)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
