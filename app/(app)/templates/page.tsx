import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { listTemplateCategories, listTemplates, parseTemplateSearch } from "@/lib/templates/queries";
import { requireUser } from "@/lib/auth/session";
import { TemplateTags } from "@/app/_components/template-tags";

export const metadata: Metadata = { title: "Templates" };

const field = "mt-1 block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none";

export default async function TemplatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const search = parseTemplateSearch(await searchParams);
  const db = getDb();
  const [templates, categories] = await Promise.all([listTemplates(db, user, search), listTemplateCategories(db)]);
  const filtered = Boolean(search.q || search.category);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold text-slate-900">Templates</h1>
        <span data-testid="templates-total" className="text-sm text-slate-500">
          {templates.length} {filtered ? "matching" : ""}
        </span>
        {user.role === "admin" && (
          <Link href="/templates/new" className="ml-auto rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50">
            New template
          </Link>
        )}
      </div>
      {/* A plain GET form: the filter lives in the URL and runs in SQL. */}
      <form role="search" action="/templates" className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="templates-q" className="block text-sm font-medium">
            Search templates
          </label>
          <input id="templates-q" name="q" type="search" defaultValue={search.q} placeholder="ROAS, ASIN, reach…" className={`${field} w-full`} />
        </div>
        <div>
          <label htmlFor="templates-category" className="block text-sm font-medium">
            Category
          </label>
          <select id="templates-category" name="category" defaultValue={search.category} className={field}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50">
          Search
        </button>
        {filtered && (
          <Link href="/templates" className="py-2 text-sm text-indigo-700 hover:underline">
            Clear
          </Link>
        )}
      </form>
      {templates.length === 0 ? (
        <p data-testid="templates-empty" className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-600">
          No template matches these filters.
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {templates.map((t) => (
            <li key={t.templateId} data-testid="template-card" className="flex flex-col rounded-lg border border-slate-200 bg-white p-4">
              <div className="flex items-start justify-between gap-2">
                <h2 className="font-semibold">
                  <Link href={`/templates/${t.templateId}`} className="text-slate-900 hover:text-indigo-700 hover:underline">
                    {t.name}
                  </Link>
                </h2>
                <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t.category}</span>
              </div>
              {t.question && <p className="mt-1 text-sm text-slate-700">{t.question}</p>}
              {t.description && <p className="mt-1 text-xs text-slate-500">{t.description}</p>}
              <TemplateTags reportType={t.reportType} tags={t.tags} custom={!t.isSystem} />
              <div className="mt-auto flex items-center justify-between pt-3 text-xs text-slate-500">
                <span>
                  v{t.version} · lag {t.dataLagDays} d · used by {t.usageCount} report{t.usageCount === 1 ? "" : "s"}
                </span>
                <Link href={`/reports/new?template=${t.templateId}`} className="rounded-md bg-indigo-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-indigo-500">
                  Create report
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
