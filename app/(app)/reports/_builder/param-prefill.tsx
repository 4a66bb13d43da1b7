"use client";

import { useEffect, useEffectEvent, useId, useState } from "react";
import type { ParamDef } from "@/lib/params/definitions";
import { prefillValues, type MappingForPrefill } from "@/lib/instances/prefill";
import { inputClass } from "@/app/_components/form";
import { instanceMappingsAction } from "@/app/(app)/instances/known-values-actions";
import { formValueOf, type FormValue, type FormValues } from "./param-values";

/**
 * The new-report wizard's pre-fill from the chosen instance's brand mappings (product.md story 8).
 * When the instance (or template) changes, the instance's mappings are read and the template's
 * ASIN and campaign lists get the brand's ids; a field is only ever overwritten while it still
 * holds its default or an earlier pre-fill, never what the user typed. Each pre-filled field is
 * marked until edited. With several brands, a select chooses which one pre-fills.
 */
export function useMappingPrefill({
  instanceId,
  defs,
  values,
  onChange,
}: {
  instanceId: string;
  defs: ParamDef[];
  values: FormValues;
  onChange: (name: string, value: FormValue) => void;
}): { marks: Record<string, string>; brandChooser: React.ReactNode } {
  const id = useId();
  const [loaded, setLoaded] = useState<{ instanceId: string; mappings: MappingForPrefill[] } | null>(null);
  const [brand, setBrand] = useState<string | null>(null);
  // What was pre-filled, per field, and from which brand: a field still holding it is marked,
  // and may be replaced.
  const [applied, setApplied] = useState<Record<string, { text: string; brand: string }>>({});

  /** Pre-fills from `next` (null: no mapping), and forgets or reverts what no longer applies. */
  const applyMapping = (next: MappingForPrefill | null) => {
    const wanted = next ? prefillValues(defs, next) : {};
    const nowApplied: Record<string, { text: string; brand: string }> = {};
    for (const def of defs) {
      const current = values[def.name];
      const before = applied[def.name]?.text;
      const untouched = current === undefined || current === before || current === formValueOf(def, undefined) || current === "";
      const text = wanted[def.name];
      // Equal to the pre-fill already (the step shown again after Back): marked, left alone.
      if (next && text !== undefined && (untouched || current === text)) {
        if (current !== text) onChange(def.name, text);
        nowApplied[def.name] = { text, brand: next.brand };
      } else if (text === undefined && before !== undefined && current === before) {
        // The pre-fill no longer applies (another instance, or a brand without this list):
        // a field still holding it goes back to its default.
        onChange(def.name, formValueOf(def, undefined));
      }
    }
    setApplied(nowApplied);
  };
  const applyLoaded = useEffectEvent((mappings: MappingForPrefill[]) => {
    applyMapping(mappings.find((m) => m.brand === brand) ?? mappings[0] ?? null);
  });

  // Read on every instance or template change (a new template starts from its defaults again).
  useEffect(() => {
    if (!instanceId) return;
    let current = true;
    instanceMappingsAction({ instanceId }).then((r) => {
      if (!current) return;
      // A failed read leaves the fields as they are: the pre-fill is a convenience.
      const mappings = r.ok ? r.data : [];
      setLoaded({ instanceId, mappings });
      applyLoaded(mappings);
    });
    return () => {
      current = false;
    };
  }, [instanceId, defs]);

  const mappings = loaded && loaded.instanceId === instanceId ? loaded.mappings : null;
  const mapping = mappings?.find((m) => m.brand === brand) ?? mappings?.[0] ?? null;

  const marks: Record<string, string> = {};
  for (const [name, a] of Object.entries(applied)) {
    if (values[name] === a.text) marks[name] = `From instance mapping: ${a.brand}`;
  }

  const brandChooser =
    mappings && mappings.length > 1 ? (
      <div className="max-w-xs">
        <label htmlFor={`${id}-brand`} className="block text-sm font-medium text-slate-800">
          Brand (pre-fills ASINs and campaigns)
        </label>
        <select
          id={`${id}-brand`}
          value={mapping?.brand ?? ""}
          onChange={(e) => {
            setBrand(e.target.value);
            applyMapping(mappings.find((m) => m.brand === e.target.value) ?? null);
          }}
          className={inputClass}
        >
          {mappings.map((m) => (
            <option key={m.brand} value={m.brand}>
              {m.brand}
            </option>
          ))}
        </select>
      </div>
    ) : null;

  return { marks, brandChooser };
}
