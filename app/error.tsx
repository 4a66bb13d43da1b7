"use client";

import Link from "next/link";

// A friendly page for an unexpected failure while rendering (Next's default styles itself inline,
// which the CSP refuses). The digest is the id in the server's log line, so support can find it.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">Try again; if it keeps happening, tell your admin{error.digest ? ` (reference ${error.digest})` : ""}.</p>
      <div className="mt-6 flex justify-center gap-4">
        <button type="button" onClick={reset} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          Try again
        </button>
        <Link href="/reports" className="px-4 py-2 text-sm text-indigo-700 hover:underline">
          Back to reports
        </Link>
      </div>
    </main>
  );
}
