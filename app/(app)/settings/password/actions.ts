"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action, fromForm } from "@/lib/actions/action";
import { signIn, signOut } from "@/lib/auth/config";
import type { ErrorBody } from "@/lib/errors";
import { changeOwnPassword, signOutEverywhere } from "@/lib/users/account";
import { changePasswordSchema } from "@/lib/users/schemas";

export const changePasswordAction = action(fromForm(changePasswordSchema), async (input, { db, user }) =>
  changeOwnPassword(db, user, input, new Date()),
);

export interface ChangePasswordFormState {
  changed?: boolean;
  error?: ErrorBody;
}

export async function changePasswordFormAction(
  _prev: ChangePasswordFormState,
  form: FormData,
): Promise<ChangePasswordFormState> {
  const result = await changePasswordAction(form);
  if (!result.ok) return { error: result.error };
  // The change ended every session of the user, this one too; this browser signs in again with
  // the new password through the ordinary sign-in, so next-auth issues the new session itself,
  // and lands back here with the confirmation (a sign-in always ends in a navigation).
  try {
    await signIn("credentials", { email: result.data.email, password: String(form.get("newPassword")), redirectTo: "/settings/password?changed=1" });
  } catch (e) {
    if (e instanceof AuthError) redirect("/signin");
    throw e;
  }
  return { changed: true };
}

const signOutEverywhereAction = action(fromForm(z.strictObject({})), async (_input, { db, user }) => signOutEverywhere(db, user));

/** Ends every session of the user (other devices, stolen cookies), then this one. */
export async function signOutEverywhereFormAction(form: FormData): Promise<void> {
  await signOutEverywhereAction(form);
  await signOut({ redirectTo: "/signin" });
}
