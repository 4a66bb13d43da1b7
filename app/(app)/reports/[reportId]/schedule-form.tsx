"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import type { ErrorBody } from "@/lib/errors";
import { PRESET_DEFAULTS } from "@/lib/scheduler/presets";
import type { SchedulePreview } from "@/lib/scheduler/schedules";
import { buttonClass } from "@/app/_components/form";
import { useDebouncedCall } from "@/app/_components/use-debounced-call";
import { ScheduleFields, type PresetChoice, type ScheduleFieldValues } from "../_builder/schedule-fields";
import { ScheduleRuns } from "../_builder/schedule-runs";
import { useBrowserTimeZone } from "../_builder/time-zone";
import { createScheduleAction, previewScheduleAction, updateScheduleAction } from "./schedule-actions";

export interface ScheduleFormValues extends ScheduleFieldValues {
  /** null: the browser's zone. */
  timezone: string | null;
}

export const NEW_SCHEDULE: ScheduleFormValues = { preset: "weekly", time: "03:00", weekday: "1", day: "1", cron: "0 3 * * 1", timezone: null };

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
}: {
  reportId: string;
  zones: string[];
  initial?: ScheduleFormValues;
  /** Set when editing an existing schedule. */
  scheduleId?: string;
  onDone?: () => void;
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
    previewScheduleAction,
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
        : await createScheduleAction({ reportId, schedule: spec });
      if (result.ok) {
        onDone?.();
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
          <button type="button" onClick={onDone} className={buttonClass("secondary", "sm")}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
