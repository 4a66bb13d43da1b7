"use client";

import { useId } from "react";
import type { FormIssue } from "@/lib/params/render";
import type { BuilderInstance } from "@/lib/templates/queries";
import { inputClass, Labeled } from "@/app/_components/form";
import { ParamFields } from "../_builder/param-fields";
import { useMappingPrefill } from "../_builder/param-prefill";
import { TimeZoneSelect } from "../_builder/time-zone";
import type { StepProps } from "./builder-state";
import { LiveStatus } from "./live-status";
import { StepNav } from "./step-nav";
import { StepWindowPicker } from "./step-window";

/** Step 2: the instance, the zone, the dates and the template's parameters, checked live. */
export function ParametersStep({
  state,
  dispatch,
  instances,
  zones,
  timezone,
  fieldErrors,
  windowErrors,
  formErrors,
  canPreview,
  onPreview,
}: StepProps & {
  instances: BuilderInstance[];
  zones: string[];
  timezone: string;
  fieldErrors: Record<string, string>;
  windowErrors: string[];
  formErrors: FormIssue[];
  canPreview: boolean;
  onPreview: () => void;
}) {
  const id = useId();
  const { template, preview } = state;
  // The chosen instance's brand mapping pre-fills the ASIN and campaign lists (marked, editable).
  const prefill = useMappingPrefill({
    instanceId: state.instanceId,
    defs: template.defs,
    values: state.values,
    onChange: (name, value) => dispatch({ type: "setValue", name, value }),
  });
  return (
    <section aria-labelledby={`${id}-s2`} className="space-y-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${id}-s2`} className="text-lg font-semibold">
          {template.name}
        </h2>
        <button type="button" onClick={() => dispatch({ type: "goTo", step: 1 })} className="text-sm text-indigo-700 hover:underline">
          Change template
        </button>
      </div>
      {template.question && <p className="text-sm text-slate-600">{template.question}</p>}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
        <div className="space-y-5">
          <div className="grid gap-3 sm:grid-cols-2">
            <Labeled id={`${id}-instance`} label="AMC instance">
              <select id={`${id}-instance`} value={state.instanceId} onChange={(e) => dispatch({ type: "setInstance", instanceId: e.target.value })} className={inputClass}>
                {instances.length === 0 && <option value="">No instance available</option>}
                {instances.map((i) => (
                  <option key={i.instanceId} value={i.instanceId}>
                    {i.instanceName} ({i.instanceId}){i.instanceType === "SANDBOX" ? " · sandbox" : ""}
                  </option>
                ))}
              </select>
              {instances.length === 0 && (
                <p className="mt-1 text-sm text-amber-800">You have no active AMC instance. Ask an admin to grant you one in Settings.</p>
              )}
            </Labeled>
            <TimeZoneSelect id={`${id}-zone`} zones={zones} value={timezone} onChange={(zone) => dispatch({ type: "setZone", zone })} />
          </div>
          <StepWindowPicker state={state} dispatch={dispatch} errors={windowErrors} />
          {prefill.brandChooser}
          <ParamFields
            defs={template.defs}
            ui={template.uiSchema}
            values={state.values}
            errors={fieldErrors}
            onChange={(name, value) => dispatch({ type: "setValue", name, value })}
            onBlur={(name) => dispatch({ type: "touch", name })}
            instanceId={state.instanceId}
            marks={prefill.marks}
          />
          {state.showAll && formErrors.length > 0 && (
            <ul role="alert" className="space-y-1 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {formErrors.map((e) => (
                <li key={e.message}>{e.message}</li>
              ))}
            </ul>
          )}
        </div>
        <LiveStatus preview={preview} checking={state.checking} />
      </div>
      <StepNav onBack={() => dispatch({ type: "goTo", step: 1 })} onNext={onPreview} next="Next: preview" nextDisabled={!canPreview} />
    </section>
  );
}
