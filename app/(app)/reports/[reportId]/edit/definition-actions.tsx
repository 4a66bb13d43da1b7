"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteReportAction, duplicateReportAction } from "./actions";

/** Edit / Duplicate / Delete on the report page. Delete asks first: the runs go with the report. */
export function DefinitionActions({ reportId, name, runCount }: { reportId: string; name: string; runCount: number }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [doing, setDoing] = useState<"duplicate" | "delete" | null>(null);
  const button = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60";
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <Link href={`/reports/${reportId}/edit`} className={button}>
          Edit
        </Link>
        <button
          type="button"
          disabled={pending}
          className={button}
          onClick={() => {
            // Outside the transition: its own updates only show when it ends.
            setDoing("duplicate");
            start(async () => {
              const r = await duplicateReportAction({ reportId });
              if (r.ok) router.push(`/reports/${r.data.reportId}`);
              else setError(r.error.message);
            });
          }}
        >
          {pending && doing === "duplicate" ? "Duplicating…" : "Duplicate"}
        </button>
        <button
          type="button"
          disabled={pending}
          className={`${button} hover:bg-red-50 hover:text-red-700`}
          onClick={() => {
            const runs = runCount === 1 ? "its run" : runCount > 1 ? `its ${runCount} runs` : "its settings";
            if (!window.confirm(`Delete "${name}" (${reportId}) with ${runs}, results and schedule? This cannot be undone.`)) return;
            setDoing("delete");
            start(async () => {
              const r = await deleteReportAction({ reportId });
              if (r.ok) router.push("/reports");
              else setError(r.error.message);
            });
          }}
        >
          {pending && doing === "delete" ? "Deleting…" : "Delete"}
        </button>
      </div>
      {error && (
        <p role="alert" className="max-w-md text-right text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
