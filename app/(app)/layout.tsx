import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { signOutAction } from "./actions";
import { NotificationBell } from "./notification-bell";

// Every page under this layout needs a session; the pages and actions check access again
// themselves (a layout alone does not guard server actions or soft navigations).
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <Link href="/reports" className="font-semibold text-indigo-700">AMC Report Builder</Link>
          <nav className="flex gap-4 text-sm">
            <Link href="/reports" className="text-slate-700 hover:text-indigo-700">Reports</Link>
            <Link href="/runs" className="text-slate-700 hover:text-indigo-700">Runs</Link>
            <Link href="/dashboards" className="text-slate-700 hover:text-indigo-700">Dashboards</Link>
            <Link href="/templates" className="text-slate-700 hover:text-indigo-700">Templates</Link>
            <Link href="/reports/new" className="text-slate-700 hover:text-indigo-700">New report</Link>
            <Link href="/instances" className="text-slate-700 hover:text-indigo-700">Instances</Link>
            {user.role === "admin" && (
              <Link href="/settings" className="text-slate-700 hover:text-indigo-700">Settings</Link>
            )}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <NotificationBell userId={user.id} />
            <span className="text-slate-600" data-testid="current-user">
              {user.name} <span className="text-slate-400">({user.role})</span>
            </span>
            <Link href="/settings/api-tokens" className="text-slate-700 hover:text-indigo-700">API tokens</Link>
            <Link href="/settings/password" className="text-slate-700 hover:text-indigo-700">Password</Link>
            <form action={signOutAction}>
              <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-100">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
