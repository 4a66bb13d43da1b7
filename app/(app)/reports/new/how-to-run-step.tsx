"use client";

import { useId } from "react";
import { ErrorBanner } from "@/app/_components/form";
import { ScheduleFields } from "../_builder/schedule-fields";
import { ScheduleRuns } from "../_builder/schedule-runs";
import { ZoneWarning } from "../_builder/time-zone";
import { BackfillFields } from "./backfill-fields";
import type { RunKind, StepProps } from "./builder-state";
import { StepNav } from "./step-nav";
import { StepWindowPicker } from "./step-window";

const WAYS: { kind: RunKind; label: string; hint: string }[] = [
  { kind: "once", label: "Once", hint: "One run now, over the dates below." },
  { kind: "recurring", label: "Recurring", hint: "On a schedule; each run covers the window below, relative to its run time." },
  { kind: "backfill", label: "Backfill", hint: "Past windows, segment by segment, to fill a dashboard with history." },
];

/**
 * Step 4, How to run (product.md §2): Once (the dates), Recurring (schedule, window mode, the next
 * 3 runs with the days each covers, "also run now") or Backfill (lookback, segments, last day,
 * the planned segments and a rough duration). Every number shown is the server's answer.
 */
export function HowToRunStep({
  state,
  dispatch,
  zones,
  timezone,
  advertiserZone,
  windowErrors,
  onNext,
}: StepProps & {
  zones: string[];
  timezone: string;
  advertiserZone: string;
  windowErrors: string[];
  onNext: () => void;
}) {
  const id = useId();
  const { runKind, preview, schedulePreview, scheduleError, submitError } = state;
  const scheduleErrors = { ...(scheduleError?.fieldErrors ?? {}), ...(submitError?.fieldErrors ?? {}) };
  const windowPicker = <StepWindowPicker state={state} dispatch={dispatch} errors={windowErrors} />;
  // Decided on the server's latest answers: a window being re-checked is not ready yet.
  const windowReady = Boolean(preview?.valid) && !state.checking;
  const ready =
    runKind === "once"
      ? windowReady
      : runKind === "recurring"
        ? windowReady && Boolean(schedulePreview && !scheduleError)
        : Boolean(state.backfillPreview && !state.backfillError);
  return (
    <section aria-labelledby={`${id}-s4`} className="space-y-5">
      <h2 id={`${id}-s4`} className="text-lg font-semibold">
        How to run
      </h2>
      <ErrorBanner error={submitError} testId="submit-error" />
      <fieldset className="grid max-w-3xl gap-2 sm:grid-cols-3">
        <legend className="sr-only">How to run</legend>
        {WAYS.map((w) => (
          <label
            key={w.kind}
            className={`flex cursor-pointer gap-2 rounded-md border p-3 text-sm ${runKind === w.kind ? "border-indigo-500 bg-indigo-50" : "border-slate-200 hover:bg-slate-50"}`}
          >
            <input type="radio" name={`${id}-way`} checked={runKind === w.kind} onChange={() => dispatch({ type: "setRunKind", kind: w.kind })} className="mt-0.5" />
            <span>
              <span className="block font-medium text-slate-900">{w.label}</span>
              <span className="block text-xs text-slate-600">{w.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <div className="max-w-3xl space-y-3">
        {runKind === "once" && (
          <>
            {windowPicker}
            {preview && (
              <p data-testid="once-window" className="text-sm text-slate-700">
                Runs now over {preview.timeWindow.firstDay} – {preview.timeWindow.lastDay} ({preview.timeWindow.days} days, {preview.timeWindow.timeZone}).
              </p>
            )}
          </>
        )}

        {runKind === "recurring" && (
          <>
            <fieldset data-testid="schedule-fields" className="space-y-3 rounded-md border border-slate-200 p-3">
              <legend className="px-1 text-sm font-semibold text-slate-700">Repeat</legend>
              <ScheduleFields
                idPrefix={`${id}-schedule`}
                values={state.schedule}
                onChange={(patch) => dispatch({ type: "setSchedule", patch })}
                onPresetChange={(preset) => dispatch({ type: "setSchedulePreset", preset })}
                zones={zones}
                timezone={timezone}
                onTimezoneChange={(zone) => dispatch({ type: "setZone", zone })}
                errors={scheduleErrors}
              />
              <p className="text-xs text-slate-500">The report&apos;s dates are computed in this time zone too.</p>
              {scheduleError && !Object.keys(scheduleError.fieldErrors ?? {}).some((k) => k.startsWith("schedule.")) && (
                <p className="text-sm text-red-700">{scheduleError.message}</p>
              )}
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={state.alsoRunNow} onChange={(e) => dispatch({ type: "setAlsoRunNow", value: e.target.checked })} className="h-4 w-4 rounded border-slate-300" />
                Also run now (the current window, without waiting for the first slot)
              </label>
            </fieldset>
            {windowPicker}
            {schedulePreview && (
              <div data-testid="schedule-preview-new" className="rounded-md border border-slate-200 bg-white p-3 text-sm">
                <ScheduleRuns preview={schedulePreview} runTestId="next-run" limit={3} />
              </div>
            )}
          </>
        )}

        {runKind === "backfill" && (
          <BackfillFields
            idPrefix={`${id}-backfill`}
            values={state.backfill}
            onChange={(patch) => dispatch({ type: "setBackfill", patch })}
            preview={state.backfillPreview}
            error={state.backfillError}
          />
        )}

        <ZoneWarning zone={timezone} advertiserZone={advertiserZone} onUseAdvertiserZone={() => dispatch({ type: "setZone", zone: advertiserZone })} />
      </div>

      <StepNav onBack={() => dispatch({ type: "goTo", step: 3 })} onNext={onNext} next="Next: review" nextDisabled={!ready} />
    </section>
  );
}
