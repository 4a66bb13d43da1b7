import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { DataTable } from "@/app/_components/data-table";
import { Forbidden, TitleWithLinks } from "@/app/_components/page-header";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditDetailValue } from "@/lib/audit/record";
import { auditQueryParams, listAuditLog, parseAuditQuery, type AuditQuery, type AuditRow } from "@/lib/audit/queries";
import { requireUser } from "@/lib/auth/session";
import type { SearchParams } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Audit log" };

const href = (q: AuditQuery, before?: string) => {
  const params = new URLSearchParams({ ...auditQueryParams(q), ...(before ? { before } : {}) });
  const s = params.toString();
  return s ? `/settings/audit?${s}` : "/settings/audit";
};

// UTC, to the second, built from the ISO string: the same on every server and in every test.
const when = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

const detailText = (v: AuditDetailValue) => (Array.isArray(v) ? v.join(", ") : String(v));

const inputClass = "rounded-md border border-slate-300 px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none";

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  if (user.role !== "admin") {
    return <Forbidden>Only admins can read the audit log.</Forbidden>;
  }
  const query = parseAuditQuery(await searchParams);
  const { rows, nextBefore } = await listAuditLog(getDb(), user, query);
  const filtered = Object.keys(auditQueryParams(query)).length > 0;

  return (
    <div className="space-y-4">
      <TitleWithLinks title="Audit log" links={[{ href: "/settings", label: "Back to settings" }]} />
      <p className="text-sm text-slate-600">
        Who created, changed, ran, paused and deleted what, newest first. Times are UTC. Entries name records by id and name; they never hold passwords, tokens, secrets, SQL or parameter values.
      </p>

      {/* A plain GET form: the filters live in the URL, so a filtered view can be bookmarked and shared. */}
      <form method="get" action="/settings/audit" className="flex flex-wrap items-end gap-3" data-testid="audit-filters">
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Actor email
          <input name="actor" type="email" defaultValue={query.actor ?? ""} maxLength={254} className={inputClass} />
        </label>
        <AnyOf label="Action" name="action" value={query.action} options={AUDIT_ACTIONS} />
        <AnyOf label="Target type" name="target" value={query.targetType} options={AUDIT_TARGET_TYPES} />
        <label className="flex flex-col text-xs font-medium text-slate-700">
          From (UTC day)
          <input name="from" type="date" defaultValue={query.from ?? ""} className={inputClass} />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          To (UTC day)
          <input name="to" type="date" defaultValue={query.to ?? ""} className={inputClass} />
        </label>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
          Filter
        </button>
        {filtered && (
          <Link href="/settings/audit" className="text-sm text-slate-600 hover:underline">Clear</Link>
        )}
      </form>

      {rows.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="audit-empty">
          {filtered || query.before ? "No entries match." : "Nothing has been recorded yet."}
        </p>
      ) : (
        <DataTable testId="audit-table" columns={["When", "Actor", "Action", "Target", "Instance", "Details"]}>
          {rows.map((r) => (
            <AuditEntryRow key={r.id} row={r} />
          ))}
        </DataTable>
      )}

      <nav aria-label="Pagination" className="flex gap-3 text-sm">
        {query.before && (
          <Link href={href(query)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Newest
          </Link>
        )}
        {nextBefore && (
          <Link href={href(query, nextBefore)} rel="next" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Older
          </Link>
        )}
      </nav>
    </div>
  );
}

/** A filter that is either "Any" (empty, no filter) or one of `options`. */
function AnyOf({ label, name, value, options }: { label: string; name: string; value: string | undefined; options: readonly string[] }) {
  return (
    <label className="flex flex-col text-xs font-medium text-slate-700">
      {label}
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

function AuditEntryRow({ row }: { row: AuditRow }) {
  const details = Object.entries(row.details);
  return (
    <tr data-testid="audit-row" data-action={row.action} className="align-top">
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        <time dateTime={row.occurredAt.toISOString()}>{when(row.occurredAt)}</time>
      </td>
      <td className="px-3 py-2">
        {row.actorEmail ?? <span className="text-slate-500">system</span>}
        {row.actorEmail && !row.actorExists && <span className="ml-1 text-xs text-slate-500">(deleted)</span>}
      </td>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{row.action}</td>
      <td className="px-3 py-2">
        <span className="text-xs text-slate-500">{row.targetType}</span> <span className="font-mono text-xs">{row.targetId}</span>
      </td>
      <td className="px-3 py-2 text-xs">
        {row.instanceName ? (
          <span title={row.amcInstanceId ?? undefined}>{row.instanceName}</span>
        ) : row.instanceId ? (
          <span className="text-slate-500">(deleted)</span>
        ) : null}
      </td>
      <td className="px-3 py-2 text-xs text-slate-700">
        {details.length > 0 && (
          <dl className="flex flex-wrap gap-x-3 gap-y-0.5">
            {details.map(([k, v]) => (
              <div key={k} className="flex gap-1">
                <dt className="text-slate-500">{k}</dt>
                <dd className="break-all">{detailText(v)}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
    </tr>
  );
}
