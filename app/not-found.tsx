import Link from "next/link";

// Our own 404 (Next's default page styles itself inline, which the CSP refuses). A missing id and
// an id on an instance the viewer may not see both land here: the page says nothing about which.
export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or you do not have access to it.</p>
      <Link href="/reports" className="mt-6 inline-block text-indigo-700 hover:underline">
        Back to reports
      </Link>
    </main>
  );
}
