"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState, useSyncExternalStore, useTransition } from "react";
import type { ErrorBody } from "@/lib/errors";
import { PRESET_DEFAULTS, PRESETS, WEEKDAYS, type Preset } from "@/lib/scheduler/presets";
import type { SchedulePreview } from "@/lib/scheduler/schedules";
import { createScheduleAction, previewScheduleAction, updateScheduleAction } from "./schedule-actions";

export type PresetChoice = Preset | "custom";

export interface ScheduleFormValues {
  preset: PresetChoice;
  time: string;
  weekday: string;
  day: string;
  cron: string;
  /** null: the browser's zone. */
  timezone: string | null;
}

export const NEW_SCHEDULE: ScheduleFormValues = { preset: "weekly", time: "03:00", weekday: "1", day: "1", cron: "0 3 * * 1", timezone: null };

const PRESET_LABELS: Record<PresetChoice, string> = {
  daily: "Daily",
  weekly: "Weekly",
  monthly: "Monthly",
  quarterly: "Quarterly (Jan, Apr, Jul, Oct)",
  custom: "Custom cron",
};

// The viewer's zone: unknown on the server (and while hydrating), read from the browser after.
const noSubscribe = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const useBrowserZone = () => useSyncExternalStore(noSubscribe, browserZone, () => null);

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

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none aria-[invalid=true]:border-red-400";

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
  const viewerZone = useBrowserZone();
  const [values, setValues] = useState(initial);
  const [preview, setPreview] = useState<SchedulePreview | null>(null);
  const [previewError, setPreviewError] = useState<ErrorBody | null>(null);
  const [submitError, setSubmitError] = useState<ErrorBody | null>(null);
  const [saving, startSaving] = useTransition();

  const timezone = values.timezone ?? viewerZone ?? "UTC";
  const zoneOptions = useMemo(() => (zones.includes(timezone) ? zones : [timezone, ...zones]), [zones, timezone]);
  const spec = useMemo(() => specOf(values, timezone), [values, timezone]);

  // Ask the server what this schedule would do (it validates with the same rules as saving).
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      const result = await previewScheduleAction({ reportId, schedule: spec });
      if (cancelled) return;
      if (result.ok) {
        setPreview(result.data);
        setPreviewError(null);
      } else {
        setPreview(null);
        setPreviewError(result.error);
      }
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [reportId, spec]);

  const errors = { ...previewError?.fieldErrors, ...submitError?.fieldErrors };
  const fieldError = (name: string) => errors[`schedule.${name}`]?.[0];
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

  const field = (name: string) => ({
    id: `schedule-${name}`,
    "aria-invalid": Boolean(fieldError(name)),
    "aria-describedby": fieldError(name) ? `schedule-${name}-error` : undefined,
  });
  const error = (name: string) =>
    fieldError(name) ? (
      <p id={`schedule-${name}-error`} data-testid={`schedule-${name}-error`} className="mt-1 text-xs text-red-700">
        {fieldError(name)}
      </p>
    ) : null;

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
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="schedule-preset" className="block text-xs font-medium text-slate-600">Schedule</label>
          <select {...field("preset")} value={values.preset} onChange={(e) => choosePreset(e.target.value as PresetChoice)} className={inputClass}>
            {[...PRESETS, "custom" as const].map((p) => (
              <option key={p} value={p}>{PRESET_LABELS[p]}</option>
            ))}
          </select>
        </div>

        {values.preset === "custom" ? (
          <div className="sm:col-span-2">
            <label htmlFor="schedule-cron" className="block text-xs font-medium text-slate-600">Cron expression</label>
            <input
              {...field("cron")}
              type="text"
              autoComplete="off"
              spellCheck={false}
              maxLength={200}
              placeholder="0 3 * * 1"
              value={values.cron}
              onChange={(e) => set({ cron: e.target.value })}
              className={`${inputClass} font-mono`}
            />
            {error("cron") ?? <p className="mt-1 text-xs text-slate-500">minute hour day-of-month month weekday; at most hourly.</p>}
          </div>
        ) : (
          <>
            <div>
              <label htmlFor="schedule-time" className="block text-xs font-medium text-slate-600">Time</label>
              <input {...field("time")} type="time" required value={values.time} onChange={(e) => set({ time: e.target.value })} className={inputClass} />
              {error("time")}
            </div>
            {values.preset === "weekly" && (
              <div>
                <label htmlFor="schedule-weekday" className="block text-xs font-medium text-slate-600">Weekday</label>
                <select {...field("weekday")} value={values.weekday} onChange={(e) => set({ weekday: e.target.value })} className={inputClass}>
                  {WEEKDAYS.map((name, i) => (
                    <option key={name} value={String(i)}>{name}</option>
                  ))}
                </select>
                {error("weekday")}
              </div>
            )}
            {(values.preset === "monthly" || values.preset === "quarterly") && (
              <div>
                <label htmlFor="schedule-day" className="block text-xs font-medium text-slate-600">Day of month</label>
                <select {...field("day")} value={values.day} onChange={(e) => set({ day: e.target.value })} className={inputClass}>
                  {Array.from({ length: 28 }, (_, i) => String(i + 1)).map((d) => (
                    <option key={d} value={d}>{d}</option>
                  ))}
                  <option value="L">Last day</option>
                </select>
                {error("day")}
              </div>
            )}
          </>
        )}

        <div>
          <label htmlFor="schedule-timezone" className="block text-xs font-medium text-slate-600">Time zone</label>
          <select {...field("timezone")} value={timezone} onChange={(e) => set({ timezone: e.target.value })} className={inputClass}>
            {zoneOptions.map((z) => (
              <option key={z} value={z}>{z}</option>
            ))}
          </select>
          {error("timezone")}
        </div>
      </div>

      <div data-testid="schedule-preview" aria-live="polite" className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
        {preview ? (
          <>
            <p className="font-medium text-slate-800">
              {preview.description} <code className="ml-1 font-mono text-xs text-slate-500">{preview.cron}</code>
            </p>
            {preview.warnings.map((w) => (
              <p key={w} className="mt-1 text-xs text-amber-800">{w}</p>
            ))}
            <p className="mt-2 text-xs font-medium text-slate-600">Next 5 runs ({preview.timezone})</p>
            <ol className="mt-1 space-y-0.5">
              {preview.runs.map((r) => (
                <li key={r.at} data-testid="schedule-preview-run" className="tabular-nums">
                  {r.local}
                  {r.window && <span className="ml-2 text-xs text-slate-500">covers {r.window}</span>}
                </li>
              ))}
            </ol>
          </>
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
        <button
          type="submit"
          disabled={saving}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          {saving ? "Saving…" : scheduleId ? "Save schedule" : "Add schedule"}
        </button>
        {onDone && scheduleId && (
          <button type="button" onClick={onDone} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
