"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";
import { deleteScheduleAction, pauseScheduleAction, resumeScheduleAction } from "./schedule-actions";
import { ScheduleForm } from "./schedule-form";
import type { ScheduleFormValues } from "./schedule-values";

const buttonClass = "rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60";

/** Pause / Resume, Edit (the same form, pre-filled) and Delete for a report's schedule. */
export function ScheduleControls({
  reportId,
  scheduleId,
  isPaused,
  zones,
  initial,
}: {
  reportId: string;
  scheduleId: string;
  isPaused: boolean;
  zones: string[];
  initial: ScheduleFormValues;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Which button's action is under way, for its "…ing" label (all are disabled meanwhile).
  const [doing, setDoing] = useState<"pause" | "resume" | "delete" | null>(null);

  const run = (what: "pause" | "resume" | "delete", call: () => Promise<ActionResult<unknown>>) => {
    // Outside the transition: its own updates only show when it ends.
    setDoing(what);
    start(async () => {
      setError(null);
      const result = await call();
      if (result.ok) router.refresh();
      else setError(result.error.message);
    });
  };
  const label = (what: "pause" | "resume" | "delete", idle: string, busy: string) => (pending && doing === what ? busy : idle);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {isPaused ? (
          <button type="button" disabled={pending} onClick={() => run("resume", () => resumeScheduleAction({ scheduleId }))} className={buttonClass}>
            {label("resume", "Resume schedule", "Resuming…")}
          </button>
        ) : (
          <button type="button" disabled={pending} onClick={() => run("pause", () => pauseScheduleAction({ scheduleId }))} className={buttonClass}>
            {label("pause", "Pause schedule", "Pausing…")}
          </button>
        )}
        <button type="button" disabled={pending} onClick={() => setEditing((e) => !e)} className={buttonClass} aria-expanded={editing}>
          Edit schedule
        </button>
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            if (!window.confirm("Delete this schedule? The report, its runs and its dashboard stay.")) return;
            run("delete", () => deleteScheduleAction({ scheduleId }));
          }}
          className={`${buttonClass} hover:bg-red-50 hover:text-red-700`}
        >
          {label("delete", "Delete schedule", "Deleting…")}
        </button>
      </div>
      {error && (
        <p role="alert" data-testid="schedule-error" className="text-sm text-red-700">{error}</p>
      )}
      {editing && (
        <div className="rounded-md border border-slate-200 p-3">
          <ScheduleForm reportId={reportId} zones={zones} initial={initial} scheduleId={scheduleId} onDone={() => setEditing(false)} />
        </div>
      )}
    </div>
  );
}
