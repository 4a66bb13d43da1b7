"use client";

import { useActionState } from "react";
import { createUserFormAction, type CreateUserFormState } from "./actions";
import { FormBanner, SelectField, SubmitButton, TextField } from "@/app/_components/form";

const INITIAL: CreateUserFormState = { values: { email: "", name: "", role: "member" } };

export function CreateUserForm() {
  const [state, formAction, pending] = useActionState(createUserFormAction, INITIAL);
  const fieldErrors = state.error?.fieldErrors ?? {};
  // React resets the form after each submit; inputs come back to these defaults.
  const { values } = state;

  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      {state.created && <FormBanner kind="success">Created user {state.created}. They can sign in now.</FormBanner>}
      {state.error && <FormBanner kind="error">{state.error.message}</FormBanner>}
      <TextField id="new-user-email" name="email" label="Email" type="email" autoComplete="off" required maxLength={254} defaultValue={values.email} errors={fieldErrors.email} />
      <TextField id="new-user-name" name="name" label="Name" type="text" autoComplete="off" required maxLength={100} defaultValue={values.name} errors={fieldErrors.name} />
      <TextField
        id="new-user-password"
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        maxLength={200}
        errors={fieldErrors.password}
        hint="At least 12 characters."
      />
      <SelectField id="new-user-role" name="role" label="Role" defaultValue={values.role} errors={fieldErrors.role}>
        <option value="member">Member: sees only the instances granted to them</option>
        <option value="admin">Admin: sees everything, manages users</option>
      </SelectField>
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create user
      </SubmitButton>
    </form>
  );
}
