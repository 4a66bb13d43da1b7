"use client";

import type { FieldErrors } from "@/lib/errors";
import { PRESETS, WEEKDAYS, type Preset } from "@/lib/scheduler/presets";
import { inputClass, Labeled, Options } from "@/app/_components/form";
import { TimeZoneSelect } from "./time-zone";

/**
 * The fields of a schedule (preset or cron, time, weekday or day of month, zone), shared by the
 * builder's "Save with a schedule" and the report page's schedule form. The host owns the values
 * and what choosing a preset resets; the server's messages come keyed "schedule.<field>".
 */

export type PresetChoice = Preset | "custom";

export interface ScheduleFieldValues {
  preset: PresetChoice;
  time: string;
  weekday: string;
  day: string;
  cron: string;
}

const PRESET_LABELS: Record<PresetChoice, string> = {
  daily: "Daily",
  weekly: "Weekly",
  monthly: "Monthly",
  quarterly: "Quarterly (Jan, Apr, Jul, Oct)",
  custom: "Custom cron",
};
const PRESET_OPTIONS = [...PRESETS, "custom" as const].map((p) => ({ value: p, label: PRESET_LABELS[p] }));
const WEEKDAY_OPTIONS = WEEKDAYS.map((label, i) => ({ value: String(i), label }));
const DAY_OPTIONS = [...Array.from({ length: 28 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) })), { value: "L", label: "Last day" }];

export function ScheduleFields({
  idPrefix,
  values,
  onChange,
  onPresetChange,
  zones,
  timezone,
  onTimezoneChange,
  errors,
  className = "grid gap-3 sm:grid-cols-2",
}: {
  /** Ids are `${idPrefix}-<field>`; one schedule form per page. */
  idPrefix: string;
  values: ScheduleFieldValues;
  onChange: (patch: Partial<ScheduleFieldValues>) => void;
  onPresetChange: (preset: PresetChoice) => void;
  zones: string[];
  timezone: string;
  onTimezoneChange: (zone: string) => void;
  /** The server's field errors (preview and save merged); only "schedule.*" keys are read. */
  errors: FieldErrors;
  className?: string;
}) {
  const message = (name: string) => errors[`schedule.${name}`]?.[0];
  const field = (name: string) => ({
    id: `${idPrefix}-${name}`,
    "aria-invalid": Boolean(message(name)),
    "aria-describedby": message(name) ? `${idPrefix}-${name}-error` : undefined,
  });
  const error = (name: string) =>
    message(name) ? (
      <p id={`${idPrefix}-${name}-error`} data-testid={`schedule-${name}-error`} className="mt-1 text-sm text-red-700">
        {message(name)}
      </p>
    ) : null;
  const select = (name: "weekday" | "day", label: string, options: { value: string; label: string }[]) => (
    <Labeled id={`${idPrefix}-${name}`} label={label}>
      <select {...field(name)} value={values[name]} onChange={(e) => onChange({ [name]: e.target.value })} className={inputClass}>
        <Options options={options} />
      </select>
      {error(name)}
    </Labeled>
  );

  return (
    <div className={className}>
      <Labeled id={`${idPrefix}-preset`} label="Schedule">
        <select {...field("preset")} value={values.preset} onChange={(e) => onPresetChange(e.target.value as PresetChoice)} className={inputClass}>
          <Options options={PRESET_OPTIONS} />
        </select>
      </Labeled>

      {values.preset === "custom" ? (
        <Labeled id={`${idPrefix}-cron`} label="Cron expression" className="sm:col-span-2">
          <input
            {...field("cron")}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            placeholder="0 3 * * 1"
            value={values.cron}
            onChange={(e) => onChange({ cron: e.target.value })}
            className={`${inputClass} font-mono`}
          />
          {error("cron") ?? <p className="mt-1 text-xs text-slate-500">minute hour day-of-month month weekday; at most hourly.</p>}
        </Labeled>
      ) : (
        <>
          <Labeled id={`${idPrefix}-time`} label="Time">
            <input {...field("time")} type="time" required value={values.time} onChange={(e) => onChange({ time: e.target.value })} className={inputClass} />
            {error("time")}
          </Labeled>
          {values.preset === "weekly" && select("weekday", "Weekday", WEEKDAY_OPTIONS)}
          {(values.preset === "monthly" || values.preset === "quarterly") && select("day", "Day of month", DAY_OPTIONS)}
        </>
      )}

      <TimeZoneSelect id={`${idPrefix}-timezone`} zones={zones} value={timezone} onChange={onTimezoneChange} error={error("timezone")} />
    </div>
  );
}
