"use client";

import { useActionState } from "react";
import { FormBanner, SubmitButton, TextField } from "@/app/_components/form";
import { signInAction, type SignInState } from "./actions";

export function SignInForm({ next }: { next?: string }) {
  const [state, formAction, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state.message && <FormBanner kind="error">{state.message}</FormBanner>}
      <input type="hidden" name="next" value={next ?? ""} />
      <TextField id="email" name="email" label="Email" type="email" autoComplete="username" defaultValue={state.email} required errors={state.fieldErrors?.email} />
      <TextField id="password" name="password" label="Password" type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} />
      <SubmitButton pending={pending} pendingLabel="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
    </form>
  );
}
