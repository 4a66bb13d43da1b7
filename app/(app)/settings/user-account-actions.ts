"use server";

import { action, fromForm } from "@/lib/actions/action";
import { deleteUser, resetUserPassword, setUserRole } from "@/lib/users/account";
import { deleteUserSchema, resetPasswordSchema, setRoleSchema } from "@/lib/users/schemas";
import { settingsChange } from "./settings-change";

// Admin actions on one user's account. Each ends that user's sessions at once (lib/users/account.ts).

const resetPasswordAction = action(fromForm(resetPasswordSchema), async (input, { db, user }) =>
  resetUserPassword(db, user, input, new Date()),
);

export interface AccountFormState {
  error?: string;
  /** Shown once to the admin, to hand over; never stored in clear, never shown again. */
  temporaryPassword?: string;
}

export async function resetPasswordFormAction(_prev: AccountFormState, form: FormData): Promise<AccountFormState> {
  const result = await resetPasswordAction(form);
  return result.ok ? { temporaryPassword: result.data.temporaryPassword } : { error: result.error.message };
}

export const setRoleFormAction = settingsChange(setRoleSchema, (db, user, input) => setUserRole(db, user, input, new Date()));

export const deleteUserFormAction = settingsChange(deleteUserSchema, deleteUser);
