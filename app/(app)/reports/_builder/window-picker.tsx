"use client";

import { useId } from "react";
import { inputClass, Labeled, Options } from "@/app/_components/form";
import { WINDOW_PRESETS, type WindowState } from "./window-state";

/** The dates of a report: a preset window (with its data lag) or two dates, and provisional data. */
export function WindowPicker({
  state,
  onChange,
  dataLagDays,
  errors,
  provisional,
}: {
  state: WindowState;
  onChange: (s: WindowState) => void;
  dataLagDays: number;
  /** Server messages for the window ("window", "window.end", …). */
  errors: string[];
  /** The server says the resolved window ends inside the data lag. */
  provisional: boolean;
}) {
  const id = useId();
  const set = (patch: Partial<WindowState>) => onChange({ ...state, ...patch });
  const lag = state.lagDays.trim() === "" ? dataLagDays : Number(state.lagDays);
  return (
    <fieldset data-testid="window-picker" className="space-y-3 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-700">Dates</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <Labeled id={`${id}-preset`} label="Time window">
          <select id={`${id}-preset`} value={state.preset} onChange={(e) => set({ preset: e.target.value as WindowState["preset"] })} className={inputClass}>
            <Options options={WINDOW_PRESETS} />
          </select>
        </Labeled>
        {state.preset === "last_n" && (
          <Labeled id={`${id}-n`} label="Number of days">
            <input id={`${id}-n`} type="number" min={1} max={365} value={state.n} onChange={(e) => set({ n: e.target.value })} className={inputClass} />
          </Labeled>
        )}
        {state.preset === "absolute" ? (
          <>
            <Labeled id={`${id}-start`} label="First day">
              <input id={`${id}-start`} type="date" value={state.start} onChange={(e) => set({ start: e.target.value })} className={inputClass} />
            </Labeled>
            <Labeled id={`${id}-end`} label="Last day">
              <input id={`${id}-end`} type="date" value={state.end} onChange={(e) => set({ end: e.target.value })} className={inputClass} />
            </Labeled>
          </>
        ) : (
          <Labeled id={`${id}-lag`} label="Data lag (days)">
            <input
              id={`${id}-lag`}
              type="number"
              min={0}
              max={90}
              placeholder={String(dataLagDays)}
              value={state.lagDays}
              onChange={(e) => set({ lagDays: e.target.value })}
              className={inputClass}
            />
          </Labeled>
        )}
      </div>
      <p data-testid="lag-banner" className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600">
        {state.preset === "absolute"
          ? `Days within the last ${dataLagDays} days are still settling: AMC keeps adding attributed conversions for about ${dataLagDays} days.`
          : `The window ends ${lag} day${lag === 1 ? "" : "s"} before today (this template's data lag is ${dataLagDays}): attributed conversions settle in AMC for about that long.`}
      </p>
      {(provisional || state.includeProvisional) && (
        <label className="flex items-center gap-2 text-sm text-amber-900">
          <input
            type="checkbox"
            checked={state.includeProvisional}
            onChange={(e) => set({ includeProvisional: e.target.checked })}
            className="h-4 w-4 rounded border-slate-300"
          />
          Include provisional data (days inside the data lag; results may still change)
        </label>
      )}
      {errors.map((m) => (
        <p key={m} data-testid="window-error" className="text-sm text-red-700">
          {m}
        </p>
      ))}
    </fieldset>
  );
}
