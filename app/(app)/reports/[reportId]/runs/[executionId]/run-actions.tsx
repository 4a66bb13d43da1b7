"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { buttonClass } from "@/app/_components/form";
import { StatusMessage, type ActionMessage } from "@/app/_components/status-message";
import { rerunAction } from "../../actions";

/**
 * A finished run's next steps (product.md story 7): *Re-run same window* (a manual run over the
 * same days with the same values; one key per page view, so a double click is one run), *Run
 * another window* (the report's run form, opened with this run's days) and, for a completed
 * run, *Schedule this* (the report's schedule form, filled in from this run).
 */
export function RunActions({
  reportId,
  executionId,
  firstDay,
  lastDay,
  canSchedule,
}: {
  reportId: string;
  executionId: string;
  firstDay: string;
  lastDay: string;
  canSchedule: boolean;
}) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const link = buttonClass("secondary", "sm");
  return (
    <div data-testid="run-actions" className="space-y-1">
      <div className="flex flex-wrap gap-2">
        {canSchedule && (
          <Link href={`/reports/${reportId}?scheduleFrom=${executionId}#schedule`} className={buttonClass("primary", "sm")}>
            Schedule this
          </Link>
        )}
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const r = await rerunAction({ reportId, executionId, idempotencyKey: key });
              if (r.ok) {
                setKey(crypto.randomUUID());
                setMessage({ kind: "ok", text: `Run ${r.data.executionId} queued for the same window.` });
                router.push(`/reports/${reportId}/runs/${r.data.executionId}`);
              } else setMessage({ kind: "error", text: r.error.message });
            })
          }
          className={link}
        >
          {pending ? "Starting…" : "Re-run same window"}
        </button>
        <Link href={`/reports/${reportId}?runFrom=${firstDay}&runTo=${lastDay}`} className={link}>
          Run another window
        </Link>
      </div>
      <StatusMessage message={message} okTestId="rerun-queued" errorTestId="rerun-error" />
    </div>
  );
}
