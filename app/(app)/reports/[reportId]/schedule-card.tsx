import { getDb } from "@/db/client";
import type { reportDefinitions } from "@/db/schema";
import { StatusBadge } from "@/app/_components/badges";
import type { ExecutionStatus } from "@/db/schema";
import { describeSchedule, nextRunAfter, presetOf } from "@/lib/scheduler/cron";
import { formatInZone, upcomingRuns, type Schedule } from "@/lib/scheduler/schedules";
import { schedulerSettings, schedulerSettingsFromEnv } from "@/lib/scheduler/settings";
import { recentSkips } from "@/lib/scheduler/skips";
import { ScheduleControls } from "./schedule-controls";
import { ScheduleForm, type FromRun } from "./schedule-form";
import { scheduleForWindow, type ScheduleFormValues } from "./schedule-values";

/** Every IANA zone the server knows, UTC first (the form adds the viewer's zone if missing). */
function timeZones(): string[] {
  const all = Intl.supportedValuesOf("timeZone");
  return ["UTC", ...all.filter((z) => z !== "UTC")];
}

/** An existing schedule as the edit form's starting values. */
function formValuesOf(s: Schedule): ScheduleFormValues {
  const p = s.scheduleType === "custom" ? null : presetOf(s.cronExpression);
  if (!p) return { preset: "custom", time: "03:00", weekday: "1", day: "1", cron: s.cronExpression, timezone: s.timezone };
  return {
    preset: p.preset,
    time: p.time,
    weekday: String(p.weekday ?? 1),
    day: String(p.day ?? 1),
    cron: s.cronExpression,
    timezone: s.timezone,
  };
}

/**
 * The report's schedule: in words, its cron and zone, the next 5 runs in its zone (with the
 * window each covers), the last run, consecutive failures, why it is paused and the slots it
 * skipped with why (so a slot that did not run is never lost silently); or, without one, the
 * form to add it. The page has checked access to the report, so the skips load here.
 */
export async function ScheduleSection({
  reportId,
  report,
  schedule,
  lagDays,
  fromRun,
}: {
  reportId: string;
  report: Pick<typeof reportDefinitions.$inferSelect, "windowSpec">;
  schedule: Schedule | null;
  lagDays: number;
  /** *Schedule this* from a run page: the run to start from, or why it cannot be used. */
  fromRun?: { ok: true; run: FromRun & { zone: string } } | { ok: false; message: string };
}) {
  const zones = timeZones();
  const fromRunProblem = fromRun && !fromRun.ok && (
    <p role="alert" data-testid="schedule-from-run-error" className="mt-2 text-sm text-red-700">
      {fromRun.message}
    </p>
  );
  if (!schedule) {
    const run = fromRun?.ok ? fromRun.run : undefined;
    return (
      <section id="schedule" data-testid="schedule-card" data-state="none" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Schedule</h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          {run
            ? "Schedule this run: pick when it runs; its parameters and window length are filled in from the run."
            : "Not scheduled: this report runs only when started. Add a schedule to run it by itself, in the time zone you choose."}
        </p>
        {fromRunProblem}
        <ScheduleForm
          // A new run to start from is a new form (its own starting values).
          key={run?.executionId ?? "new"}
          reportId={reportId}
          zones={zones}
          initial={run ? scheduleForWindow(run.days, run.zone) : undefined}
          fromRun={run}
        />
      </section>
    );
  }

  const threshold = schedulerSettings(schedulerSettingsFromEnv(process.env)).autoPauseAfterFailures;
  const tz = schedule.timezone;
  const state = schedule.isPaused ? "paused" : "active";
  let upcoming: ReturnType<typeof upcomingRuns> = [];
  let resumeAt: string | null = null;
  try {
    if (!schedule.isPaused && schedule.nextRunAt) {
      upcoming = upcomingRuns(report, lagDays, schedule.nextRunAt, schedule.cronExpression, tz, 5);
    } else if (schedule.isPaused) {
      resumeAt = formatInZone(nextRunAfter(schedule.cronExpression, tz, new Date()), tz);
    }
  } catch {
    // A stored cron that no longer parses: the pause reason says so.
  }
  const failures = schedule.failureCount ?? 0;
  const skips = await recentSkips(getDb(), schedule.id);

  return (
    <section id="schedule" data-testid="schedule-card" data-state={state} className="rounded-lg border border-slate-200 bg-white p-4">
      {fromRun && (
        <p role="alert" data-testid="schedule-from-run-error" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {fromRun.ok
            ? `This report already has a schedule, so run ${fromRun.run.executionId} cannot be scheduled as a second one. Edit this schedule, or delete it first.`
            : fromRun.message}
        </p>
      )}
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Schedule</h2>
          <p data-testid="schedule-description" className="mt-1 text-base font-medium text-slate-900">
            {describeSchedule(schedule.cronExpression, tz)}
          </p>
          <p className="mt-0.5 text-xs text-slate-500">
            <code className="font-mono">{schedule.cronExpression}</code> in {tz} · <code className="font-mono">{schedule.scheduleId}</code>
          </p>
        </div>
        <span
          data-testid="schedule-state"
          className={`rounded px-1.5 py-0.5 text-xs font-medium capitalize ${schedule.isPaused ? "bg-amber-50 text-amber-800" : "bg-emerald-50 text-emerald-700"}`}
        >
          {state}
        </span>
      </div>

      {schedule.isPaused && (
        <div data-testid="schedule-paused" className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p data-testid="schedule-pause-reason">{schedule.pauseReason ?? "Paused."}</p>
          <p className="mt-1 text-xs">
            No runs until it is resumed; the runs it misses meanwhile are not made up.
            {resumeAt && ` Resumed now, it would next run ${resumeAt}.`}
          </p>
        </div>
      )}

      <div className="mt-4 grid grid-cols-1 gap-4 text-sm md:grid-cols-2">
        {!schedule.isPaused && (
          <div>
            <h3 className="text-xs font-medium text-slate-500">Next 5 runs ({tz})</h3>
            <ol className="mt-1 space-y-0.5">
              {upcoming.map((r) => (
                <li key={r.at} data-testid="schedule-next-run" className="tabular-nums">
                  {r.local}
                  {r.window && <span className="ml-2 text-xs text-slate-500">covers {r.window}</span>}
                </li>
              ))}
            </ol>
          </div>
        )}
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="text-xs font-medium text-slate-500">Last run</dt>
          <dd data-testid="schedule-last-run">
            {schedule.lastRunAt ? (
              <>
                <span className="tabular-nums">{formatInZone(schedule.lastRunAt, tz)}</span>{" "}
                <StatusBadge status={(schedule.lastRunStatus as ExecutionStatus | null) ?? null} />
              </>
            ) : (
              <span className="text-slate-500">not yet</span>
            )}
          </dd>
          <dt className="text-xs font-medium text-slate-500">Runs</dt>
          <dd className="tabular-nums">{schedule.runCount ?? 0}</dd>
          <dt className="text-xs font-medium text-slate-500">Consecutive failures</dt>
          <dd data-testid="schedule-failures" className={failures > 0 ? "text-red-700" : undefined}>
            {failures} <span className="text-xs text-slate-500">(pauses itself at {threshold})</span>
          </dd>
        </dl>
      </div>

      {skips.length > 0 && (
        <div data-testid="schedule-skips" className="mt-4 text-sm">
          <h3 className="text-xs font-medium text-slate-500">Skipped runs (newest first)</h3>
          <ul className="mt-1 space-y-1">
            {skips.map((k) => (
              <li key={k.scheduledFor.toISOString()} data-testid="schedule-skip">
                <span className="tabular-nums">{formatInZone(k.scheduledFor, tz)}</span>
                <span data-testid="schedule-skip-reason" className="ml-2 text-slate-600">
                  {k.reason}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="mt-4">
        <ScheduleControls
          reportId={reportId}
          scheduleId={schedule.scheduleId}
          isPaused={schedule.isPaused}
          zones={zones}
          initial={formValuesOf(schedule)}
        />
      </div>
    </section>
  );
}
