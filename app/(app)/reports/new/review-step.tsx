"use client";

import { useId } from "react";
import { ErrorBanner } from "@/app/_components/form";
import { ReportNameFields } from "../_builder/report-name-fields";
import { ZoneWarning } from "../_builder/time-zone";
import type { StepProps } from "./builder-state";
import { StepNav } from "./step-nav";

/**
 * Step 5, Review: the name (the original's convention offered, editable), a summary of what
 * Create makes, and the SQL exactly as the first run sends it. Create makes the report with its
 * first run, schedule or backfill in one transaction, then lands on the report page.
 */
export function ReviewStep({
  state,
  dispatch,
  instanceName,
  timezone,
  advertiserZone,
  onSubmit,
}: StepProps & {
  instanceName: string;
  timezone: string;
  advertiserZone: string;
  onSubmit: () => void;
}) {
  const id = useId();
  const { submitError, submitting, name, template, preview, runKind, schedulePreview, backfillPreview } = state;
  const w = preview?.timeWindow;
  const row = (label: string, value: React.ReactNode, testId?: string) => (
    <div className="grid grid-cols-[9rem_minmax(0,1fr)] gap-2 py-1">
      <dt className="text-slate-500">{label}</dt>
      <dd data-testid={testId} className="text-slate-900">
        {value}
      </dd>
    </div>
  );
  return (
    <section aria-labelledby={`${id}-s5`} className="space-y-5">
      <h2 id={`${id}-s5`} className="text-lg font-semibold">
        Review
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
        <dl data-testid="review-summary" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white px-3 py-1 text-sm">
          {row("Template", `${template.name} (version ${template.version})`)}
          {row("Instance", instanceName)}
          {row("Time zone", timezone)}
          {runKind === "once" && w && row("Runs", `Once, now: ${w.firstDay} – ${w.lastDay} (${w.days} days)`, "review-run")}
          {runKind === "recurring" &&
            schedulePreview &&
            row(
              "Runs",
              <>
                {schedulePreview.description}; first {schedulePreview.runs[0]?.local}
                {schedulePreview.runs[0]?.window ? ` covering ${schedulePreview.runs[0].window}` : ""}
                {state.alsoRunNow && w ? `; and now, over ${w.firstDay} – ${w.lastDay}` : ""}
              </>,
              "review-run",
            )}
          {runKind === "backfill" &&
            backfillPreview &&
            row(
              "Runs",
              `Backfill: ${backfillPreview.segments.length} ${backfillPreview.segmentType} segments, ${backfillPreview.firstDay} – ${backfillPreview.lastDay}; ${backfillPreview.duration.text}`,
              "review-run",
            )}
        </dl>
        <ZoneWarning zone={timezone} advertiserZone={advertiserZone} />
        <details className="rounded-md border border-slate-200 p-2">
          <summary className="cursor-pointer text-sm font-medium text-slate-800">
            The SQL {runKind === "backfill" ? "each segment runs (with its own dates)" : "the first run sends"}
          </summary>
          <pre data-testid="review-sql" className="mt-2 max-h-80 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
            {preview?.previewSql ?? "(not valid yet)"}
          </pre>
        </details>
      </div>
      <StepNav
        onBack={() => dispatch({ type: "goTo", step: 4 })}
        onNext={onSubmit}
        next={submitting ? "Creating…" : "Create report"}
        nextDisabled={submitting || !name.trim()}
        busy={submitting}
      />
    </section>
  );
}
