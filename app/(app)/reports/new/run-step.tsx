"use client";

import { useId } from "react";
import { buttonClass, ErrorBanner } from "@/app/_components/form";
import { ReportNameFields } from "../_builder/report-name-fields";
import { ScheduleFields } from "../_builder/schedule-fields";
import { ScheduleRuns } from "../_builder/schedule-runs";
import type { BuilderAction, BuilderState, RunKind } from "./builder-state";

/** Step 4: name the report, then run it once now or save it with a schedule. */
export function RunStep({
  state,
  dispatch,
  zones,
  timezone,
  onSubmit,
}: {
  state: BuilderState;
  dispatch: (action: BuilderAction) => void;
  zones: string[];
  timezone: string;
  onSubmit: () => void;
}) {
  const id = useId();
  const { submitError, scheduleError, schedulePreview, runKind, submitting, name } = state;
  const scheduleErrors = { ...(scheduleError?.fieldErrors ?? {}), ...(submitError?.fieldErrors ?? {}) };
  const runKindRadio = (kind: RunKind, label: string) => (
    <label className="flex items-center gap-2 text-sm">
      <input type="radio" name={`${id}-run`} checked={runKind === kind} onChange={() => dispatch({ type: "setRunKind", kind })} />
      {label}
    </label>
  );
  return (
    <section aria-labelledby={`${id}-s4`} className="space-y-5">
      <h2 id={`${id}-s4`} className="text-lg font-semibold">
        Name and run
      </h2>
      <ErrorBanner error={submitError} testId="submit-error" />
      <div className="grid max-w-3xl gap-4">
        <ReportNameFields
          idPrefix={id}
          name={name}
          description={state.description}
          onName={(n) => dispatch({ type: "setName", name: n })}
          onDescription={(description) => dispatch({ type: "setDescription", description })}
          nameError={submitError?.fieldErrors?.name?.[0]}
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">How to run</legend>
          {runKindRadio("once", "Run once now")}
          {runKindRadio("schedule", "Save with a schedule")}
        </fieldset>

        {runKind === "schedule" && (
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
            {schedulePreview && (
              <div data-testid="schedule-preview-new" className="text-sm">
                <ScheduleRuns preview={schedulePreview} runTestId="next-run" />
              </div>
            )}
          </fieldset>
        )}
      </div>
      <div className="flex gap-3">
        <button type="button" onClick={() => dispatch({ type: "goTo", step: 3 })} className={buttonClass("secondary", "lg")} disabled={submitting}>
          Back
        </button>
        <button type="button" onClick={onSubmit} disabled={submitting || !name.trim()} className={buttonClass("primary", "lg")}>
          {submitting ? "Saving…" : runKind === "once" ? "Run once now" : "Save with schedule"}
        </button>
      </div>
    </section>
  );
}
