"use client";

import { useSyncExternalStore } from "react";

// The server does not know the viewer's time zone, so the first render (server and hydration)
// shows UTC and the client re-renders in the viewer's zone right after hydrating.
const subscribeNever = () => () => {};
const useHydrated = () =>
  useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function LocalTime({ iso }: { iso: string | null }) {
  const hydrated = useHydrated();
  if (!iso) return <span className="text-slate-400">—</span>;
  // Built from the ISO string by hand: ICU versions format "en-US" slightly differently in
  // Node and in browsers, which would be a hydration mismatch.
  const utc = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {hydrated ? localFormat.format(new Date(iso)) : utc}
    </time>
  );
}
