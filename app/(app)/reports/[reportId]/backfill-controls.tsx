"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";
import { StatusMessage, type ActionMessage } from "@/app/_components/status-message";
import { cancelBackfillAction, pauseBackfillAction, resumeBackfillAction, retryFailedSegmentsAction } from "./backfill-actions";

type Doing = "retry" | "pause" | "resume" | "cancel";
const button = "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60";

/** Retry failed segments / Pause / Resume / Cancel backfill for one backfill. */
export function BackfillControls({
  reportId,
  collectionId,
  canRetry,
  canPause,
  canResume,
  canCancel,
}: {
  reportId: string;
  collectionId: string;
  canRetry: boolean;
  canPause: boolean;
  canResume: boolean;
  canCancel: boolean;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [doing, setDoing] = useState<Doing | null>(null);
  const [message, setMessage] = useState<ActionMessage | null>(null);
  if (!canRetry && !canPause && !canResume && !canCancel && !message) return null;

  const ref = { reportId, collectionId };
  const run = <T,>(what: Doing, call: () => Promise<ActionResult<T>>, ok: (data: T) => string) => {
    // Outside the transition: its own updates only show when it ends.
    setDoing(what);
    start(async () => {
      const r = await call();
      if (r.ok) {
        setMessage({ kind: "ok", text: ok(r.data) });
        router.refresh();
      } else setMessage({ kind: "error", text: r.error.message });
    });
  };
  // One control: every button waits while any runs; the running one says what it is doing.
  const control = (what: Doing, idle: string, busy: string, onClick: () => void, className = button) => (
    <button type="button" disabled={pending} onClick={onClick} className={className}>
      {pending && doing === what ? busy : idle}
    </button>
  );

  return (
    <div className="flex flex-wrap items-center gap-2">
      {canRetry &&
        control("retry", "Retry failed segments", "Re-queuing…", () =>
          run("retry", () => retryFailedSegmentsAction(ref), (d) => `${d.retried} failed segment${d.retried === 1 ? "" : "s"} re-queued.`),
        )}
      {canPause &&
        control("pause", "Pause backfill", "Pausing…", () =>
          run("pause", () => pauseBackfillAction(ref), () => "Paused: segments already at AMC finish; no new ones are sent."),
        )}
      {canResume && control("resume", "Resume backfill", "Resuming…", () => run("resume", () => resumeBackfillAction(ref), () => "Resumed."))}
      {canCancel &&
        control(
          "cancel",
          "Cancel backfill",
          "Cancelling…",
          () => {
            if (!window.confirm("Cancel the remaining segments of this backfill? Finished segments keep their results.")) return;
            run("cancel", () => cancelBackfillAction(ref), (d) => `Backfill cancelled (${d.cancelled + d.cancelling} segments stopped).`);
          },
          `${button} hover:bg-red-50 hover:text-red-700`,
        )}
      <StatusMessage message={message} okTestId="backfill-control-ok" errorTestId="backfill-control-error" errorClassName="text-xs text-red-700" />
    </div>
  );
}
