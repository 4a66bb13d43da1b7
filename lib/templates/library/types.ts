import type { ParameterType } from "../../../db/schema";
import type { ValidationRules } from "../../params/definitions";
import type { WindowSpec } from "../../params/window";
import type { ReportConfig, UiGroup, UiSchema } from "../config";
import type { SeedTemplate } from "../seed";

/** One parameter of a library template, as written in lib/templates/library/*.ts. */
export interface LibraryParam {
  name: string;
  label: string;
  type: ParameterType;
  /** Default true. */
  required?: boolean;
  default?: unknown;
  rules?: ValidationRules;
  help?: string;
  placeholder?: string;
  /** A ui_schema group id. */
  group?: string;
}

/** One library template: AMC SQL with `{{name}}` placeholders, typed parameters, widgets, form layout. */
export interface LibraryTemplate {
  templateId: string;
  name: string;
  description: string;
  /** What it answers, in one sentence. */
  question: string;
  category: string;
  reportType: string;
  dataLagDays: number;
  tags: string[];
  sql: string;
  params: LibraryParam[];
  reportConfig: ReportConfig;
  ui?: { groups?: UiGroup[]; defaultWindow?: WindowSpec };
}

/** The rows lib/demo/seed.ts writes for a library template. */
export function toSeed(t: LibraryTemplate): SeedTemplate {
  const help = Object.fromEntries(t.params.filter((p) => p.help).map((p) => [p.name, p.help!]));
  const uiSchema: UiSchema = { question: t.question, order: t.params.map((p) => p.name), help, ...t.ui };
  return {
    template: {
      templateId: t.templateId,
      name: t.name,
      description: t.description,
      category: t.category,
      reportType: t.reportType,
      dataLagDays: t.dataLagDays,
      tags: t.tags,
      sqlTemplate: t.sql,
      reportConfig: t.reportConfig,
      uiSchema,
    },
    parameters: t.params.map((p) => ({
      name: p.name,
      label: p.label,
      paramType: p.type,
      required: p.required ?? true,
      defaultValue: p.default ?? null,
      validationRules: p.rules ?? {},
      uiConfig: { ...(p.help ? { help: p.help } : {}), ...(p.placeholder ? { placeholder: p.placeholder } : {}) },
      groupName: p.group ?? null,
    })),
  };
}

