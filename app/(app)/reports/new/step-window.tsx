"use client";

import { WindowPicker } from "../_builder/window-picker";
import type { BuilderAction, BuilderState } from "./builder-state";

/** The wizard's date window (step 2 and step 4 show the same one): the picker on the builder's state. */
export function StepWindowPicker({
  state,
  dispatch,
  errors,
}: {
  state: BuilderState & { template: NonNullable<BuilderState["template"]> };
  dispatch: (action: BuilderAction) => void;
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
