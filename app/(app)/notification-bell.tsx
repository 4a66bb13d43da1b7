import Link from "next/link";
import { getDb } from "@/db/client";
import { unreadCount } from "@/lib/notifications/inbox";

// A server component: the count is read on every render of the signed-in shell (a navigation
// or refresh), from the partial index of unread notifications.
export async function NotificationBell({ userId }: { userId: string }) {
  const unread = await unreadCount(getDb(), userId);
  return (
    <Link
      href="/notifications"
      data-testid="notification-bell"
      aria-label={unread > 0 ? `Notifications: ${unread} unread` : "Notifications"}
      className="relative inline-flex items-center rounded-md p-1 text-slate-600 hover:bg-slate-100 hover:text-indigo-700"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8">
        <path strokeLinecap="round" strokeLinejoin="round" d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 0 0-4-5.7V5a2 2 0 1 0-4 0v.3A6 6 0 0 0 6 11v3.2c0 .5-.2 1-.6 1.4L4 17h5m6 0v1a3 3 0 1 1-6 0v-1m6 0H9" />
      </svg>
      {unread > 0 && (
        <span data-testid="unread-count" className="absolute -right-1 -top-1 min-w-[1.1rem] rounded-full bg-rose-600 px-1 text-center text-[10px] font-semibold leading-4 text-white">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}
