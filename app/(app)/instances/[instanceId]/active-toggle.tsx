"use client";

import { ControlError, buttonClass } from "@/app/_components/form";
import { useRefreshAction } from "@/app/_components/use-refresh-action";
import { setInstanceActiveAction } from "./actions";

/** Activate / Deactivate (admins): a deactivated instance is not offered for new reports. */
export function ActiveToggle({ instanceId, isActive }: { instanceId: string; isActive: boolean }) {
  const { pending, error, run } = useRefreshAction();
  return (
    <div className="text-right">
      <button
        type="button"
        disabled={pending}
        onClick={() => run(() => setInstanceActiveAction({ instanceId, active: !isActive }))}
        className={buttonClass("secondary")}
      >
        {pending ? (isActive ? "Deactivating…" : "Activating…") : isActive ? "Deactivate" : "Activate"}
      </button>
      <ControlError message={error ?? undefined} />
    </div>
  );
}
