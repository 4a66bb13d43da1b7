"use client";

import type { ParamDef } from "@/lib/params/definitions";
import type { UiSchema } from "@/lib/templates/config";
import { ParamField } from "./param-field";
import type { FormValue, FormValues } from "./param-values";

/**
 * The parameter form the builder and the edit page share: one field per definition, laid out by
 * the template's ui_schema (order, groups, help). The server's errors (the preview) are shown
 * next to the fields too, merged by the caller into `errors`.
 */

interface Section {
  id: string;
  label: string | null;
  description?: string;
  collapsed: boolean;
  defs: ParamDef[];
}

/** Definitions in ui_schema order, grouped by its groups (ungrouped ones first, unlabeled). */
export function layout(defs: ParamDef[], ui: UiSchema): Section[] {
  const rank = new Map((ui.order ?? []).map((n, i) => [n, i]));
  const ordered = [...defs].sort((a, b) => (rank.get(a.name) ?? 1e6 + defs.indexOf(a)) - (rank.get(b.name) ?? 1e6 + defs.indexOf(b)));
  const grouped = new Set<string>();
  const sections: Section[] = [];
  for (const g of ui.groups ?? []) {
    const members = ordered.filter((d) => g.fields.includes(d.name) && !grouped.has(d.name));
    members.forEach((d) => grouped.add(d.name));
    if (members.length) sections.push({ id: g.id, label: g.label, description: g.description, collapsed: g.collapsed ?? false, defs: members });
  }
  const rest = ordered.filter((d) => !grouped.has(d.name));
  if (rest.length) sections.unshift({ id: "_main", label: null, collapsed: false, defs: rest });
  return sections;
}

export function ParamFields({
  defs,
  ui,
  values,
  errors,
  onChange,
  onBlur,
  instanceId,
  marks = {},
}: {
  defs: ParamDef[];
  ui: UiSchema;
  values: FormValues;
  /** Message per field name, already filtered to what should show. */
  errors: Record<string, string>;
  onChange: (name: string, value: FormValue) => void;
  onBlur: (name: string) => void;
  /** The AMC instance chosen: campaign and ASIN lists get a picker of its known values. */
  instanceId?: string;
  /** A note per field on where its value came from (the wizard's "from instance mapping"). */
  marks?: Record<string, string>;
}) {
  if (defs.length === 0) return <p className="text-sm text-slate-600">This template has no parameters.</p>;
  return (
    <div className="space-y-5">
      {layout(defs, ui).map((section) => {
        const body = (
          <div className="space-y-4">
            {section.description && <p className="text-sm text-slate-600">{section.description}</p>}
            {section.defs.map((def) => (
              <ParamField
                key={def.name}
                def={def}
                help={ui.help?.[def.name] ?? def.help}
                value={values[def.name]}
                error={errors[def.name]}
                onChange={(v) => onChange(def.name, v)}
                onBlur={() => onBlur(def.name)}
                instanceId={instanceId}
                mark={marks[def.name]}
              />
            ))}
          </div>
        );
        if (!section.label) return <div key={section.id}>{body}</div>;
        if (section.collapsed) {
          const hasError = section.defs.some((d) => errors[d.name]);
          return (
            <details key={section.id} open={hasError || undefined} className="rounded-md border border-slate-200 px-3 py-2">
              <summary className="cursor-pointer text-sm font-semibold text-slate-700">{section.label}</summary>
              <div className="mt-3">{body}</div>
            </details>
          );
        }
        return (
          <fieldset key={section.id} className="space-y-3">
            <legend className="text-sm font-semibold text-slate-700">{section.label}</legend>
            {body}
          </fieldset>
        );
      })}
    </div>
  );
}
