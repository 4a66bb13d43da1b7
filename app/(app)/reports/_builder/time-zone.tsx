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
