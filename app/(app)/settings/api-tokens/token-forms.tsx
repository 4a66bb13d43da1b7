"use client";

import { useActionState } from "react";
import { buttonClass, FormBanner, SelectField, SubmitButton, TextField } from "@/app/_components/form";
import { createTokenFormAction, revokeTokenFormAction, type RevokeFormState, type TokenFormState } from "./actions";

export function CreateTokenForm() {
  const [state, formAction, pending] = useActionState(createTokenFormAction, {} satisfies TokenFormState);
  const fieldErrors = state.error?.fieldErrors ?? {};
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate data-testid="create-token-form">
      {state.created && (
        <FormBanner kind="success" testId="new-token">
          <span className="block">Token “{state.created.name}” created. Copy it now: it is not shown again.</span>
          <code data-testid="new-token-value" className="mt-1 block select-all break-all rounded bg-white px-2 py-1 font-mono text-xs">
            {state.created.token}
          </code>
        </FormBanner>
      )}
      {state.error && <FormBanner kind="error">{state.error.message}</FormBanner>}
      <TextField id="token-name" name="name" label="Name" type="text" autoComplete="off" required maxLength={100} errors={fieldErrors.name} hint="What uses it, e.g. “nightly export”." />
      <SelectField id="token-scope" name="scope" label="Scope" defaultValue="read" errors={fieldErrors.scope}>
        <option value="read">Read: list and download only</option>
        <option value="write">Read and write: also create, run, change and delete</option>
      </SelectField>
      <SelectField id="token-expires" name="expires" label="Expires" defaultValue="90" errors={fieldErrors.expires}>
        <option value="7">In 7 days</option>
        <option value="30">In 30 days</option>
        <option value="90">In 90 days</option>
        <option value="365">In a year</option>
        <option value="never">Never</option>
      </SelectField>
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create token
      </SubmitButton>
    </form>
  );
}

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, formAction, pending] = useActionState(revokeTokenFormAction, {} satisfies RevokeFormState);
  return (
    <form action={formAction}>
      <input type="hidden" name="tokenId" value={tokenId} />
      <button type="submit" disabled={pending} className={buttonClass("secondary", "sm")} aria-label={`Revoke token ${name}`}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state.error && <p role="alert" className="mt-1 text-xs text-red-700">{state.error}</p>}
    </form>
  );
}
