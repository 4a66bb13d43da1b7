"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import type { ParameterType } from "@/db/schema";
import type { ErrorBody } from "@/lib/errors";
import { checkPlaceholders, gluedMessage } from "@/lib/templates/placeholders";
import { ErrorBanner, Options } from "@/app/_components/form";
import { saveTemplateAction } from "./actions";

/**
 * The admin template editor: SQL with `{{placeholders}}`, one definition per placeholder (type,
 * label, required, default, validation, help), the dashboard layout and form layout as JSON.
 * The placeholder/definition check runs live here and again on the server, which also validates
 * everything else; saving bumps the version and runs nothing.
 */

export interface EditorParam {
  name: string;
  label: string;
  type: string;
  required: boolean;
  defaultText: string;
  help: string;
  placeholder: string;
  group: string;
  min: string;
  max: string;
  integer: boolean;
  maxItems: string;
  maxLength: string;
  pattern: string;
  multiple: boolean;
  /** One option per line: value | label | sql */
  optionsText: string;
}

export interface EditorInitial {
  templateId: string;
  name: string;
  description: string;
  category: string;
  reportType: string;
  dataLagDays: string;
  tags: string;
  sqlTemplate: string;
  params: EditorParam[];
  reportConfigText: string;
  uiSchemaText: string;
  version: number | null;
  isSystem: boolean;
  usageCount: number;
}

export const emptyParam = (name = ""): EditorParam => ({
  name,
  label: name ? name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()) : "",
  type: "string",
  required: true,
  defaultText: "",
  help: "",
  placeholder: "",
  group: "",
  min: "",
  max: "",
  integer: false,
  maxItems: "",
  maxLength: "",
  pattern: "",
  multiple: false,
  optionsText: "",
});

const field = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none aria-[invalid=true]:border-red-400";
const LISTS = new Set(["asin_list", "campaign_list", "string_list", "campaign_filter"]);
const NUMBERS = new Set(["number", "threshold_numeric", "percentage"]);

function num(s: string): number | undefined {
  return s.trim() === "" ? undefined : Number(s);
}

function toInput(p: EditorParam) {
  const rules: Record<string, unknown> = {};
  if (NUMBERS.has(p.type)) {
    if (num(p.min) !== undefined) rules.min = num(p.min);
    if (num(p.max) !== undefined) rules.max = num(p.max);
    if (p.integer) rules.integer = true;
  }
  if (LISTS.has(p.type) && num(p.maxItems) !== undefined) rules.maxItems = num(p.maxItems);
  if ((p.type === "string" || p.type === "like_contains") && num(p.maxLength) !== undefined) rules.maxLength = num(p.maxLength);
  if (p.type === "string" && p.pattern.trim()) rules.pattern = p.pattern.trim();
  if (p.type === "enum_select") {
    rules.options = p.optionsText
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [value, label, sql] = l.split("|").map((x) => x.trim());
        return { value: value ?? "", ...(label ? { label } : {}), ...(sql ? { sql } : {}) };
      });
    if (p.multiple) rules.multiple = true;
  }
  return {
    name: p.name.trim(),
    label: p.label.trim(),
    type: p.type as ParameterType,
    required: p.required,
    defaultValue: p.defaultText.trim() === "" ? undefined : p.defaultText,
    rules,
    help: p.help.trim() || undefined,
    placeholder: p.placeholder.trim() || undefined,
    group: p.group.trim() || undefined,
  };
}

export function TemplateEditor({ initial, types, mode }: { initial: EditorInitial; types: readonly string[]; mode: "create" | "edit" }) {
  const router = useRouter();
  const [t, setT] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const fe = error?.fieldErrors ?? {};
  const set = (patch: Partial<EditorInitial>) => setT((x) => ({ ...x, ...patch }));
  const setParam = (i: number, patch: Partial<EditorParam>) => setT((x) => ({ ...x, params: x.params.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));

  const check = useMemo(() => checkPlaceholders(t.sqlTemplate, t.params.map((p) => p.name.trim()).filter(Boolean)), [t.sqlTemplate, t.params]);

  async function save() {
    setJsonError(null);
    let reportConfig: unknown;
    let uiSchema: unknown;
    try {
      reportConfig = t.reportConfigText.trim() ? JSON.parse(t.reportConfigText) : undefined;
      uiSchema = t.uiSchemaText.trim() ? JSON.parse(t.uiSchemaText) : undefined;
    } catch (e) {
      setJsonError(`Not valid JSON: ${(e as Error).message}`);
      return;
    }
    setSaving(true);
    setError(null);
    const r = await saveTemplateAction({
      templateId: t.templateId.trim(),
      name: t.name,
      description: t.description || undefined,
      category: t.category,
      reportType: t.reportType || undefined,
      // As typed: the server parses it strictly (Number("") would be 0 days, not a missing value).
      dataLagDays: t.dataLagDays,
      tags: t.tags
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      sqlTemplate: t.sqlTemplate,
      parameters: t.params.map(toInput),
      reportConfig,
      uiSchema,
      ...(mode === "edit" && t.version !== null ? { expectedVersion: t.version } : {}),
    });
    setSaving(false);
    if (r.ok) {
      router.push(`/templates/${r.data.templateId}`);
      router.refresh();
    } else setError(r.error);
  }

  const err = (key: string) => fe[key]?.[0];
  return (
    <div className="space-y-6">
      {mode === "edit" && (
        <div className="space-y-1 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
          <p>
            Saving makes version {(t.version ?? 0) + 1}. Runs already made keep the SQL they sent; the {t.usageCount} report{t.usageCount === 1 ? "" : "s"} using this
            template render the new version from their next run.
          </p>
          {t.isSystem && <p className="text-amber-800">This is a library template: once you save it, it becomes a custom template and library updates no longer change it.</p>}
        </div>
      )}
      <ErrorBanner error={error} testId="editor-error" />

      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Labeled label="Template id" error={err("templateId")}>
          <input value={t.templateId} readOnly={mode === "edit"} onChange={(e) => set({ templateId: e.target.value })} className={`${field} font-mono`} />
        </Labeled>
        <Labeled label="Name" error={err("name")}>
          <input value={t.name} onChange={(e) => set({ name: e.target.value })} className={field} />
        </Labeled>
        <Labeled label="Category" error={err("category")}>
          <input value={t.category} onChange={(e) => set({ category: e.target.value })} className={field} />
        </Labeled>
        <Labeled label="Report type" error={err("reportType")}>
          <input value={t.reportType} onChange={(e) => set({ reportType: e.target.value })} className={field} />
        </Labeled>
        <Labeled label="Data lag (days)" error={err("dataLagDays")}>
          <input type="number" min={0} max={90} value={t.dataLagDays} onChange={(e) => set({ dataLagDays: e.target.value })} className={field} />
        </Labeled>
        <Labeled label="Tags (comma separated)" error={err("tags")}>
          <input value={t.tags} onChange={(e) => set({ tags: e.target.value })} className={field} />
        </Labeled>
        <div className="sm:col-span-2 lg:col-span-3">
          <Labeled label="Description" error={err("description")}>
            <textarea rows={2} value={t.description} onChange={(e) => set({ description: e.target.value })} className={field} />
          </Labeled>
        </div>
      </div>

      <div>
        <Labeled label="SQL (AMC SQL with {{placeholders}})" error={err("sqlTemplate")}>
          <textarea
            rows={18}
            spellCheck={false}
            value={t.sqlTemplate}
            onChange={(e) => set({ sqlTemplate: e.target.value })}
            className={`${field} font-mono text-xs`}
          />
        </Labeled>
        <div data-testid="placeholder-check" className="mt-2 space-y-1 text-sm">
          {check.undefinedPlaceholders.length === 0 && check.unusedDefinitions.length === 0 && check.glued.length === 0 ? (
            <p className="text-green-700">Every placeholder has a definition and every definition is used.</p>
          ) : (
            <>
              {check.undefinedPlaceholders.length > 0 && (
                <p className="text-red-700">
                  No definition for {check.undefinedPlaceholders.map((n) => `{{${n}}}`).join(", ")}.{" "}
                  <button
                    type="button"
                    className="text-indigo-700 underline"
                    onClick={() => setT((x) => ({ ...x, params: [...x.params, ...check.undefinedPlaceholders.map((n) => emptyParam(n))] }))}
                  >
                    Add definitions
                  </button>
                </p>
              )}
              {check.unusedDefinitions.length > 0 && <p className="text-red-700">Not used in the SQL: {check.unusedDefinitions.join(", ")}.</p>}
              {check.glued.map((g, i) => (
                <p key={i} data-testid="placeholder-glued" className="text-red-700">
                  {gluedMessage(g)}
                </p>
              ))}
            </>
          )}
          <p className="text-xs text-slate-500">{"{{window_start}}"} and {"{{window_end}}"} come from each run&apos;s time window and need no definition.</p>
        </div>
      </div>

      <section className="space-y-3">
        <div className="flex items-center justify-between">
          <h2 className="text-base font-semibold">Parameters</h2>
          <button type="button" onClick={() => set({ params: [...t.params, emptyParam()] })} className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50">
            Add parameter
          </button>
        </div>
        {t.params.map((p, i) => (
          <fieldset key={i} data-testid="param-editor" className="grid gap-3 rounded-md border border-slate-200 bg-white p-3 sm:grid-cols-2 lg:grid-cols-4">
            <legend className="px-1 text-xs font-semibold text-slate-600">Parameter {i + 1}</legend>
            <Labeled label="Name" error={err(`parameters.${i}.name`)}>
              <input value={p.name} onChange={(e) => setParam(i, { name: e.target.value })} className={`${field} font-mono`} />
            </Labeled>
            <Labeled label="Label" error={err(`parameters.${i}.label`)}>
              <input value={p.label} onChange={(e) => setParam(i, { label: e.target.value })} className={field} />
            </Labeled>
            <Labeled label="Type" error={err(`parameters.${i}.type`)}>
              <select value={p.type} onChange={(e) => setParam(i, { type: e.target.value })} className={field}>
                <Options options={types} />
              </select>
            </Labeled>
            <label className="flex items-center gap-2 self-end pb-2 text-sm">
              <input type="checkbox" checked={p.required} onChange={(e) => setParam(i, { required: e.target.checked })} /> Required
            </label>
            <Labeled label={LISTS.has(p.type) ? "Default (comma or newline separated)" : "Default"} error={err(`parameters.${i}.defaultValue`)}>
              <input value={p.defaultText} onChange={(e) => setParam(i, { defaultText: e.target.value })} className={field} />
            </Labeled>
            <Labeled label="Help text" error={err(`parameters.${i}.help`)}>
              <input value={p.help} onChange={(e) => setParam(i, { help: e.target.value })} className={field} />
            </Labeled>
            <Labeled label="Group" error={err(`parameters.${i}.group`)}>
              <input value={p.group} onChange={(e) => setParam(i, { group: e.target.value })} className={field} />
            </Labeled>
            <div className="flex items-end justify-end">
              <button type="button" onClick={() => set({ params: t.params.filter((_, j) => j !== i) })} className="text-sm text-red-700 hover:underline">
                Remove
              </button>
            </div>
            {NUMBERS.has(p.type) && (
              <>
                <Labeled label="Min" error={err(`parameters.${i}.rules.min`)}>
                  <input type="number" value={p.min} onChange={(e) => setParam(i, { min: e.target.value })} className={field} />
                </Labeled>
                <Labeled label="Max" error={err(`parameters.${i}.rules.max`)}>
                  <input type="number" value={p.max} onChange={(e) => setParam(i, { max: e.target.value })} className={field} />
                </Labeled>
                <label className="flex items-center gap-2 self-end pb-2 text-sm">
                  <input type="checkbox" checked={p.integer} onChange={(e) => setParam(i, { integer: e.target.checked })} /> Whole numbers only
                </label>
              </>
            )}
            {LISTS.has(p.type) && (
              <Labeled label="Max items" error={err(`parameters.${i}.rules.maxItems`)}>
                <input type="number" value={p.maxItems} onChange={(e) => setParam(i, { maxItems: e.target.value })} className={field} />
              </Labeled>
            )}
            {(p.type === "string" || p.type === "like_contains") && (
              <Labeled label="Max length" error={err(`parameters.${i}.rules.maxLength`)}>
                <input type="number" value={p.maxLength} onChange={(e) => setParam(i, { maxLength: e.target.value })} className={field} />
              </Labeled>
            )}
            {p.type === "string" && (
              <Labeled label="Pattern (regular expression)" error={err(`parameters.${i}.rules.pattern`)}>
                <input value={p.pattern} onChange={(e) => setParam(i, { pattern: e.target.value })} className={`${field} font-mono`} />
              </Labeled>
            )}
            {p.type === "enum_select" && (
              <>
                <div className="sm:col-span-2 lg:col-span-3">
                  <Labeled label="Options, one per line: value | label | SQL fragment (optional, whitelisted)" error={err(`parameters.${i}.rules.options`)}>
                    <textarea rows={3} value={p.optionsText} onChange={(e) => setParam(i, { optionsText: e.target.value })} className={`${field} font-mono text-xs`} />
                  </Labeled>
                </div>
                <label className="flex items-center gap-2 self-end pb-2 text-sm">
                  <input type="checkbox" checked={p.multiple} onChange={(e) => setParam(i, { multiple: e.target.checked })} /> Several may be chosen
                </label>
              </>
            )}
          </fieldset>
        ))}
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <Labeled label="Dashboard layout (report_config JSON)" error={err("reportConfig")}>
          <textarea rows={10} spellCheck={false} value={t.reportConfigText} onChange={(e) => set({ reportConfigText: e.target.value })} className={`${field} font-mono text-xs`} />
        </Labeled>
        <Labeled label="Form layout (ui_schema JSON)" error={err("uiSchema")}>
          <textarea rows={10} spellCheck={false} value={t.uiSchemaText} onChange={(e) => set({ uiSchemaText: e.target.value })} className={`${field} font-mono text-xs`} />
        </Labeled>
      </div>
      {jsonError && (
        <p role="alert" className="text-sm text-red-700">
          {jsonError}
        </p>
      )}

      <div className="flex gap-3">
        <button type="button" onClick={save} disabled={saving} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
          {saving ? "Saving…" : mode === "create" ? "Create template" : "Save new version"}
        </button>
        <button type="button" onClick={() => router.back()} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-50">
          Cancel
        </button>
      </div>
    </div>
  );
}

function Labeled({ label, error, children }: { label: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="block text-sm font-medium text-slate-800">
      {label}
      {children}
      {error && <span className="mt-1 block text-sm font-normal text-red-700">{error}</span>}
    </label>
  );
}
