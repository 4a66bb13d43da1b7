"use server";

import { revalidatePath } from "next/cache";
import { action, fromForm } from "@/lib/actions/action";
import type { ErrorBody } from "@/lib/errors";
import { createUserSchema, grantSchema, revokeSchema } from "@/lib/users/schemas";
import { createUser, grantInstanceAccess, revokeInstanceAccess } from "@/lib/users/users";
import { settingsChange } from "./settings-change";

// Posted from forms: FormData goes through the same zod schemas as every other caller.
export const createUserAction = action(fromForm(createUserSchema), async (input, { db, user }) => {
  const created = await createUser(db, user, input);
  revalidatePath("/settings");
  return { email: created.email };
});


// useActionState adapters. Being server actions themselves (not client wrappers) keeps the forms
// working when submitted before the page has hydrated.

export interface CreateUserFormState {
  created?: string;
  error?: ErrorBody;
  /** What was typed, so a failed submit does not wipe the form. The password is never echoed. */
  values: { email: string; name: string; role: string };
}

function text(form: FormData, key: string): string {
  const v = form.get(key);
  return typeof v === "string" ? v : "";
}

export async function createUserFormAction(
  _prev: CreateUserFormState,
  form: FormData,
): Promise<CreateUserFormState> {
  const result = await createUserAction(form);
  if (result.ok) return { created: result.data.email, values: { email: "", name: "", role: "member" } };
  return {
    error: result.error,
    values: { email: text(form, "email"), name: text(form, "name"), role: text(form, "role") || "member" },
  };
}

export const grantAccessFormAction = settingsChange(grantSchema, grantInstanceAccess);

export const revokeAccessFormAction = settingsChange(revokeSchema, revokeInstanceAccess);
