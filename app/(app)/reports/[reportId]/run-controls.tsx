"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { buttonClass } from "@/app/_components/form";
import { StatusMessage, type ActionMessage } from "@/app/_components/status-message";
import { useRefreshAction } from "@/app/_components/use-refresh-action";
import { cancelRunAction, runNowAction } from "./actions";

/**
 * One key per page view: clicking twice, or the browser retrying the request, asks for the same
 * run, and the server creates it once. A new key only after a run was accepted.
 */
export function RunNowButton({ reportId }: { reportId: string }) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<ActionMessage | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await runNowAction({ reportId, idempotencyKey: key });
            if (result.ok) {
              setMessage({ kind: "ok", text: `Run ${result.data.executionId} queued.` });
              setKey(crypto.randomUUID());
              router.refresh();
            } else {
              setMessage({ kind: "error", text: result.error.message });
            }
          })
        }
        className={buttonClass("primary", "sm")}
      >
        {pending ? "Starting…" : "Run now"}
      </button>
      <StatusMessage message={message} okTestId="run-queued" errorTestId="run-error" errorClassName="max-w-md text-right text-sm text-red-700" />
    </div>
  );
}

export function CancelRunButton({ reportId, executionId }: { reportId: string; executionId: string }) {
  const { pending, error, run } = useRefreshAction();
  return (
    <span className="inline-flex flex-col">
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          if (!window.confirm(`Cancel run ${executionId}? AMC stops working on it.`)) return;
          run(() => cancelRunAction({ reportId, executionId }));
        }}
        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-red-50 hover:text-red-700 disabled:opacity-60"
      >
        {pending ? "Cancelling…" : "Cancel"}
      </button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </span>
  );
}

/** Re-reads the page every few seconds while some run is not finished yet. */
export function AutoRefresh({ active, intervalMs = 2000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(id);
  }, [active, intervalMs, router]);
  return null;
}
