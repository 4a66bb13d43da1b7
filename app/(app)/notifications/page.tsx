import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listNotifications } from "@/lib/notifications/inbox";
import { LocalTime } from "@/app/_components/local-time";
import { buttonClass } from "@/app/_components/form";
import { markReadFormAction } from "./actions";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireUser();
  const items = await listNotifications(getDb(), user);
  const unread = items.filter((n) => n.readAt === null).length;
  return (
    <div className="max-w-3xl space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-lg font-semibold">Notifications</h1>
        <span className="text-sm text-slate-600" data-testid="notifications-unread">{unread} unread</span>
        <Link href="/notifications/preferences" className="text-sm text-indigo-700 hover:underline">Preferences</Link>
        {user.role === "admin" && <Link href="/settings/outbox" className="text-sm text-indigo-700 hover:underline">Mail outbox</Link>}
        {unread > 0 && (
          <form action={markReadFormAction} className="ml-auto">
            <input type="hidden" name="all" value="1" />
            <button type="submit" className={buttonClass("secondary", "sm")}>Mark all read</button>
          </form>
        )}
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing yet. Failed or paused schedules, finished backfills and Amazon connections that need you show up here.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="notifications-list">
          {items.map((n) => (
            <li key={n.id} data-testid="notification" data-event={n.eventType} data-unread={n.readAt === null ? "true" : "false"} className={`flex gap-3 px-4 py-3 ${n.readAt === null ? "bg-indigo-50/40" : ""}`}>
              <span aria-hidden="true" className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt === null ? "bg-indigo-600" : "bg-transparent"}`} />
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">
                  {n.link ? <Link href={n.link} className="hover:text-indigo-700 hover:underline">{n.title}</Link> : n.title}
                  {n.readAt === null && <span className="sr-only"> (unread)</span>}
                </p>
                <p className="mt-0.5 break-words text-sm text-slate-700">{n.body}</p>
                <p className="mt-1 text-xs text-slate-500"><LocalTime iso={n.createdAt.toISOString()} /></p>
              </div>
              {n.readAt === null && (
                <form action={markReadFormAction}>
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" className={buttonClass("secondary", "sm")}>Mark read</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
