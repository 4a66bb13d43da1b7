import type { TemplateDetail } from "@/lib/templates/queries";
import type { ParamDef } from "@/lib/params/definitions";
import type { EditorInitial, EditorParam } from "./template-editor";

/** A stored template as the editor's form state. */
function paramOf(d: ParamDef): EditorParam {
  const r = d.rules;
  const v = d.defaultValue;
  return {
    name: d.name,
    label: d.label,
    type: d.type,
    required: d.required,
    defaultText: v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v),
    help: d.help ?? "",
    placeholder: d.placeholder ?? "",
    group: d.group ?? "",
    min: r.min === undefined ? "" : String(r.min),
    max: r.max === undefined ? "" : String(r.max),
    integer: r.integer ?? false,
    maxItems: r.maxItems === undefined ? "" : String(r.maxItems),
    maxLength: r.maxLength === undefined ? "" : String(r.maxLength),
    pattern: r.pattern ?? "",
    multiple: r.multiple ?? false,
    optionsText: (r.options ?? []).map((o) => [o.value, o.label ?? "", o.sql ?? ""].join(" | ").replace(/( \| )+$/, "")).join("\n"),
  };
}

export function editorInitialOf(t: TemplateDetail): EditorInitial {
  return {
    templateId: t.templateId,
    name: t.name,
    description: t.description ?? "",
    category: t.category,
    reportType: t.reportType ?? "",
    dataLagDays: String(t.dataLagDays),
    tags: t.tags.join(", "),
    sqlTemplate: t.sqlTemplate,
    params: t.defs.map(paramOf),
    reportConfigText: JSON.stringify(t.rawReportConfig ?? { widgets: [{ type: "table" }] }, null, 2),
    uiSchemaText: JSON.stringify(t.rawUiSchema ?? {}, null, 2),
    version: t.version,
    isSystem: t.isSystem,
    usageCount: t.usageCount,
  };
}

export const NEW_TEMPLATE: EditorInitial = {
  templateId: "",
  name: "",
  description: "",
  category: "Custom",
  reportType: "",
  dataLagDays: "14",
  tags: "",
  sqlTemplate: "SELECT campaign, COUNT(DISTINCT user_id) AS reach\nFROM dsp_impressions\nWHERE campaign_id_string IN ({{campaign_list}})\nGROUP BY 1",
  params: [
    {
      name: "campaign_list",
      label: "Campaigns",
      type: "campaign_list",
      required: true,
      defaultText: "",
      help: "campaign_id_string values, comma or newline separated.",
      placeholder: "",
      group: "",
      min: "",
      max: "",
      integer: false,
      maxItems: "100",
      maxLength: "",
      pattern: "",
      multiple: false,
      optionsText: "",
    },
  ],
  reportConfigText: JSON.stringify({ widgets: [{ type: "table" }], privacy: { userCountColumn: "reach", sensitivity: "low" } }, null, 2),
  uiSchemaText: JSON.stringify({ question: "", defaultWindow: { kind: "last_days", n: 30 } }, null, 2),
  version: null,
  isSystem: false,
  usageCount: 0,
};
