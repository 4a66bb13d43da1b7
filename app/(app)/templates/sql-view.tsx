import { scanTemplate } from "@/lib/params/scan";
import { ENGINE_PARAMETERS } from "@/lib/params/render";

/**
 * Template SQL with its placeholders highlighted, found by the renderer's own scanner (so a
 * `::DATE` cast or a `{{x}}` inside a string literal or comment is shown as plain text).
 */
export function TemplateSql({ sql, defined }: { sql: string; defined: string[] }) {
  const known = new Set(defined);
  return (
    <pre data-testid="template-sql" className="max-h-[36rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
      {scanTemplate(sql).map((s, i) => {
        if (s.kind === "text") return <span key={i}>{s.text}</span>;
        const engine = (ENGINE_PARAMETERS as readonly string[]).includes(s.name);
        const cls = engine ? "bg-sky-700 text-white" : known.has(s.name) ? "bg-amber-300 text-slate-900" : "bg-red-600 text-white";
        return (
          <mark key={i} data-testid="sql-placeholder" title={engine ? "Supplied from the report's window" : known.has(s.name) ? `Parameter ${s.name}` : "No definition"} className={`rounded px-0.5 ${cls}`}>
            {s.raw}
          </mark>
        );
      })}
    </pre>
  );
}
