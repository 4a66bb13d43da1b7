"use client";

import type { ReactNode } from "react";
import { buttonClass } from "@/app/_components/form";

/** The wizard's footer on every step: Back to the step before, and the step's forward button. */
export function StepNav({
  onBack,
  onNext,
  next,
  nextDisabled,
  busy,
}: {
  onBack: () => void;
  onNext: () => void;
  /** The forward button's label ("Next: preview", "Create report", …). */
  next: ReactNode;
  nextDisabled: boolean;
  /** While the step's action runs: both buttons wait and the forward one says it is busy. */
  busy?: boolean;
}) {
  return (
    <div className="flex gap-3">
      <button type="button" onClick={onBack} className={buttonClass("secondary", "lg")} disabled={busy}>
        Back
      </button>
      <button type="button" onClick={onNext} disabled={nextDisabled} aria-busy={busy} className={buttonClass("primary", "lg")}>
        {next}
      </button>
    </div>
  );
}
