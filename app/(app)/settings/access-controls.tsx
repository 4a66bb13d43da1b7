"use client";

import { useActionState } from "react";
import { ControlError } from "@/app/_components/form";
import { grantAccessFormAction, revokeAccessFormAction } from "./actions";
import type { ControlState } from "./settings-change";

export interface InstanceChoice {
  id: string;
  label: string;
}

const INITIAL: ControlState = {};

export function GrantAccessForm({ userId, choices }: { userId: string; choices: InstanceChoice[] }) {
  const [state, formAction, pending] = useActionState(grantAccessFormAction, INITIAL);
  if (choices.length === 0) {
    return <p className="text-xs text-slate-500">Every instance is granted.</p>;
  }
  return (
    <form action={formAction}>
      <div className="flex items-center gap-2">
        <input type="hidden" name="userId" value={userId} />
        <select
          name="instanceId"
          aria-label="Instance to grant"
          required
          className="min-w-0 max-w-56 rounded-md border border-slate-300 px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none"
        >
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        <button
          type="submit"
          disabled={pending}
          className="shrink-0 rounded-md border border-indigo-300 px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50 disabled:opacity-60"
        >
          Grant access
        </button>
      </div>
      <ControlError message={state.error} />
    </form>
  );
}

export function RevokeButton({
  userId,
  instanceId,
  describedBy,
}: {
  userId: string;
  instanceId: string;
  /** Id of the chip's label, so a screen reader says which instance this revokes. */
  describedBy: string;
}) {
  const [state, formAction, pending] = useActionState(revokeAccessFormAction, INITIAL);
  return (
    <form action={formAction} className="inline">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="instanceId" value={instanceId} />
      <button
        type="submit"
        disabled={pending}
        aria-describedby={describedBy}
        className="rounded px-1 text-xs text-slate-500 hover:bg-red-50 hover:text-red-700 disabled:opacity-60"
      >
        Revoke
      </button>
      <ControlError message={state.error} />
    </form>
  );
}
