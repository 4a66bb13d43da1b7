"use client";

import { useId } from "react";
import type { ValidationResponse } from "@/lib/reports/validate";
import { WindowSummary } from "../_builder/window-summary";
import { StepNav } from "./step-nav";

/** Step 3: the exact SQL the server renders, the resolved window and the warnings. */
export function PreviewStep({
  preview,
  templateVersion,
  onBack,
  onNext,
}: {
  preview: ValidationResponse;
  templateVersion: number;
  onBack: () => void;
  onNext: () => void;
}) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-s3`} className="space-y-4">
      <h2 id={`${id}-s3`} className="text-lg font-semibold">
        Preview
      </h2>
      <WindowSummary preview={preview} />
      {preview.warnings.length > 0 && (
        <ul className="space-y-1">
          {preview.warnings.map((w) => (
            <li key={w.message} data-testid="preview-warning" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {w.message}
            </li>
          ))}
        </ul>
      )}
      <div>
        <p className="text-sm font-medium text-slate-800">The SQL that will run</p>
        <p className="text-xs text-slate-500">Rendered by the server from template version {templateVersion}; the first run sends exactly this text.</p>
        <pre data-testid="preview-sql" className="mt-2 max-h-[28rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
          {preview.previewSql ?? "(not valid yet)"}
        </pre>
      </div>
      <StepNav onBack={onBack} onNext={onNext} next="Next: how to run" nextDisabled={!preview.valid} />
    </section>
  );
}
