"use client";

import Link from "next/link";
import { useId, useState } from "react";
import type { TemplateCard } from "@/lib/templates/queries";
import { buttonClass, inputClass, Labeled, Options } from "@/app/_components/form";
import { TemplateTags } from "@/app/_components/template-tags";

/** Step 1: search the library (in the URL, filtered in SQL) and choose a template. */
export function TemplateStep({
  templates,
  categories,
  search,
  chosen,
  loading,
  onChoose,
  onSearch,
}: {
  templates: TemplateCard[];
  categories: string[];
  search: { q: string; category: string };
  chosen: string | null;
  loading: string | null;
  onChoose: (templateId: string) => void;
  onSearch: (q: string, category: string) => void;
}) {
  const id = useId();
  const [q, setQ] = useState(search.q);
  return (
    <section className="space-y-4" aria-label="Choose a template">
      <form
        role="search"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(q.trim(), search.category);
        }}
      >
        <Labeled id={`${id}-q`} label="Search templates" className="min-w-64 flex-1">
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="ROAS, ASIN, reach…" className={inputClass} />
        </Labeled>
        <Labeled id={`${id}-category`} label="Category">
          <select id={`${id}-category`} value={search.category} onChange={(e) => onSearch(q.trim(), e.target.value)} className={inputClass}>
            <option value="">All categories</option>
            <Options options={categories} />
          </select>
        </Labeled>
        <button type="submit" className={buttonClass("secondary", "lg")}>
          Search
        </button>
      </form>
      {templates.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-sm text-slate-600">No template matches. Try another word or category.</p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {templates.map((t) => (
            <li key={t.templateId} data-testid="template-card" className={`flex flex-col rounded-lg border bg-white p-4 ${chosen === t.templateId ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200"}`}>
              <div className="flex items-start justify-between gap-2">
                <h3 className="font-semibold text-slate-900">{t.name}</h3>
                <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t.category}</span>
              </div>
              {t.question && <p className="mt-1 text-sm text-slate-700">{t.question}</p>}
              {t.description && <p className="mt-1 line-clamp-3 text-xs text-slate-500">{t.description}</p>}
              <TemplateTags reportType={t.reportType} tags={t.tags} />
              <div className="mt-auto flex items-center justify-between gap-2 pt-3">
                <Link href={`/templates/${t.templateId}`} className="text-xs text-indigo-700 hover:underline">
                  SQL and details
                </Link>
                <button type="button" onClick={() => onChoose(t.templateId)} disabled={loading !== null} aria-label={`Choose ${t.name}`} className={buttonClass("primary", "lg")}>
                  {loading === t.templateId ? "Loading…" : chosen === t.templateId ? "Continue" : "Choose"}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
