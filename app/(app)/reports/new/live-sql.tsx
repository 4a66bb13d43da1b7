import type { ValidationResponse } from "@/lib/reports/validate";

/**
 * Step 2's live SQL: what the server renders from the values as they are typed (the debounced
 * preview), so a parameter's effect on the query is visible at once. Step 3 shows the same text
 * for review before going on.
 */
export function LiveSql({ preview, checking }: { preview: ValidationResponse | null; checking: boolean }) {
  return (
    <section aria-label="Live SQL preview" className="space-y-1">
      <p className="flex items-baseline gap-2 text-sm font-medium text-slate-800">
        SQL preview
        <span className="text-xs font-normal text-slate-500">{checking ? "updating…" : "updates as you type"}</span>
      </p>
      <pre
        data-testid="live-sql"
        aria-busy={checking}
        className={`max-h-80 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 ${checking ? "opacity-70" : ""}`}
      >
        {preview?.previewSql ?? (preview ? "(the SQL shows once the highlighted fields are fixed)" : "(rendering…)")}
      </pre>
    </section>
  );
}
