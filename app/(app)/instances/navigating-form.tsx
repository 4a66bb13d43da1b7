"use client";

import { useEffect, useState } from "react";

/**
 * A plain GET form that leaves the app (Connect with Amazon, Reconnect): React cannot track it,
 * so the button says it is on its way from the moment the form submits, and cannot be pressed
 * twice.
 */
export function NavigatingForm({
  action,
  hidden,
  label,
  pendingLabel,
  buttonClassName,
  children,
}: {
  action: string;
  hidden?: Record<string, string>;
  label: string;
  pendingLabel: string;
  buttonClassName: string;
  children?: React.ReactNode;
}) {
  const [pending, setPending] = useState(false);
  // Back from Amazon, the browser may show this page from its cache as it was left: ready again.
  useEffect(() => {
    const reset = (e: PageTransitionEvent) => {
      if (e.persisted) setPending(false);
    };
    window.addEventListener("pageshow", reset);
    return () => window.removeEventListener("pageshow", reset);
  }, []);
  return (
    <form method="get" action={action} onSubmit={() => setPending(true)} className="flex flex-wrap items-end gap-2">
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <button type="submit" disabled={pending} aria-disabled={pending} className={`${buttonClassName} disabled:opacity-60`}>
        {pending ? pendingLabel : label}
      </button>
    </form>
  );
}
