import type { ValidationResponse } from "@/lib/reports/validate";

/** Step 2's side panel: the server's latest verdict on what is typed, its window and cost. */
export function LiveStatus({ preview, checking }: { preview: ValidationResponse | null; checking: boolean }) {
  return (
    <aside data-testid="live-status" className="h-fit space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm lg:sticky lg:top-4">
      <p className="font-medium text-slate-800">
        {checking || !preview ? "Checking…" : preview.valid ? "Ready to preview" : "Needs attention"}
        {preview && !checking && <span className={`ml-2 inline-block h-2 w-2 rounded-full ${preview.valid ? "bg-green-500" : "bg-red-500"}`} />}
      </p>
      {preview && (
        <>
          <p className="text-slate-700">
            {preview.timeWindow.firstDay} – {preview.timeWindow.lastDay} ({preview.timeWindow.days} days)
          </p>
          <p className="text-xs text-slate-500">
            {preview.timeWindow.timeZone} · data lag {preview.timeWindow.lagDays} days · estimated cost {preview.estimatedCost}
          </p>
          {!preview.valid && <p className="text-xs text-red-700">{preview.errors.length + preview.formErrors.length} problem(s) to fix</p>}
        </>
      )}
    </aside>
  );
}
