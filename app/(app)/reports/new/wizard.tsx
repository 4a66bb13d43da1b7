"use client";

import { useRouter } from "next/navigation";
import { useMemo, useReducer } from "react";
import type { BuilderInstance, BuilderTemplate, TemplateCard } from "@/lib/templates/queries";
import { FormBanner } from "@/app/_components/form";
import { useDebouncedCall } from "@/app/_components/use-debounced-call";
import { otherFormErrors, windowMessages } from "../_builder/preview-errors";
import { ZoneWarning } from "../_builder/time-zone";
import { windowSpecOf } from "../_builder/window-state";
import { backfillPlanAction, createReportAction, loadTemplateAction, previewAction, schedulePreviewAction } from "./actions";
import { builderReducer, initialBuilderState, requestOf, runOf, scheduleSpec, visibleFieldErrors, zoneOf, type Step } from "./builder-state";
import { HowToRunStep } from "./how-to-run-step";
import { LiveSql } from "./live-sql";
import { ParametersStep } from "./parameters-step";
import { PreviewStep } from "./preview-step";
import { ReviewStep } from "./review-step";
import { TemplateStep } from "./template-step";

/**
 * The new-report wizard (product.md §2): 1 template, 2 instance and parameters (with the dates
 * and zone, and the SQL rendered live as values are typed), 3 preview (the exact SQL, the
 * resolved window, warnings), 4 how to run (Once, Recurring or Backfill), 5 review and create.
 * All state lives in one reducer (builder-state.ts), so going back keeps what was typed. Every
 * check is the server's (the preview action is the validate-parameters endpoint).
 */

const STEPS: { n: Step; label: string }[] = [
  { n: 1, label: "Template" },
  { n: 2, label: "Instance & parameters" },
  { n: 3, label: "Preview" },
  { n: 4, label: "How to run" },
  { n: 5, label: "Review" },
];

export interface WizardProps {
  templates: TemplateCard[];
  categories: string[];
  search: { q: string; category: string };
  instances: BuilderInstance[];
  zones: string[];
  initialTemplate: BuilderTemplate | null;
}

export function ReportWizard({ templates, categories, search, instances, zones, initialTemplate }: WizardProps) {
  const router = useRouter();
  const [state, dispatch] = useReducer(builderReducer, { initialTemplate, instances }, (init) =>
    initialBuilderState({ ...init, idempotencyKey: crypto.randomUUID() }),
  );
  const { step, template, instanceId, values, window: windowState, preview, runKind, schedule, backfill } = state;
  const instance = instances.find((i) => i.instanceId === instanceId);
  const advertiserZone = instance?.advertiserTimezone ?? "UTC";
  const timezone = zoneOf(state, instances);
  const useAdvertiserZone = () => dispatch({ type: "setZone", zone: advertiserZone });

  const request = useMemo(() => requestOf({ template, instanceId, values, window: windowState }, timezone), [template, instanceId, values, windowState, timezone]);

  // Live preview, debounced: the server renders and validates; stale answers are ignored.
  const claimPreview = useDebouncedCall(request, previewAction, (answer) => dispatch({ type: "liveChecked", answer }), {
    onStart: () => dispatch({ type: "liveCheckStarted" }),
  });

  // Next runs of the schedule being set up (steps 4 and 5, Recurring).
  const scheduleRequest = useMemo(
    () =>
      step >= 4 && runKind === "recurring" && template
        ? { templateId: template.templateId, window: windowSpecOf(windowState), timezone, schedule: scheduleSpec(schedule) }
        : null,
    [step, runKind, template, windowState, timezone, schedule],
  );
  useDebouncedCall(scheduleRequest, schedulePreviewAction, (answer) => dispatch({ type: "scheduleChecked", answer }));

  // Segments of the backfill being set up (steps 4 and 5, Backfill).
  const backfillRequest = useMemo(
    () =>
      step >= 4 && runKind === "backfill" && template && instanceId
        ? { templateId: template.templateId, instanceId, timezone, lookbackDays: backfill.lookbackDays, segmentType: backfill.segmentType, endDate: backfill.endDate }
        : null,
    [step, runKind, template, instanceId, timezone, backfill],
  );
  useDebouncedCall(backfillRequest, backfillPlanAction, (answer) => dispatch({ type: "backfillChecked", answer }));

  async function chooseTemplate(templateId: string) {
    if (template?.templateId === templateId) {
      dispatch({ type: "goTo", step: 2 });
      return;
    }
    dispatch({ type: "templateLoading", templateId });
    dispatch({ type: "templateLoaded", answer: await loadTemplateAction({ templateId }) });
  }

  const fieldErrors = useMemo(
    () => visibleFieldErrors({ template, preview, values, touched: state.touched, showAll: state.showAll }),
    [template, preview, values, state.touched, state.showAll],
  );
  const windowErrors = useMemo(() => windowMessages(preview), [preview]);

  async function toPreview() {
    if (!request) return;
    // Decide on a fresh answer, not a debounced one that may be a keystroke old.
    const isLatest = claimPreview();
    dispatch({ type: "previewRequested" });
    const answer = await previewAction(request);
    dispatch({ type: "previewChecked", answer, latest: isLatest() });
  }

  async function submit() {
    if (!request) return;
    dispatch({ type: "submitStarted" });
    const r = await createReportAction({ ...request, name: state.name, description: state.description || undefined, run: runOf(state) });
    if (r.ok) {
      router.push(`/reports/${r.data.reportId}`);
      return;
    }
    // Problems with values or dates send the reducer back to step 2, the run's to step 4.
    dispatch({ type: "submitFailed", error: r.error });
  }

  return (
    <div className="space-y-6">
      <ol className="flex flex-wrap gap-2 text-sm" aria-label="Steps">
        {STEPS.map((s) => (
          <li key={s.n}>
            <span
              aria-current={step === s.n ? "step" : undefined}
              className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 ${step === s.n ? "bg-indigo-600 text-white" : step > s.n ? "bg-indigo-100 text-indigo-800" : "bg-slate-100 text-slate-500"}`}
            >
              <span className="font-semibold">{s.n}</span> {s.label}
            </span>
          </li>
        ))}
      </ol>

      {state.previewError && (
        <FormBanner kind="error" testId="builder-error">
          {state.previewError}
        </FormBanner>
      )}

      {step === 1 && (
        <TemplateStep
          templates={templates}
          categories={categories}
          search={search}
          chosen={template?.templateId ?? null}
          loading={state.loadingTemplate}
          onChoose={chooseTemplate}
          onSearch={(q, category) => {
            const params = new URLSearchParams();
            if (q) params.set("q", q);
            if (category) params.set("category", category);
            router.replace(`/reports/new${params.size ? `?${params}` : ""}`, { scroll: false });
          }}
        />
      )}

      {step === 2 && template && (
        <>
          <ZoneWarning zone={timezone} advertiserZone={advertiserZone} onUseAdvertiserZone={useAdvertiserZone} />
          <ParametersStep
            state={{ ...state, template }}
            dispatch={dispatch}
            instances={instances}
            zones={zones}
            timezone={timezone}
            fieldErrors={fieldErrors}
            windowErrors={windowErrors}
            formErrors={otherFormErrors(preview)}
            canPreview={request !== null && !state.previewing}
            onPreview={toPreview}
          />
          <LiveSql preview={preview} checking={state.checking} />
        </>
      )}

      {step === 3 && template && preview && (
        <PreviewStep
          preview={preview}
          templateVersion={template.version}
          onBack={() => dispatch({ type: "goTo", step: 2 })}
          onNext={() => dispatch({ type: "toRunStep" })}
        />
      )}

      {step === 4 && template && (
        <HowToRunStep
          state={{ ...state, template }}
          dispatch={dispatch}
          zones={zones}
          timezone={timezone}
          advertiserZone={advertiserZone}
          windowErrors={windowErrors}
          onNext={() => dispatch({ type: "toReview", brand: instance?.instanceName ?? "" })}
        />
      )}

      {step === 5 && template && (
        <ReviewStep
          state={{ ...state, template }}
          dispatch={dispatch}
          instanceName={instance ? `${instance.instanceName} (${instance.instanceId})` : instanceId}
          timezone={timezone}
          advertiserZone={advertiserZone}
          onSubmit={submit}
        />
      )}
    </div>
  );
}
