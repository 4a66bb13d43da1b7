import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listOutbox } from "@/lib/notifications/inbox";
import { LocalTime } from "@/app/_components/local-time";

export const metadata: Metadata = { title: "Mail outbox" };

export default async function OutboxPage() {
  const user = await requireUser();
  if (user.role !== "admin") {
    return (
      <div role="alert" className="max-w-xl rounded-md border border-amber-200 bg-amber-50 px-4 py-3">
        <h1 className="font-semibold text-amber-900">403: Not allowed</h1>
        <p className="mt-1 text-sm text-amber-900">Only admins can read the mail outbox.</p>
      </div>
    );
  }
  const { mails, counts } = await listOutbox(getDb(), user);
  const smtp = Boolean(process.env.SMTP_URL?.trim());
  return (
    <div className="space-y-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold">Mail outbox</h1>
        <Link href="/settings" className="text-sm text-indigo-700 hover:underline">Settings</Link>
      </div>
      <p className="max-w-3xl text-sm text-slate-600">
        {smtp
          ? "Mails are sent over SMTP (SMTP_URL) by the engine's tick, retried with backoff when the server refuses."
          : "No SMTP server is configured (SMTP_URL), so mails stay here, pending: nothing is lost, and setting SMTP_URL sends them."}{" "}
        {["pending", "sent", "failed"].map((s) => `${counts[s] ?? 0} ${s}`).join(" · ")}
      </p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table data-testid="outbox-table" className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Created</th>
              <th scope="col" className="px-3 py-2">To</th>
              <th scope="col" className="px-3 py-2">Subject</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">Attempts</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {mails.map((m) => (
              <tr key={m.id} data-testid="outbox-row" className="align-top">
                <td className="px-3 py-2"><LocalTime iso={m.createdAt.toISOString()} /></td>
                <td className="px-3 py-2">{m.to}</td>
                <td className="px-3 py-2">
                  <details>
                    <summary className="cursor-pointer">{m.subject}</summary>
                    <pre className="mt-2 max-w-2xl whitespace-pre-wrap break-words text-xs text-slate-700">{m.text}</pre>
                  </details>
                </td>
                <td className="px-3 py-2">{m.status}{m.sentAt && <span className="block text-xs text-slate-500"><LocalTime iso={m.sentAt.toISOString()} /></span>}</td>
                <td className="px-3 py-2">{m.attempts}{m.lastError && <span className="block max-w-xs break-words text-xs text-red-700">{m.lastError}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
