"use client";

import { useSyncExternalStore } from "react";
import { inputClass, Labeled, Options } from "@/app/_components/form";

const subscribeNever = () => () => {};
/** The browser's IANA zone after hydration ("UTC" during the server render). */
export function useBrowserTimeZone(): string {
  return useSyncExternalStore(
    subscribeNever,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
}

/** A zone select over the server's zones, with the current value added when the list lacks it. */
export function TimeZoneSelect({
  zones,
  value,
  onChange,
  id,
  error,
}: {
  zones: string[];
  value: string;
  onChange: (z: string) => void;
  id: string;
  /** The server's message about the zone, shown under it. */
  error?: React.ReactNode;
}) {
  const all = zones.includes(value) ? zones : [value, ...zones];
  return (
    <Labeled id={id} label="Time zone">
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={Boolean(error)} className={inputClass}>
        <Options options={all} />
      </select>
      {error}
    </Labeled>
  );
}

/**
 * AMC's non-UTC day columns (event_dt, conversion_event_date, …) are in the advertiser's zone
 * (amc-data-model.md): a window in another zone straddles one more of those dates than it has
 * days. Shown wherever the report's zone is chosen; nothing when the zones agree.
 */
export function ZoneWarning({ zone, advertiserZone, onUseAdvertiserZone }: { zone: string; advertiserZone: string; onUseAdvertiserZone?: () => void }) {
  if (zone === advertiserZone) return null;
  return (
    <div data-testid="zone-warning" role="note" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p>
        AMC&apos;s day columns on this instance are in <strong>{advertiserZone}</strong>; a window in <strong>{zone}</strong> will include one more date than
        it has days (31 dates for the last 30 days, 8 for a week), the first and last of them only in part.
      </p>
      {onUseAdvertiserZone && (
        <button type="button" onClick={onUseAdvertiserZone} className="mt-1 text-sm font-medium text-amber-900 underline">
          Use {advertiserZone}
        </button>
      )}
    </div>
  );
}
