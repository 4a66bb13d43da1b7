"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { PlanView } from "@/lib/backfill/backfills";
import { buttonClass, Options } from "@/app/_components/form";
import { StatusMessage, type ActionMessage } from "@/app/_components/status-message";
import { previewBackfillAction, startBackfillAction } from "./backfill-actions";

const PRESETS = [30, 90, 180, 365];
const SEGMENTS = [
  { value: "daily", label: "Daily (1 day each)" },
  { value: "weekly", label: "Weekly (7 days each)" },
  { value: "monthly", label: "Monthly (calendar months)" },
  { value: "quarterly", label: "Quarterly (calendar quarters)" },
] as const;
type SegmentValue = (typeof SEGMENTS)[number]["value"];

/**
 * Lookback + segment type → the exact plan (segment count, newest and oldest windows) → start.
 * Changing an input drops the shown plan, so what starts is always what was previewed.
 */
/** The day after a calendar date (the plan's end is exclusive; the picker shows the last day). */
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function BackfillForm({
  reportId,
  blocked,
  defaultLastDay,
  today,
  lagDays,
  zone,
}: {
  reportId: string;
  blocked: boolean;
  /** Today − the template's lag − 1 in the report's zone: the newest day a default backfill covers. */
  defaultLastDay: string;
  today: string;
  lagDays: number;
  zone: string;
}) {
  const router = useRouter();
  const [days, setDays] = useState("90");
  const [segmentType, setSegmentType] = useState<SegmentValue>("weekly");
  const [lastDay, setLastDay] = useState(defaultLastDay);
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const [pending, start] = useTransition();
  const [doing, setDoing] = useState<"preview" | "start" | null>(null);

  // An unchanged (or cleared) picker leaves the end to the server's default: today − lag.
  const input = () => ({
    reportId,
    lookbackDays: Number(days),
    segmentType,
    ...(lastDay && lastDay !== defaultLastDay ? { endDate: dayAfter(lastDay) } : {}),
  });
  const changed = () => {
    setPlan(null);
    setMessage(null);
  };

  return (
    <div data-testid="backfill-form" className="space-y-3">
      {blocked ? (
        <p className="text-sm text-slate-600">
          A backfill of this report is under way (running or paused); a new one can start when it has finished or is cancelled.
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-end gap-4">
            <div>
              <label htmlFor="backfill-days" className="block text-xs font-medium text-slate-600">Lookback (days)</label>
              <input
                id="backfill-days"
                type="number"
                min={1}
                max={365}
                required
                value={days}
                onChange={(e) => {
                  setDays(e.target.value);
                  changed();
                }}
                className="mt-1 w-28 rounded-md border border-slate-300 px-2 py-1 text-sm"
              />
              <div className="mt-1 flex gap-1" aria-label="Lookback presets">
                {PRESETS.map((p) => (
                  <button
                    key={p}
                    type="button"
                    onClick={() => {
                      setDays(String(p));
                      changed();
                    }}
                    className={`rounded border px-1.5 py-0.5 text-xs ${String(p) === days ? "border-indigo-500 bg-indigo-50 text-indigo-800" : "border-slate-300 text-slate-600 hover:bg-slate-50"}`}
                  >
                    {p} d
                  </button>
                ))}
              </div>
            </div>
            <div>
              <label htmlFor="backfill-segment" className="block text-xs font-medium text-slate-600">Segment</label>
              <select
                id="backfill-segment"
                value={segmentType}
                onChange={(e) => {
                  setSegmentType(e.target.value as SegmentValue);
                  changed();
                }}
                className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              >
                <Options options={SEGMENTS} />
              </select>
            </div>
            <div>
              <label htmlFor="backfill-last-day" className="block text-xs font-medium text-slate-600">Last day</label>
              <input
                id="backfill-last-day"
                type="date"
                max={today}
                value={lastDay}
                onChange={(e) => {
                  setLastDay(e.target.value);
                  changed();
                }}
                className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              />
              <p className="mt-1 text-xs text-slate-500">
                {zone}; default {defaultLastDay} (today − {lagDays} days of data lag)
              </p>
            </div>
            <button
              type="button"
              disabled={pending}
              onClick={() => {
                setDoing("preview");
                start(async () => {
                  setMessage(null);
                  const r = await previewBackfillAction(input());
                  if (r.ok) setPlan(r.data);
                  else {
                    setPlan(null);
                    setMessage({ kind: "error", text: r.error.fieldErrors ? Object.values(r.error.fieldErrors).flat().join(" ") || r.error.message : r.error.message });
                  }
                });
              }}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60"
            >
              {pending && doing === "preview" ? "Previewing…" : "Preview backfill"}
            </button>
          </div>

          {plan && (
            <div data-testid="backfill-plan" data-segments={plan.totalSegments} className="rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm">
              <p className="font-medium text-slate-900">
                {plan.totalSegments} {plan.segmentType} segment{plan.totalSegments === 1 ? "" : "s"} covering {plan.lookbackDays} days:{" "}
                {plan.start} – {plan.lastDay} <span className="text-slate-600">({plan.zone})</span>
              </p>
              <p className="mt-1 text-slate-700">
                Newest first: <span data-testid="backfill-plan-newest">{plan.segments[0]!.start} – {plan.segments[0]!.lastDay}</span>
                {plan.segments.length > 1 && (
                  <>
                    {" "}… oldest:{" "}
                    <span data-testid="backfill-plan-oldest">
                      {plan.segments.at(-1)!.start} – {plan.segments.at(-1)!.lastDay}
                      {plan.segments.at(-1)!.partial ? ` (partial, ${plan.segments.at(-1)!.days} days)` : ""}
                    </span>
                  </>
                )}
              </p>
              <details className="mt-2">
                <summary className="cursor-pointer text-xs text-indigo-800">All {plan.totalSegments} windows</summary>
                <ol className="mt-1 max-h-48 overflow-y-auto font-mono text-xs text-slate-700">
                  {plan.segments.map((s) => (
                    <li key={s.start}>
                      [{s.start}, {s.end}) · {s.days} d{s.partial ? " · partial" : ""}
                    </li>
                  ))}
                </ol>
              </details>
              <button
                type="button"
                disabled={pending}
                onClick={() => {
                  setDoing("start");
                  start(async () => {
                    const r = await startBackfillAction(input());
                    if (r.ok) {
                      setPlan(null);
                      setMessage({ kind: "ok", text: `Backfill ${r.data.collectionId} started: ${r.data.totalSegments} segments queued.` });
                      router.refresh();
                    } else setMessage({ kind: "error", text: r.error.message });
                  });
                }}
                className={`mt-3 ${buttonClass("primary", "sm")}`}
              >
                {pending && doing === "start" ? "Starting…" : "Start backfill"}
              </button>
            </div>
          )}
        </>
      )}
      <StatusMessage message={message} okTestId="backfill-started" errorTestId="backfill-error" />
    </div>
  );
}
