"use client";

import type { SegmentType } from "@/db/schema/collections";
import type { ErrorBody } from "@/lib/errors";
import type { NewBackfillPreview } from "@/lib/reports/new-backfill";
import { addDays } from "@/lib/params/zoned";
import { inputClass, Labeled, Options } from "@/app/_components/form";
import type { BackfillFieldValues } from "./builder-state";

const LOOKBACK_PRESETS = [30, 90, 180, 365];
const SEGMENT_OPTIONS: { value: SegmentType; label: string }[] = [
  { value: "daily", label: "Daily (1 day each)" },
  { value: "weekly", label: "Weekly (7 days each)" },
  { value: "monthly", label: "Monthly (calendar months)" },
  { value: "quarterly", label: "Quarterly (calendar quarters)" },
];

/**
 * The Backfill way: lookback, segment type and the last day (inclusive, as people count; the
 * server's end anchor is the day after), then the segments the server plans, newest first, and
 * a rough duration. Empty last day = today − the template's lag, in the report's zone.
 */
export function BackfillFields({
  idPrefix,
  values,
  onChange,
  preview,
  error,
}: {
  idPrefix: string;
  values: BackfillFieldValues;
  onChange: (patch: Partial<BackfillFieldValues>) => void;
  preview: NewBackfillPreview | null;
  error: ErrorBody | null;
}) {
  const message = (key: string) => error?.fieldErrors?.[key]?.[0];
  const fieldError = (key: string) =>
    message(key) ? (
      <p data-testid={`backfill-${key}-error`} className="mt-1 text-sm text-red-700">
        {message(key)}
      </p>
    ) : null;
  const lastDay = values.endDate ? addDays(values.endDate, -1) : "";
  const fieldKeys = ["lookbackDays", "endDate", "segmentType"];
  const otherError = error && !Object.keys(error.fieldErrors ?? {}).some((k) => fieldKeys.includes(k)) ? error.message : null;
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <Labeled id={`${idPrefix}-lookback`} label="Lookback (days)">
          <input
            id={`${idPrefix}-lookback`}
            type="number"
            min={1}
            max={365}
            value={values.lookbackDays}
            onChange={(e) => onChange({ lookbackDays: e.target.value })}
            aria-invalid={Boolean(message("lookbackDays"))}
            className={inputClass}
          />
          <div className="mt-1 flex gap-1" aria-label="Lookback presets">
            {LOOKBACK_PRESETS.map((p) => (
              <button
                key={p}
                type="button"
                onClick={() => onChange({ lookbackDays: String(p) })}
                aria-pressed={String(p) === values.lookbackDays}
                className={`rounded border px-1.5 py-0.5 text-xs ${String(p) === values.lookbackDays ? "border-indigo-500 bg-indigo-50 text-indigo-800" : "border-slate-300 text-slate-600 hover:bg-slate-50"}`}
              >
                {p} d
              </button>
            ))}
          </div>
          {fieldError("lookbackDays")}
        </Labeled>
        <Labeled id={`${idPrefix}-segment`} label="Segment">
          <select
            id={`${idPrefix}-segment`}
            value={values.segmentType}
            onChange={(e) => onChange({ segmentType: e.target.value as SegmentType })}
            className={inputClass}
          >
            <Options options={SEGMENT_OPTIONS} />
          </select>
        </Labeled>
        <Labeled id={`${idPrefix}-last-day`} label="Last day">
          <input
            id={`${idPrefix}-last-day`}
            type="date"
            value={lastDay}
            onChange={(e) => onChange({ endDate: e.target.value ? addDays(e.target.value, 1) : "" })}
            aria-invalid={Boolean(message("endDate"))}
            className={inputClass}
          />
          {fieldError("endDate") ??
            (preview && (
              <p className="mt-1 text-xs text-slate-500">
                {values.endDate ? (
                  <button type="button" className="text-indigo-700 underline" onClick={() => onChange({ endDate: "" })}>
                    Back to the default ({addDays(preview.defaultEndDate, -1)})
                  </button>
                ) : (
                  `Default: ${addDays(preview.defaultEndDate, -1)}, the day before today − the ${preview.lagDays}-day data lag.`
                )}
              </p>
            ))}
        </Labeled>
      </div>
      {otherError && <p className="text-sm text-red-700">{otherError}</p>}
      {preview && !error && (
        <div data-testid="backfill-segments" data-count={preview.segments.length} className="rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm">
          <p className="font-medium text-slate-900">
            {preview.segments.length} {preview.segmentType} segment{preview.segments.length === 1 ? "" : "s"}: {preview.firstDay} – {preview.lastDay}{" "}
            <span className="font-normal text-slate-600">
              ({preview.lookbackDays} days, {preview.zone})
            </span>
          </p>
          <p data-testid="backfill-duration" className="mt-1 text-slate-700">
            Rough duration: {preview.duration.text}. Newest first, so recent data arrives first.
          </p>
          <ol className="mt-2 max-h-48 overflow-y-auto text-xs tabular-nums text-slate-700">
            {preview.segments.map((s) => (
              <li key={s.start} data-testid="backfill-segment">
                {s.start} – {s.lastDay} · {s.days} day{s.days === 1 ? "" : "s"}
                {s.partial ? " · partial" : ""}
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
