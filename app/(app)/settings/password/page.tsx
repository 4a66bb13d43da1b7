import type { Metadata } from "next";
import { buttonClass } from "@/app/_components/form";
import { requireUser } from "@/lib/auth/session";
import { searchParam, type SearchParams } from "@/lib/http/search-params";
import { signOutEverywhereFormAction } from "./actions";
import { ChangePasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Password" };

// For every signed-in user (members included): their own password and sessions.
export default async function PasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const changed = searchParam((await searchParams).changed) === "1";
  return (
    <div className="space-y-10">
      <h1 className="text-lg font-semibold">Password and sessions</h1>

      <section aria-labelledby="password-heading" className="space-y-3">
        <div>
          <h2 id="password-heading" className="text-base font-semibold">Change password</h2>
          <p className="text-sm text-slate-600">
            Signed in as {user.email}. Changing your password signs you out everywhere else.
          </p>
        </div>
        <ChangePasswordForm changed={changed} />
      </section>

      <section aria-labelledby="sessions-heading" className="space-y-3">
        <div>
          <h2 id="sessions-heading" className="text-base font-semibold">Sessions</h2>
          <p className="text-sm text-slate-600">
            Signs you out on every device and browser, this one included (for a lost laptop or a session you do not recognise).
          </p>
        </div>
        <form action={signOutEverywhereFormAction}>
          <button type="submit" className={buttonClass("secondary")}>
            Sign out everywhere
          </button>
        </form>
      </section>
    </div>
  );
}
