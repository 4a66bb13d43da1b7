"use client";

import { WindowPicker } from "../_builder/window-picker";
import type { StepProps } from "./builder-state";

/** The wizard's date window (step 2 and step 4 show the same one): the picker on the builder's state. */
export function StepWindowPicker({
  state,
  dispatch,
  errors,
}: StepProps & {
  errors: string[];
}) {
  return (
    <WindowPicker
      state={state.window}
      onChange={(window) => dispatch({ type: "setWindow", window })}
      dataLagDays={state.template.dataLagDays}
      errors={errors}
      provisional={state.preview?.timeWindow.provisional ?? false}
    />
  );
}
