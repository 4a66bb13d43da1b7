import type { Metadata } from "next";
import { buttonClass } from "@/app/_components/form";
import { Section } from "@/app/_components/section";
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

      <Section id="password-heading" title="Change password" intro={<>Signed in as {user.email}. Changing your password signs you out everywhere else.</>}>
        <ChangePasswordForm changed={changed} />
      </Section>

      <Section
        id="sessions-heading"
        title="Sessions"
        intro="Signs you out on every device and browser, this one included (for a lost laptop or a session you do not recognise)."
      >
        <form action={signOutEverywhereFormAction}>
          <button type="submit" className={buttonClass("secondary")}>
            Sign out everywhere
          </button>
        </form>
      </Section>
    </div>
  );
}
