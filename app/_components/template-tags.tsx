/** A template's report type and tags as chips (library cards and the builder's step 1). */
export function TemplateTags({ reportType, tags, custom }: { reportType: string | null; tags: string[]; custom?: boolean }) {
  return (
    <p className="mt-2 flex flex-wrap gap-1">
      {reportType && <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-800">{reportType}</span>}
      {tags.map((tag) => (
        <span key={tag} className="rounded bg-slate-50 px-1.5 py-0.5 text-xs text-slate-600">
          {tag}
        </span>
      ))}
      {custom && <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-800">custom</span>}
    </p>
  );
}
