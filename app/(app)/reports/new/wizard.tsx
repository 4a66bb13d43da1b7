"use client";

import { useRouter } from "next/navigation";
import { useMemo, useReducer } from "react";
import type { BuilderInstance, BuilderTemplate, TemplateCard } from "@/lib/templates/queries";
import { FormBanner } from "@/app/_components/form";
import { useDebouncedCall } from "@/app/_components/use-debounced-call";
import { otherFormErrors, windowMessages } from "../_builder/preview-errors";
import { useBrowserTimeZone } from "../_builder/time-zone";
import { windowSpecOf } from "../_builder/window-state";
import { createReportAction, loadTemplateAction, previewAction, schedulePreviewAction } from "./actions";
import { builderReducer, initialBuilderState, requestOf, scheduleSpec, visibleFieldErrors, type Step } from "./builder-state";
import { ParametersStep } from "./parameters-step";
import { PreviewStep } from "./preview-step";
import { RunStep } from "./run-step";
import { TemplateStep } from "./template-step";

/**
 * The new-report wizard: 1 template, 2 instance and parameters (with the dates and zone),
 * 3 preview (the exact SQL the server renders, the resolved window, warnings), 4 name and run
 * once now or save with a schedule. All state lives in one reducer (builder-state.ts), so going
 * back keeps what was typed. Every check is the server's (the preview action is the
 * validate-parameters endpoint).
 */

const STEPS: { n: Step; label: string }[] = [
  { n: 1, label: "Template" },
  { n: 2, label: "Instance & parameters" },
  { n: 3, label: "Preview" },
  { n: 4, label: "Name & run" },
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
  const browserZone = useBrowserTimeZone();
  const [state, dispatch] = useReducer(builderReducer, { initialTemplate, instances }, (init) =>
    initialBuilderState({ ...init, idempotencyKey: crypto.randomUUID() }),
  );
  const { step, template, instanceId, values, window: windowState, preview, runKind, schedule } = state;
  const timezone = state.zoneChoice ?? browserZone;

  const request = useMemo(() => requestOf({ template, instanceId, values, window: windowState }, timezone), [template, instanceId, values, windowState, timezone]);

  // Live preview, debounced: the server renders and validates; stale answers are ignored.
  const claimPreview = useDebouncedCall(request, previewAction, (answer) => dispatch({ type: "liveChecked", answer }), {
    onStart: () => dispatch({ type: "liveCheckStarted" }),
  });

  // Next runs of the schedule being set up (step 4).
  const scheduleRequest = useMemo(
    () =>
      step === 4 && runKind === "schedule" && template
        ? { templateId: template.templateId, window: windowSpecOf(windowState), timezone, schedule: scheduleSpec(schedule) }
        : null,
    [step, runKind, template, windowState, timezone, schedule],
  );
  useDebouncedCall(scheduleRequest, schedulePreviewAction, (answer) => dispatch({ type: "scheduleChecked", answer }));

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
    const r = await createReportAction({
      ...request,
      name: state.name,
      description: state.description || undefined,
      run: runKind === "once" ? { kind: "once", idempotencyKey: state.idempotencyKey } : { kind: "schedule", schedule: scheduleSpec(schedule) },
    });
    if (r.ok) {
      router.push(`/reports/${r.data.reportId}`);
      return;
    }
    // Problems with values or dates send the reducer back to step 2, with the errors showing.
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
        <ParametersStep
          state={{ ...state, template }}
          dispatch={dispatch}
          instances={instances}
          zones={zones}
          timezone={timezone}
          fieldErrors={fieldErrors}
          windowErrors={windowErrors}
          formErrors={otherFormErrors(preview)}
          canPreview={request !== null}
          onPreview={toPreview}
        />
      )}

      {step === 3 && template && preview && (
        <PreviewStep
          preview={preview}
          templateVersion={template.version}
          onBack={() => dispatch({ type: "goTo", step: 2 })}
          onNext={() => dispatch({ type: "toNameStep" })}
        />
      )}

      {step === 4 && template && <RunStep state={state} dispatch={dispatch} zones={zones} timezone={timezone} onSubmit={submit} />}
    </div>
  );
}
