"use client";

import type { ParamDef } from "@/lib/params/definitions";
import { inputClass, Options } from "@/app/_components/form";
import { listItems, type FormValue } from "./param-values";

/**
 * One input per parameter kind (single select, pasted list, number, date, text). Each gets the
 * field's id, aria wiring and blur handler as `common`; param-field.tsx adds the label and notes.
 */

export interface CommonProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
  onBlur: () => void;
}

export interface InputProps {
  def: ParamDef;
  value: FormValue | undefined;
  common: CommonProps;
  onChange: (v: FormValue) => void;
}

const text = (value: FormValue | undefined) => (typeof value === "string" ? value : "");

export function SelectInput({ def, value, common, onChange }: InputProps) {
  return (
    <select {...common} value={text(value)} onChange={(e) => onChange(e.target.value)} className={inputClass}>
      {!def.required && <option value="">—</option>}
      <Options options={(def.rules.options ?? []).map((o) => ({ value: o.value, label: o.label ?? o.value }))} />
    </select>
  );
}

/** A pasted list, with the count of items the server will see. */
export function ListInput({ def, value, common, onChange }: InputProps) {
  const pasted = text(value);
  const n = listItems(def, pasted).length;
  const noun = def.type === "asin_list" ? "ASIN" : def.type === "campaign_list" ? "campaign" : "value";
  return (
    <>
      <textarea
        {...common}
        rows={Math.min(8, Math.max(3, pasted.split("\n").length))}
        value={pasted}
        placeholder={def.placeholder ?? "Paste values, one per line or comma separated"}
        onChange={(e) => onChange(e.target.value)}
        className={`${inputClass} font-mono`}
        spellCheck={false}
      />
      <p data-testid={`count-${def.name}`} className="mt-1 text-xs text-slate-500">
        {n.toLocaleString("en-US")} {noun}
        {n === 1 ? "" : "s"}
        {def.rules.maxItems ? ` (at most ${def.rules.maxItems.toLocaleString("en-US")})` : ""}
      </p>
    </>
  );
}

export function NumberInput({ def, value, common, onChange }: InputProps) {
  return (
    <input
      type="number"
      inputMode="decimal"
      {...common}
      value={text(value)}
      min={def.rules.min}
      max={def.rules.max}
      step={def.rules.integer ? 1 : "any"}
      onChange={(e) => onChange(e.target.value)}
      className={inputClass}
    />
  );
}

export function DateInput({ value, common, onChange }: InputProps) {
  return <input type="date" {...common} value={text(value)} onChange={(e) => onChange(e.target.value)} className={inputClass} />;
}

export function TextInput({ def, value, common, onChange }: InputProps) {
  return (
    <input
      type="text"
      {...common}
      value={text(value)}
      placeholder={def.placeholder}
      maxLength={def.rules.maxLength ?? 1000}
      onChange={(e) => onChange(e.target.value)}
      className={inputClass}
    />
  );
}
