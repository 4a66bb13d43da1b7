import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { NOTIFICATION_EVENTS } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { EVENT_LABELS, getPreferences, scheduledReportsWithOptins } from "@/lib/notifications/inbox";
import { buttonClass } from "@/app/_components/form";
import { TitleWithLinks } from "@/app/_components/page-header";
import { Section } from "@/app/_components/section";
import { optinFormAction, savePreferencesFormAction } from "../actions";

export const metadata: Metadata = { title: "Notification preferences" };

export default async function NotificationPreferencesPage() {
  const user = await requireUser();
  const db = getDb();
  const [prefs, reports] = await Promise.all([getPreferences(db, user.id), scheduledReportsWithOptins(db, user)]);
  const muted = new Set(prefs.mutedEvents);
  return (
    <div className="max-w-3xl space-y-8">
      <TitleWithLinks title="Notification preferences" links={[{ href: "/notifications", label: "Back to notifications" }]} />

      <form action={savePreferencesFormAction} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="preferences-form">
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">Tell me when</legend>
          {NOTIFICATION_EVENTS.map((e) => (
            <label key={e} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="events" value={e} defaultChecked={!muted.has(e)} />
              {EVENT_LABELS[e]}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="email" defaultChecked={prefs.email} />
          Also send me an email (many failures at once arrive as one daily digest)
        </label>
        <button type="submit" className={buttonClass("primary", "sm")}>Save preferences</button>
      </form>

      <Section id="optin-heading" title="Completed runs, per report" className="space-y-2">
        <p className="text-sm text-slate-600">Opt in to hear about every completed scheduled run of a report.</p>
        {reports.length === 0 ? (
          <p className="text-sm text-slate-600">No scheduled reports you can see.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
            {reports.map((r) => (
              <li key={r.reportId} className="flex items-center gap-3 px-4 py-2 text-sm">
                <Link href={`/reports/${r.reportId}`} className="flex-1 hover:text-indigo-700 hover:underline">{r.name}</Link>
                <span className="font-mono text-xs text-slate-500">{r.reportId}</span>
                <form action={optinFormAction}>
                  <input type="hidden" name="reportId" value={r.reportId} />
                  <input type="hidden" name="on" value={r.optedIn ? "0" : "1"} />
                  <button type="submit" className={buttonClass("secondary", "sm")}>{r.optedIn ? "Opted in: stop" : "Opt in"}</button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
