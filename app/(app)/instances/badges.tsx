// Plain presentational pieces, usable from server and client components alike.

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

const STATUS: Record<string, { label: string; className: string }> = {
  active: { label: "Connected", className: "bg-green-100 text-green-800" },
  needs_reauthorization: { label: "Needs re-authorization", className: "bg-red-100 text-red-800" },
  disabled: { label: "Disabled", className: "bg-slate-200 text-slate-700" },
};

export function AccountStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, className: "bg-slate-100 text-slate-700" };
  return (
    <span
      data-testid="account-status"
      data-status={status}
      className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${s.className}`}
    >
      {s.label}
    </span>
  );
}
