"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { cancelBackfillAction, retryFailedSegmentsAction } from "./backfill-actions";

/** Retry failed segments / Cancel backfill for one backfill. */
export function BackfillControls({
  reportId,
  collectionId,
  canRetry,
  canCancel,
}: {
  reportId: string;
  collectionId: string;
  canRetry: boolean;
  canCancel: boolean;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  if (!canRetry && !canCancel && !message) return null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {canRetry && (
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const r = await retryFailedSegmentsAction({ reportId, collectionId });
              if (r.ok) {
                setMessage({ kind: "ok", text: `${r.data.retried} failed segment${r.data.retried === 1 ? "" : "s"} re-queued.` });
                router.refresh();
              } else setMessage({ kind: "error", text: r.error.message });
            })
          }
          className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60"
        >
          Retry failed segments
        </button>
      )}
      {canCancel && (
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            if (!window.confirm("Cancel the remaining segments of this backfill? Finished segments keep their results.")) return;
            start(async () => {
              const r = await cancelBackfillAction({ reportId, collectionId });
              if (r.ok) {
                setMessage({ kind: "ok", text: `Backfill cancelled (${r.data.cancelled + r.data.cancelling} segments stopped).` });
                router.refresh();
              } else setMessage({ kind: "error", text: r.error.message });
            });
          }}
          className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium hover:bg-red-50 hover:text-red-700 disabled:opacity-60"
        >
          Cancel backfill
        </button>
      )}
      {message && (
        <span role={message.kind === "error" ? "alert" : "status"} className={message.kind === "error" ? "text-xs text-red-700" : "text-xs text-slate-600"}>
          {message.text}
        </span>
      )}
    </div>
  );
}
