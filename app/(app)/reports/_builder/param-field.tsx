"use client";

import type { ParamDef } from "@/lib/params/definitions";
import { PICKER_KINDS } from "@/lib/instances/known-kinds";
import { labelClass } from "@/app/_components/form";
import { ListPicker } from "./param-picker";
import { DateInput, ListInput, NumberInput, SelectInput, TextInput, type CommonProps, type InputProps } from "./param-inputs";
import { LIST_TYPES, NUMBER_TYPES, type FormValue } from "./param-values";

/** One parameter's field: its label, the input for its kind, its help and its error. */
export function ParamField({
  def,
  help,
  value,
  error,
  onChange,
  onBlur,
  instanceId,
  mark,
}: {
  def: ParamDef;
  help?: string;
  value: FormValue | undefined;
  error?: string;
  onChange: (v: FormValue) => void;
  onBlur: () => void;
  /** The AMC instance the values are for: campaign and ASIN lists get a picker of its known ones. */
  instanceId?: string;
  /** Where the value came from, when not typed (e.g. "From instance mapping: Acme"). */
  mark?: string;
}) {
  const id = `field-${def.name}`;
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const common: CommonProps = { id, "aria-invalid": Boolean(error), "aria-describedby": describedBy, onBlur };
  const notes = <FieldNotes id={id} help={help} error={error} />;
  if (def.type === "boolean") {
    return (
      <div data-testid={`param-${def.name}`}>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
          {def.label}
        </label>
        {notes}
      </div>
    );
  }
  if (def.type === "enum_select" && def.rules.multiple) {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset data-testid={`param-${def.name}`} aria-describedby={describedBy}>
        <legend className="text-sm font-medium text-slate-800">{def.label}</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {(def.rules.options ?? []).map((o) => (
            <label key={o.value} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={chosen.includes(o.value)}
                onBlur={onBlur}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))}
                className="h-4 w-4 rounded border-slate-300"
              />
              {o.label ?? o.value}
            </label>
          ))}
        </div>
        {notes}
      </fieldset>
    );
  }
  const pickerKind = PICKER_KINDS[def.type];
  return (
    <div data-testid={`param-${def.name}`}>
      <div className="flex flex-wrap items-baseline gap-2">
        <label htmlFor={id} className={labelClass}>
          {def.label}
        </label>
        {mark && (
          <span data-testid={`mark-${def.name}`} className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-800">
            {mark}
          </span>
        )}
      </div>
      <ParamInput def={def} value={value} common={common} onChange={onChange} />
      {pickerKind && instanceId && (
        <ListPicker def={def} kind={pickerKind} instanceId={instanceId} pasted={typeof value === "string" ? value : ""} onChange={onChange} />
      )}
      {notes}
    </div>
  );
}

/** The input of a single-control kind. */
function ParamInput(props: InputProps) {
  const { type } = props.def;
  if (type === "enum_select") return <SelectInput {...props} />;
  if (LIST_TYPES.has(type)) return <ListInput {...props} />;
  if (NUMBER_TYPES.has(type)) return <NumberInput {...props} />;
  if (type === "date_expression") return <DateInput {...props} />;
  return <TextInput {...props} />;
}

function FieldNotes({ id, help, error }: { id: string; help?: string; error?: string }) {
  return (
    <>
      {help && (
        <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
          {help}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} data-testid="field-error" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </>
  );
}
