"use client";

import { useActionState } from "react";
import { ControlError } from "@/app/_components/form";
import {
  deleteUserFormAction,
  resetPasswordFormAction,
  setRoleFormAction,
  type AccountFormState,
} from "./user-account-actions";

const INITIAL: AccountFormState = {};
const small = "rounded-md border px-2 py-1 text-xs disabled:opacity-60";

/** Reset password, change role, delete: each signs the user out everywhere at once. */
export function UserAccountControls({ userId, email, role }: { userId: string; email: string; role: "admin" | "member" }) {
  const [reset, resetAction, resetting] = useActionState(resetPasswordFormAction, INITIAL);
  const [roleState, roleAction, changingRole] = useActionState(setRoleFormAction, INITIAL);
  const [deleted, deleteAction, deleting] = useActionState(deleteUserFormAction, INITIAL);
  const otherRole = role === "admin" ? "member" : "admin";
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1.5">
        <form action={resetAction}>
          <input type="hidden" name="userId" value={userId} />
          <button type="submit" disabled={resetting} className={`${small} border-slate-300 hover:bg-slate-50`}>
            Reset password
          </button>
        </form>
        <form action={roleAction}>
          <input type="hidden" name="userId" value={userId} />
          <input type="hidden" name="role" value={otherRole} />
          <button type="submit" disabled={changingRole} className={`${small} border-slate-300 hover:bg-slate-50`}>
            Make {otherRole}
          </button>
        </form>
        <form
          action={deleteAction}
          onSubmit={(e) => {
            // Deleting cannot be undone; a stray click should not do it.
            if (!window.confirm(`Delete ${email}? Their reports stay; they can no longer sign in.`)) e.preventDefault();
          }}
        >
          <input type="hidden" name="userId" value={userId} />
          <button type="submit" disabled={deleting} aria-label={`Delete ${email}`} className={`${small} border-red-300 text-red-700 hover:bg-red-50`}>
            Delete
          </button>
        </form>
      </div>
      {reset.temporaryPassword && (
        <p role="status" data-testid="temporary-password" className="rounded border border-amber-200 bg-amber-50 px-2 py-1 text-xs text-amber-900">
          Temporary password (shown once, hand it over privately; they should change it after signing in):{" "}
          <code className="select-all font-mono">{reset.temporaryPassword}</code>
        </p>
      )}
      <ControlError message={reset.error ?? roleState.error ?? deleted.error} />
    </div>
  );
}
