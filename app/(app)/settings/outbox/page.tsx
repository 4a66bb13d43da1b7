import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listOutbox } from "@/lib/notifications/inbox";
import { DataTable } from "@/app/_components/data-table";
import { LocalTime } from "@/app/_components/local-time";
import { Forbidden, TitleWithLinks } from "@/app/_components/page-header";

export const metadata: Metadata = { title: "Mail outbox" };

export default async function OutboxPage() {
  const user = await requireUser();
  if (user.role !== "admin") {
    return <Forbidden>Only admins can read the mail outbox.</Forbidden>;
  }
  const { mails, counts } = await listOutbox(getDb(), user);
  const smtp = Boolean(process.env.SMTP_URL?.trim());
  return (
    <div className="space-y-4">
      <TitleWithLinks title="Mail outbox" links={[{ href: "/settings", label: "Settings" }]} />
      <p className="max-w-3xl text-sm text-slate-600">
        {smtp
          ? "Mails are sent over SMTP (SMTP_URL) by the engine's tick, retried with backoff when the server refuses."
          : "No SMTP server is configured (SMTP_URL), so mails stay here, pending: nothing is lost, and setting SMTP_URL sends them."}{" "}
        {["pending", "sent", "failed"].map((s) => `${counts[s] ?? 0} ${s}`).join(" · ")}
      </p>
      <DataTable testId="outbox-table" columns={["Created", "To", "Subject", "Status", "Attempts"]}>
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
      </DataTable>
    </div>
  );
}
