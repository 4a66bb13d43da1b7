import type { ExecutionStatus } from "@/db/schema";
import type { ReportState } from "@/db/schema/views";

const STATUS_STYLES: Record<ExecutionStatus, string> = {
  pending: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-blue-50 text-blue-700 ring-blue-300",
  completed: "bg-green-50 text-green-700 ring-green-300",
  failed: "bg-red-50 text-red-700 ring-red-300",
  cancelled: "bg-amber-50 text-amber-800 ring-amber-300",
};

export function StatusBadge({ status }: { status: ExecutionStatus | null }) {
  if (!status) {
    return (
      <span data-testid="status-badge" data-status="never" className="text-xs italic text-slate-400">
        never run
      </span>
    );
  }
  return (
    <span
      data-testid="status-badge"
      data-status={status}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[status]}`}
    >
      {status}
    </span>
  );
}

const STATE_STYLES: Record<ReportState, string> = {
  active: "bg-emerald-50 text-emerald-700",
  paused: "bg-amber-50 text-amber-800",
  inactive: "bg-slate-100 text-slate-600",
};

export function StateBadge({ state }: { state: ReportState }) {
  return (
    <span
      data-testid="state-badge"
      className={`inline-flex rounded px-1.5 py-0.5 text-xs font-medium capitalize ${STATE_STYLES[state]}`}
    >
      {state}
    </span>
  );
}

