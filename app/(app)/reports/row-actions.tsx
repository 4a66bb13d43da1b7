"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useOptimistic, useRef, useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";
import { runNowAction } from "./[reportId]/actions";
import { deleteReportAction, duplicateReportAction } from "./[reportId]/edit/actions";
import { pauseScheduleAction, resumeScheduleAction } from "./[reportId]/schedule-actions";
import { setFavoriteAction } from "../dashboards/actions";

/** What one row's action answered, shown above the table (it outlives a deleted row). */
export interface RowResult {
  kind: "ok" | "error";
  text: string;
  /** Where the result can be seen: the new run, the copy. */
  link?: { href: string; label: string };
}

export interface RowActionsTarget {
  reportId: string;
  name: string;
  executionCount: number;
  scheduleId: string | null;
  schedulePaused: boolean;
  dashboardId: string | null;
}

type Busy = "run" | "pause" | "resume" | "duplicate" | "delete" | null;

const BUSY_TEXT: Record<Exclude<Busy, null>, string> = {
  run: "Starting…",
  pause: "Pausing…",
  resume: "Resuming…",
  duplicate: "Duplicating…",
  delete: "Deleting…",
};

const itemClass =
  "block w-full px-3 py-1.5 text-left text-sm text-slate-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none disabled:text-slate-400 disabled:hover:bg-transparent";

/**
 * A row's menu: Run now, Pause / Resume its schedule, Edit, Backfill, Open dashboard, Duplicate,
 * Delete (asked first). The actions are the report page's own server actions; while one runs the
 * menu button says what it is doing, and its answer goes to `onResult` for the table to show.
 */
export function RowActions({ target, onResult }: { target: RowActionsTarget; onResult: (r: RowResult) => void }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [pending, start] = useTransition();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const { reportId, name } = target;

  // Closes on a click elsewhere and on Escape (focus back on the button), like a native menu.
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    root.current?.querySelector<HTMLElement>('[role="menuitem"]:not([disabled])')?.focus();
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  function run<T>(kind: Exclude<Busy, null>, call: () => Promise<ActionResult<T>>, ok: (data: T) => RowResult) {
    setOpen(false);
    setBusy(kind);
    start(async () => {
      const r = await call();
      onResult(r.ok ? ok(r.data) : { kind: "error", text: `${name}: ${r.error.message}` });
      if (r.ok) router.refresh();
      setBusy(null);
    });
  }

  const working = pending && busy !== null;
  const scheduleItem = target.scheduleId
    ? target.schedulePaused
      ? { kind: "resume" as const, label: "Resume schedule" }
      : { kind: "pause" as const, label: "Pause schedule" }
    : null;

  return (
    <div ref={root} className="relative inline-block text-left">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-busy={working}
        disabled={working}
        onClick={() => setOpen((o) => !o)}
        data-testid="row-actions"
        className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-2 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-70"
      >
        {/* Named by its content, not aria-label: filters found by label never meet a report's name. */}
        {working && busy ? BUSY_TEXT[busy] : "Actions"}
        <span className="sr-only"> for {name}</span>
        {!working && <span aria-hidden="true"> ▾</span>}
      </button>
      {open && (
        <div role="menu" className="absolute right-0 z-20 mt-1 w-48 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
          <button
            type="button"
            role="menuitem"
            className={itemClass}
            onClick={() =>
              run(
                "run",
                () => runNowAction({ reportId, idempotencyKey: crypto.randomUUID() }),
                (d) => ({
                  kind: "ok",
                  text: `${name}: run ${d.executionId} queued.`,
                  link: { href: `/reports/${reportId}/runs/${d.executionId}`, label: "Open the run" },
                }),
              )
            }
          >
            Run now
          </button>
          {scheduleItem && (
            <button
              type="button"
              role="menuitem"
              className={itemClass}
              onClick={() => {
                const scheduleId = target.scheduleId!;
                if (scheduleItem.kind === "pause") {
                  run("pause", () => pauseScheduleAction({ scheduleId }), () => ({ kind: "ok", text: `${name}: schedule paused. No runs until it is resumed.` }));
                } else {
                  run("resume", () => resumeScheduleAction({ scheduleId }), (d) => ({
                    kind: "ok",
                    text: `${name}: schedule resumed${d.nextRunAt ? `, next run ${d.nextRunAt.slice(0, 16).replace("T", " ")} UTC` : ""}.`,
                  }));
                }
              }}
            >
              {scheduleItem.label}
            </button>
          )}
          <Link role="menuitem" href={`/reports/${reportId}/edit`} className={itemClass}>
            Edit
          </Link>
          <Link role="menuitem" href={`/reports/${reportId}#backfills`} className={itemClass}>
            Backfill
          </Link>
          {target.dashboardId ? (
            <Link role="menuitem" href={`/dashboards/${target.dashboardId}`} className={itemClass}>
              Open dashboard
            </Link>
          ) : (
            <button type="button" role="menuitem" disabled title="The dashboard appears with the first completed run." className={itemClass}>
              Open dashboard
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            className={itemClass}
            onClick={() =>
              run("duplicate", () => duplicateReportAction({ reportId }), (d) => ({
                kind: "ok",
                text: `${name}: copied as ${d.reportId}.`,
                link: { href: `/reports/${d.reportId}`, label: "Open the copy" },
              }))
            }
          >
            Duplicate
          </button>
          <button
            type="button"
            role="menuitem"
            className={`${itemClass} text-red-700`}
            onClick={() => {
              const n = target.executionCount;
              const runs = n === 1 ? "its run" : n > 1 ? `its ${n} runs` : "its settings";
              // Closed whichever way the question is answered: "No" ends the action too.
              setOpen(false);
              if (!window.confirm(`Delete "${name}" (${reportId}) with ${runs}, results and schedule? This cannot be undone.`)) return;
              run("delete", () => deleteReportAction({ reportId }), (d) => ({
                kind: "ok",
                text: `${name} (${d.reportId}) deleted with ${d.deletedRuns === 1 ? "its run" : `${d.deletedRuns} runs`}.`,
              }));
            }}
          >
            Delete…
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * The row's star: the viewer's favorite of the report's dashboard (stars live on dashboards),
 * toggled in place. A report without a dashboard yet cannot be starred and says why.
 */
export function FavoriteStar({
  name,
  dashboardId,
  favorite,
  onResult,
}: {
  name: string;
  dashboardId: string | null;
  favorite: boolean;
  onResult: (r: RowResult) => void;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  // Shown at once; the server's answer (the refreshed `favorite`) replaces it when it lands.
  const [shown, show] = useOptimistic(favorite, (_current: boolean, next: boolean) => next);

  if (!dashboardId) {
    return (
      <button
        type="button"
        disabled
        data-testid="row-favorite"
        aria-pressed="false"
        title="No dashboard yet: it appears with the first completed run."
        className="text-lg leading-none text-slate-200"
      >
        <span aria-hidden="true">☆</span>
        <span className="sr-only">Favorite {name}</span>
      </button>
    );
  }
  return (
    <button
      type="button"
      data-testid="row-favorite"
      aria-pressed={shown}
      aria-busy={pending}
      disabled={pending}
      title={shown ? "Starred: remove from favorites" : "Star: add to favorites"}
      onClick={() => {
        const next = !shown;
        start(async () => {
          show(next);
          const r = await setFavoriteAction({ dashboardId, favorite: next });
          if (r.ok) router.refresh();
          else onResult({ kind: "error", text: `${name}: ${r.error.message}` });
        });
      }}
      className={`text-lg leading-none ${shown ? "text-amber-500" : "text-slate-300"} hover:text-amber-400 disabled:opacity-60`}
    >
      <span aria-hidden="true">{shown ? "★" : "☆"}</span>
      <span className="sr-only">Favorite {name}</span>
    </button>
  );
}
