"use client";

import { useActionState } from "react";
import { createUserFormAction, type CreateUserFormState } from "./actions";
import { FieldError, inputClass } from "@/app/_components/form";

const INITIAL: CreateUserFormState = { values: { email: "", name: "", role: "member" } };

export function CreateUserForm() {
  const [state, formAction, pending] = useActionState(createUserFormAction, INITIAL);
  const fieldErrors = state.error?.fieldErrors ?? {};
  // React resets the form after each submit; inputs come back to these defaults.
  const { values } = state;

  const invalid = (field: string) => ({
    "aria-invalid": Boolean(fieldErrors[field]),
    "aria-describedby": fieldErrors[field] ? `new-user-${field}-error` : undefined,
  });

  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      {state.created && (
        <p role="status" data-testid="form-success" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          Created user {state.created}. They can sign in now.
        </p>
      )}
      {state.error && (
        <p role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error.message}
        </p>
      )}
      <div>
        <label htmlFor="new-user-email" className="block text-sm font-medium">Email</label>
        <input
          id="new-user-email"
          name="email"
          type="email"
          autoComplete="off"
          required
          maxLength={254}
          defaultValue={values.email}
          {...invalid("email")}
          className={inputClass}
        />
        <FieldError id="new-user-email-error" messages={fieldErrors.email} />
      </div>
      <div>
        <label htmlFor="new-user-name" className="block text-sm font-medium">Name</label>
        <input
          id="new-user-name"
          name="name"
          type="text"
          autoComplete="off"
          required
          maxLength={100}
          defaultValue={values.name}
          {...invalid("name")}
          className={inputClass}
        />
        <FieldError id="new-user-name-error" messages={fieldErrors.name} />
      </div>
      <div>
        <label htmlFor="new-user-password" className="block text-sm font-medium">Password</label>
        <input
          id="new-user-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={200}
          {...invalid("password")}
          className={inputClass}
        />
        <FieldError id="new-user-password-error" messages={fieldErrors.password} />
        {!fieldErrors.password && <p className="mt-1 text-xs text-slate-500">At least 12 characters.</p>}
      </div>
      <div>
        <label htmlFor="new-user-role" className="block text-sm font-medium">Role</label>
        <select id="new-user-role" name="role" defaultValue={values.role} {...invalid("role")} className={inputClass}>
          <option value="member">Member: sees only the instances granted to them</option>
          <option value="admin">Admin: sees everything, manages users</option>
        </select>
        <FieldError id="new-user-role-error" messages={fieldErrors.role} />
      </div>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}
