"use client";

import { useActionState } from "react";
import { FormBanner, SubmitButton, TextField } from "@/app/_components/form";
import { changePasswordFormAction, type ChangePasswordFormState } from "./actions";

const INITIAL: ChangePasswordFormState = {};

export function ChangePasswordForm({ changed = false }: { changed?: boolean }) {
  const [state, formAction, pending] = useActionState(changePasswordFormAction, INITIAL);
  const fieldErrors = state.error?.fieldErrors ?? {};
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      {(state.changed || (changed && !state.error)) && (
        <FormBanner kind="success">Password changed. Your other sessions have been signed out.</FormBanner>
      )}
      {state.error && <FormBanner kind="error">{state.error.message}</FormBanner>}
      {/* Lets password managers file the new password under the right account. */}
      <TextField id="current-password" name="currentPassword" label="Current password" type="password" autoComplete="current-password" required maxLength={1024} errors={fieldErrors.currentPassword} />
      <TextField id="new-password" name="newPassword" label="New password" type="password" autoComplete="new-password" required minLength={12} maxLength={200} errors={fieldErrors.newPassword} hint="At least 12 characters." />
      <TextField id="confirm-password" name="confirmPassword" label="Repeat new password" type="password" autoComplete="new-password" required maxLength={200} errors={fieldErrors.confirmPassword} />
      <SubmitButton pending={pending} pendingLabel="Changing…">
        Change password
      </SubmitButton>
    </form>
  );
}
