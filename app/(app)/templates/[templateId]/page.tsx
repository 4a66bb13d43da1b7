import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getTemplateDetail } from "@/lib/templates/queries";
import { requireUser } from "@/lib/auth/session";
import type { ParamDef } from "@/lib/params/definitions";
import { describeWindow } from "@/lib/params/describe";
import { DataTable } from "@/app/_components/data-table";
import { RecordTitle } from "@/app/_components/page-header";
import { Section } from "@/app/_components/section";
import { TemplateSql } from "../sql-view";

export const metadata: Metadata = { title: "Template" };

const TYPE_LABELS: Record<string, string> = {
  asin_list: "ASIN list",
  campaign_list: "Campaign id list",
  string_list: "Text list",
  campaign_filter: "Campaign filter list",
  enum_select: "Choice",
  number: "Number",
  threshold_numeric: "Threshold",
  percentage: "Percentage",
  boolean: "Yes / no",
  string: "Text",
  like_contains: "Text contained",
  date_expression: "Date",
  date_range: "Date range",
};

function formatDefault(def: ParamDef): string {
  const v = def.defaultValue;
  if (v === undefined || v === null) return "—";
  if (Array.isArray(v)) return v.length > 4 ? `${v.slice(0, 4).join(", ")} … (${v.length})` : v.join(", ");
  return String(v);
}

function formatRules(def: ParamDef): string {
  const r = def.rules;
  const parts: string[] = [];
  if (r.options) parts.push(`${r.multiple ? "any of" : "one of"}: ${r.options.map((o) => o.value).join(", ")}`);
  if (r.min !== undefined) parts.push(`≥ ${r.min}`);
  if (r.max !== undefined) parts.push(`≤ ${r.max}`);
  if (r.integer) parts.push("whole number");
  if (r.maxItems) parts.push(`at most ${r.maxItems} items`);
  if (r.minItems) parts.push(`at least ${r.minItems} items`);
  if (r.maxLength) parts.push(`at most ${r.maxLength} characters`);
  if (r.pattern) parts.push(`matches /${r.pattern}/`);
  if (def.type === "asin_list") parts.push("10-character ASINs");
  return parts.join("; ") || "—";
}

export default async function TemplatePage({ params }: { params: Promise<{ templateId: string }> }) {
  const user = await requireUser();
  const { templateId } = await params;
  const t = await getTemplateDetail(getDb(), user, templateId);
  if (!t) notFound();
  return (
    <div className="space-y-6">
      <RecordTitle
        back={{ href: "/templates", label: "Templates" }}
        title={t.name}
        id={t.templateId}
        facts={
          <>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{t.category}</span>
            {t.reportType && <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-800">{t.reportType}</span>}
            <span>version {t.version}</span>
            <span>{t.isSystem ? "library template" : "custom template"}</span>
          </>
        }
        actions={
          <div className="flex gap-2">
            {user.role === "admin" && (
              <Link href={`/templates/${t.templateId}/edit`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50">
                Edit template
              </Link>
            )}
            <Link href={`/reports/new?template=${t.templateId}`} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
              Create report from this
            </Link>
          </div>
        }
      >
        {t.question && <p className="mt-2 max-w-3xl text-sm font-medium text-slate-800">{t.question}</p>}
        {t.description && <p className="mt-1 max-w-3xl text-sm text-slate-700">{t.description}</p>}
      </RecordTitle>

      <dl className="grid gap-x-8 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-500">Data lag</dt>
          <dd data-testid="template-lag">
            {t.dataLagDays} day{t.dataLagDays === 1 ? "" : "s"}: windows end that many days before the run
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Default window</dt>
          <dd>{describeWindow(t.defaultWindow, t.dataLagDays)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Used by</dt>
          <dd>
            {t.usageCount} report{t.usageCount === 1 ? "" : "s"}
          </dd>
        </div>
        {t.tags.length > 0 && (
          <div className="sm:col-span-3">
            <dt className="text-xs text-slate-500">Tags</dt>
            <dd className="flex flex-wrap gap-1">
              {t.tags.map((tag) => (
                <span key={tag} className="rounded bg-slate-50 px-1.5 py-0.5 text-xs text-slate-600">
                  {tag}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>

      <Section id="params" title="Parameters" className="space-y-2">
        <DataTable testId="param-table" columns={["Name", "Type", "Required", "Default", "Validation"]}>
          {t.defs.map((d) => (
            <tr key={d.name} className="align-top">
              <td className="px-3 py-2">
                <code className="font-mono text-xs">{`{{${d.name}}}`}</code>
                <span className="block text-slate-800">{d.label}</span>
                {(t.uiSchema.help?.[d.name] ?? d.help) && <span className="block text-xs text-slate-500">{t.uiSchema.help?.[d.name] ?? d.help}</span>}
              </td>
              <td className="px-3 py-2">{TYPE_LABELS[d.type] ?? d.type}</td>
              <td className="px-3 py-2">{d.required ? "yes" : "no"}</td>
              <td className="max-w-xs px-3 py-2 font-mono text-xs break-words">{formatDefault(d)}</td>
              <td className="px-3 py-2 text-xs">{formatRules(d)}</td>
            </tr>
          ))}
          <tr className="align-top text-slate-600">
            <td className="px-3 py-2">
              <code className="font-mono text-xs">{"{{window_start}} {{window_end}}"}</code>
            </td>
            <td className="px-3 py-2" colSpan={4}>
              Supplied from each run&apos;s time window (optional in the SQL); AMC also restricts every table to that window.
            </td>
          </tr>
        </DataTable>
      </Section>

      <Section id="sql" title="SQL" className="space-y-2">
        <p className="text-xs text-slate-500">Placeholders are highlighted; each run renders them as typed SQL literals.</p>
        <TemplateSql sql={t.sqlTemplate} defined={t.defs.map((d) => d.name)} />
      </Section>

      {t.reportConfig && (
        <Section id="layout" title="Dashboard layout" className="space-y-2">
          <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {t.reportConfig.widgets.map((w, i) => (
              <li key={i} data-testid="widget-preview" className="rounded-md border border-slate-200 bg-white p-3 text-sm">
                <p className="font-medium">{w.title ?? w.type}</p>
                <p className="text-xs text-slate-500">
                  {w.type}
                  {w.x && ` · x: ${w.x}`}
                  {w.y && ` · y: ${w.y.join(", ")}`}
                  {w.series && ` · series: ${w.series}`}
                </p>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
