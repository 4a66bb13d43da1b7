"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { buttonClass } from "@/app/_components/form";
import { StatusMessage, type ActionMessage } from "@/app/_components/status-message";
import { useRefreshAction } from "@/app/_components/use-refresh-action";
import type { RunsMark } from "@/db/queries/runs-mark";
import { cancelRunAction, runNowAction, runsMarkAction } from "./actions";

const dateInput = "mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm";

/**
 * Run now, and Run another window (explicit first and last day, for this run only).
 * One key per page view: clicking twice, or the browser retrying the request, asks for the same
 * run, and the server creates it once. A new key only after a run was accepted.
 * `otherWindow` opens the other-window form pre-filled (the run page's *Run another window*).
 */
export function RunNowButton({ reportId, otherWindow }: { reportId: string; otherWindow?: { start: string; end: string } }) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const [open, setOpen] = useState(Boolean(otherWindow));
  const [first, setFirst] = useState(otherWindow?.start ?? "");
  const [last, setLast] = useState(otherWindow?.end ?? "");

  const run = (window?: { kind: "absolute"; start: string; end: string }) =>
    start(async () => {
      const result = await runNowAction({ reportId, idempotencyKey: key, window });
      if (result.ok) {
        setMessage({ kind: "ok", text: `Run ${result.data.executionId} queued.` });
        setKey(crypto.randomUUID());
        if (window) setOpen(false);
        router.refresh();
      } else {
        const fields = result.error.fieldErrors ? Object.values(result.error.fieldErrors).flat().join(" ") : "";
        setMessage({ kind: "error", text: fields || result.error.message });
      }
    });

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <button
          type="button"
          aria-expanded={open}
          disabled={pending}
          onClick={() => setOpen((o) => !o)}
          className={buttonClass("secondary", "sm")}
        >
          Another window…
        </button>
        <button type="button" disabled={pending} onClick={() => run()} className={buttonClass("primary", "sm")}>
          {pending && !open ? "Starting…" : "Run now"}
        </button>
      </div>
      {open && (
        <form
          data-testid="run-window-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            run({ kind: "absolute", start: first, end: last });
          }}
          className="mt-1 flex flex-wrap items-end gap-2 rounded-md border border-slate-200 bg-white p-2 text-sm"
        >
          <label className="text-xs font-medium text-slate-600">
            First day
            <input type="date" required value={first} onChange={(e) => setFirst(e.target.value)} className={`block ${dateInput}`} />
          </label>
          <label className="text-xs font-medium text-slate-600">
            Last day
            <input type="date" required value={last} onChange={(e) => setLast(e.target.value)} className={`block ${dateInput}`} />
          </label>
          <button type="submit" disabled={pending || !first || !last} className={buttonClass("primary", "sm")}>
            {pending ? "Starting…" : "Run this window"}
          </button>
          <span className="basis-full text-xs text-slate-500">Days in the report&apos;s time zone, both included; this run only.</span>
        </form>
      )}
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

/**
 * While the report page is open and visible, asks every few seconds for the runs' mark (count
 * and newest id, one small query) and re-reads the page only when it differs from what the page
 * shows: a run made by the scheduler, the API or another tab appears without a reload.
 */
export function NewRunsWatcher({ reportId, shown, intervalMs = 5000 }: { reportId: string; shown: RunsMark; intervalMs?: number }) {
  const router = useRouter();
  const { total, newest } = shown;
  useEffect(() => {
    let busy = false;
    const id = setInterval(async () => {
      if (busy || document.visibilityState !== "visible") return;
      busy = true;
      try {
        const r = await runsMarkAction({ reportId });
        if (r.ok && (r.data.total !== total || r.data.newest !== newest)) router.refresh();
      } catch {
        // Offline for a moment: the next tick asks again.
      } finally {
        busy = false;
      }
    }, intervalMs);
    return () => clearInterval(id);
  }, [reportId, total, newest, intervalMs, router]);
  return null;
}
