// Plain presentational pieces, usable from server and client components alike.

import type { AccountHealth } from "@/lib/amc/accounts/health";
import { LocalTime } from "@/app/_components/local-time";

export function TypeBadge({ type }: { type: string }) {
  if (type === "SANDBOX") {
    return (
      <span
        data-testid="type-badge"
        className="inline-block whitespace-nowrap rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-800"
      >
        Sandbox · synthetic data
      </span>
    );
  }
  return (
    <span
      data-testid="type-badge"
      className="inline-block whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-700"
    >
      Standard
    </span>
  );
}

const HEALTH: Record<AccountHealth["kind"], { label: string; className: string }> = {
  connected: { label: "Connected", className: "bg-green-100 text-green-800" },
  failing: { label: "Last check failed", className: "bg-amber-100 text-amber-900" },
  needs_reauthorization: { label: "Needs re-authorization", className: "bg-red-100 text-red-800" },
  disconnected: { label: "Disconnected", className: "bg-slate-200 text-slate-700" },
};

/**
 * An account's health: the badge says what the last use of the account found (a failed Test
 * connection shows as a failure, with its time in the viewer's zone), not merely its status.
 */
export function AccountHealthBadge({ health }: { health: AccountHealth }) {
  const s = HEALTH[health.kind];
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span
        data-testid="account-status"
        data-status={health.kind}
        className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${s.className}`}
      >
        {s.label}
      </span>
      {health.kind !== "connected" && health.checkedAt && (
        <span data-testid="account-status-time" className="text-xs text-slate-600">
          {health.kind === "disconnected" ? "since" : "at"} <LocalTime iso={health.checkedAt.toISOString()} />
        </span>
      )}
    </span>
  );
}

/** Reports on this instance cannot reach AMC until an admin (re)connects its Amazon Ads account. */
export function NeedsConnectionBadge() {
  return (
    <span
      data-testid="needs-connection"
      title="Its Amazon Ads account is disconnected or needs re-authorization: runs cannot reach AMC until an admin reconnects it on the Instances page."
      className="inline-block whitespace-nowrap rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-800"
    >
      Needs a connection
    </span>
  );
}
