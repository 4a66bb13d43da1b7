"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/config";
import { credentialsSchema } from "@/lib/auth/config";
import { retryAfterText } from "@/lib/auth/throttle";
import { fieldErrorsFrom, type FieldErrors } from "@/lib/errors";

export interface SignInState {
  message?: string;
  fieldErrors?: FieldErrors;
  email?: string;
}

function safeNext(next: FormDataEntryValue | null): string {
  // Only same-site paths: never redirect to another origin after sign-in.
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/reports";
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  const parsed = credentialsSchema.safeParse({ email, password: form.get("password") ?? "" });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error), email };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeNext(form.get("next")) });
    return {};
  } catch (e) {
    if (e instanceof AuthError) {
      const code = "code" in e && typeof e.code === "string" ? e.code : "";
      if (code.startsWith("too_many_attempts")) {
        // The same words whether or not the account exists: throttling is keyed by the typed email.
        const ms = Number(code.split(":")[1]) || 15 * 60_000;
        return { message: `Too many failed attempts. Try again in ${retryAfterText(ms)}.`, email };
      }
      return { message: "Wrong email or password.", email };
    }
    throw e; // Next's redirect on success
  }
}
