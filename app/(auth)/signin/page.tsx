import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  if (await currentUser()) redirect("/reports");
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">AMC Report Builder</h1>
        <p className="mb-6 mt-1 text-sm text-slate-600">Sign in to run and schedule your AMC reports.</p>
        <SignInForm next={typeof next === "string" ? next : undefined} />
      </div>
    </main>
  );
}
