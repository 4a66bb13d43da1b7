"use client";

import { useId, useSyncExternalStore } from "react";
import { valueSchema, type ParamDef } from "@/lib/params/definitions";
import type { WindowSpec } from "@/lib/params/window";
import type { UiSchema } from "@/lib/templates/config";
import { inputClass } from "@/app/_components/form";

/**
 * The parameter form the builder and the edit page share: one field per definition, laid out by
 * the template's ui_schema (order, groups, help), validated in the browser with the same zod
 * schema the server uses (lib/params/definitions.ts valueSchema), while the server's answer (the
 * preview) stays the authority: its errors are shown next to the fields too.
 */

export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

const LIST_TYPES = new Set(["asin_list", "campaign_list", "string_list", "campaign_filter"]);
const NUMBER_TYPES = new Set(["number", "threshold_numeric", "percentage"]);


/** The form's starting value of a definition: a stored value if given, else its default. */
export function formValueOf(def: ParamDef, stored: unknown): FormValue {
  const v = stored === undefined || stored === null ? def.defaultValue : stored;
  if (def.type === "boolean") return v === true || v === "true" || v === "on";
  if (def.type === "enum_select" && def.rules.multiple) return Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? [v] : [];
  if (LIST_TYPES.has(def.type)) return Array.isArray(v) ? v.join("\n") : typeof v === "string" ? v : "";
  if (v === undefined || v === null) return "";
  return String(v);
}

export function initialFormValues(defs: ParamDef[], stored: Record<string, unknown> = {}): FormValues {
  return Object.fromEntries(defs.map((d) => [d.name, formValueOf(d, stored[d.name])]));
}

/** What is sent: every field as typed (lists as the pasted text; the server splits them). */
export function submitValues(defs: ParamDef[], values: FormValues): Record<string, unknown> {
  return Object.fromEntries(defs.map((d) => [d.name, values[d.name] ?? formValueOf(d, undefined)]));
}

/** Items of a pasted list as the server will count them (split, trimmed, de-duplicated). */
export function listItems(def: ParamDef, text: string): string[] {
  const norm = def.type === "asin_list" ? (s: string) => s.toUpperCase() : (s: string) => s;
  return [...new Set(text.split(/[,\n\r]+/).map((s) => norm(s.trim())).filter((s) => s !== ""))];
}

/** The browser-side check of one field, with the server's schema; null when fine. */
export function clientError(def: ParamDef, value: FormValue | undefined): string | null {
  const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0) || (typeof value === "string" && LIST_TYPES.has(def.type) && listItems(def, value).length === 0);
  if (empty) return def.type === "boolean" ? null : `${def.label} is required.`;
  const r = valueSchema(def).safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  if (!issue) return "Not a valid value.";
  // List items: say which one.
  if (LIST_TYPES.has(def.type) && typeof issue.path[0] === "number" && typeof value === "string") {
    const item = listItems(def, value)[issue.path[0]];
    return item ? `"${item}": ${issue.message}` : issue.message;
  }
  return issue.message;
}

/** Server errors keyed by field ("asin_list" or "asin_list.3") → one message per field. */
export function errorsByField(errors: { field: string; message: string }[], defs: ParamDef[], values: FormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const [name, index] = e.field.split(".");
    if (!name || out[name]) continue;
    const def = defs.find((d) => d.name === name);
    const value = values[name];
    if (def && index !== undefined && LIST_TYPES.has(def.type) && typeof value === "string") {
      const item = listItems(def, value)[Number(index)];
      out[name] = item ? `"${item}": ${e.message}` : e.message;
    } else out[name] = e.message;
  }
  return out;
}

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
}: {
  defs: ParamDef[];
  ui: UiSchema;
  values: FormValues;
  /** Message per field name, already filtered to what should show. */
  errors: Record<string, string>;
  onChange: (name: string, value: FormValue) => void;
  onBlur: (name: string) => void;
}) {
  if (defs.length === 0) return <p className="text-sm text-slate-600">This template has no parameters.</p>;
  return (
    <div className="space-y-5">
      {layout(defs, ui).map((section) => {
        const body = (
          <div className="space-y-4">
            {section.description && <p className="text-sm text-slate-600">{section.description}</p>}
            {section.defs.map((def) => (
              <Field
                key={def.name}
                def={def}
                help={ui.help?.[def.name] ?? def.help}
                value={values[def.name]}
                error={errors[def.name]}
                onChange={(v) => onChange(def.name, v)}
                onBlur={() => onBlur(def.name)}
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

function Field({
  def,
  help,
  value,
  error,
  onChange,
  onBlur,
}: {
  def: ParamDef;
  help?: string;
  value: FormValue | undefined;
  error?: string;
  onChange: (v: FormValue) => void;
  onBlur: () => void;
}) {
  const id = `field-${def.name}`;
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const common = { id, "aria-invalid": Boolean(error), "aria-describedby": describedBy, onBlur };
  const label = (
    <label htmlFor={id} className="block text-sm font-medium text-slate-800">
      {def.label}
    </label>
  );
  let control: React.ReactNode;
  if (def.type === "boolean") {
    return (
      <div data-testid={`param-${def.name}`}>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input
            type="checkbox"
            {...common}
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            className="h-4 w-4 rounded border-slate-300"
          />
          {def.label}
        </label>
        <FieldNotes id={id} help={help} error={error} />
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
        <FieldNotes id={id} help={help} error={error} />
      </fieldset>
    );
  }
  if (def.type === "enum_select") {
    control = (
      <select {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} className={inputClass}>
        {!def.required && <option value="">—</option>}
        {(def.rules.options ?? []).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label ?? o.value}
          </option>
        ))}
      </select>
    );
  } else if (LIST_TYPES.has(def.type)) {
    const text = typeof value === "string" ? value : "";
    const n = listItems(def, text).length;
    const noun = def.type === "asin_list" ? "ASIN" : def.type === "campaign_list" ? "campaign" : "value";
    control = (
      <>
        <textarea
          {...common}
          rows={Math.min(8, Math.max(3, text.split("\n").length))}
          value={text}
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
  } else if (NUMBER_TYPES.has(def.type)) {
    control = (
      <input
        type="number"
        inputMode="decimal"
        {...common}
        value={typeof value === "string" ? value : ""}
        min={def.rules.min}
        max={def.rules.max}
        step={def.rules.integer ? 1 : "any"}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
      />
    );
  } else if (def.type === "date_expression") {
    control = <input type="date" {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} className={inputClass} />;
  } else {
    control = (
      <input
        type="text"
        {...common}
        value={typeof value === "string" ? value : ""}
        placeholder={def.placeholder}
        maxLength={def.rules.maxLength ?? 1000}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
      />
    );
  }
  return (
    <div data-testid={`param-${def.name}`}>
      {label}
      {control}
      <FieldNotes id={id} help={help} error={error} />
    </div>
  );
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

// ---------------------------------------------------------------------------------------------
// Time window

export const WINDOW_PRESETS = [
  { value: "last_7", label: "Last 7 complete days" },
  { value: "last_14", label: "Last 14 complete days" },
  { value: "last_30", label: "Last 30 complete days" },
  { value: "last_60", label: "Last 60 complete days" },
  { value: "last_90", label: "Last 90 complete days" },
  { value: "last_n", label: "Last N complete days…" },
  { value: "previous_week", label: "Previous week (Mon–Sun)" },
  { value: "previous_month", label: "Previous month" },
  { value: "previous_quarter", label: "Previous quarter" },
  { value: "month_to_date", label: "Month to date" },
  { value: "quarter_to_date", label: "Quarter to date" },
  { value: "year_to_date", label: "Year to date" },
  { value: "absolute", label: "Specific dates…" },
] as const;
type Preset = (typeof WINDOW_PRESETS)[number]["value"];

export interface WindowState {
  preset: Preset;
  n: string;
  /** "" = the template's data lag. */
  lagDays: string;
  start: string;
  end: string;
  includeProvisional: boolean;
}

const FIXED_N = new Set([7, 14, 30, 60, 90]);

export function windowStateOf(spec: WindowSpec): WindowState {
  const base: WindowState = { preset: "last_30", n: "30", lagDays: "", start: "", end: "", includeProvisional: spec.includeProvisional ?? false };
  if (spec.kind !== "absolute" && spec.lagDays !== undefined) base.lagDays = String(spec.lagDays);
  switch (spec.kind) {
    case "last_days":
      return { ...base, preset: FIXED_N.has(spec.n) ? (`last_${spec.n}` as Preset) : "last_n", n: String(spec.n) };
    case "last_weeks":
      return { ...base, preset: "last_n", n: String(spec.n * 7) };
    case "last_months":
      return { ...base, preset: "last_n", n: String(spec.n * 30) };
    case "absolute":
      return { ...base, preset: "absolute", start: spec.start, end: spec.end };
    default:
      return { ...base, preset: spec.kind };
  }
}

/** The state as a WindowSpec (the server validates it; numbers that are not numbers go as-is). */
export function windowSpecOf(s: WindowState): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (s.includeProvisional) extra.includeProvisional = true;
  if (s.preset === "absolute") return { kind: "absolute", start: s.start, end: s.end, ...extra };
  if (s.lagDays.trim() !== "") extra.lagDays = Number(s.lagDays);
  if (s.preset === "last_n") return { kind: "last_days", n: Number(s.n), ...extra };
  if (s.preset.startsWith("last_")) return { kind: "last_days", n: Number(s.preset.slice(5)), ...extra };
  return { kind: s.preset, ...extra };
}

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
        <div>
          <label htmlFor={`${id}-preset`} className="block text-sm font-medium text-slate-800">
            Time window
          </label>
          <select id={`${id}-preset`} value={state.preset} onChange={(e) => set({ preset: e.target.value as Preset })} className={inputClass}>
            {WINDOW_PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        {state.preset === "last_n" && (
          <div>
            <label htmlFor={`${id}-n`} className="block text-sm font-medium text-slate-800">
              Number of days
            </label>
            <input id={`${id}-n`} type="number" min={1} max={365} value={state.n} onChange={(e) => set({ n: e.target.value })} className={inputClass} />
          </div>
        )}
        {state.preset === "absolute" ? (
          <>
            <div>
              <label htmlFor={`${id}-start`} className="block text-sm font-medium text-slate-800">
                First day
              </label>
              <input id={`${id}-start`} type="date" value={state.start} onChange={(e) => set({ start: e.target.value })} className={inputClass} />
            </div>
            <div>
              <label htmlFor={`${id}-end`} className="block text-sm font-medium text-slate-800">
                Last day
              </label>
              <input id={`${id}-end`} type="date" value={state.end} onChange={(e) => set({ end: e.target.value })} className={inputClass} />
            </div>
          </>
        ) : (
          <div>
            <label htmlFor={`${id}-lag`} className="block text-sm font-medium text-slate-800">
              Data lag (days)
            </label>
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
          </div>
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

// ---------------------------------------------------------------------------------------------
// Time zone

const subscribeNever = () => () => {};
/** The browser's IANA zone after hydration ("UTC" during the server render). */
export function useBrowserTimeZone(): string {
  return useSyncExternalStore(
    subscribeNever,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
}

export function TimeZoneSelect({ zones, value, onChange, id }: { zones: string[]; value: string; onChange: (z: string) => void; id: string }) {
  const all = zones.includes(value) ? zones : [value, ...zones];
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        Time zone
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={inputClass}>
        {all.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
    </div>
  );
}
