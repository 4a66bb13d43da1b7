import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { listBrandMappings, listInstanceMembers, listInstanceReports } from "@/db/queries/instances";
import { accountHealth, needsConnection } from "@/lib/amc/accounts/health";
import { orNotFound, requireUser } from "@/lib/auth/session";
import { instanceForUserOrThrow } from "@/lib/instances/guard";
import { StatusBadge } from "@/app/_components/badges";
import { LocalTime } from "@/app/_components/local-time";
import { RecordTitle } from "@/app/_components/page-header";
import { Section } from "@/app/_components/section";
import { AccountHealthBadge, NeedsConnectionBadge, TypeBadge } from "../badges";
import { ActiveToggle } from "./active-toggle";
import { BrandMappings } from "./brand-mappings";
import { Fact } from "@/app/_components/fact";

export const metadata: Metadata = { title: "Instance" };

/** How many of the instance's reports the page lists; the overview, filtered to it, has them all. */
const REPORTS_SHOWN = 25;


export default async function InstancePage({ params }: { params: Promise<{ instanceId: string }> }) {
  const user = await requireUser();
  const isAdmin = user.role === "admin";
  const { instanceId } = await params;
  const db = getDb();
  const instance = await orNotFound(instanceForUserOrThrow(db, user, instanceId));
  const [reports, mappings, members] = await Promise.all([
    listInstanceReports(db, instance.id, REPORTS_SHOWN),
    listBrandMappings(db, instance.id),
    isAdmin ? listInstanceMembers(db, instance.id) : Promise.resolve([]),
  ]);
  const account = instance.account;
  const needs = needsConnection(instance);

  return (
    <div className="space-y-8">
      <RecordTitle
        back={{ href: "/instances", label: "← Instances" }}
        title={instance.instanceName}
        id={instance.instanceId}
        facts={
          <>
            <TypeBadge type={instance.instanceType} />
            <span data-testid="instance-active" className={instance.isActive ? "text-green-800" : "text-slate-500"}>
              {instance.isActive ? "Active" : "Inactive"}
            </span>
            {needs && <NeedsConnectionBadge />}
          </>
        }
        actions={isAdmin ? <ActiveToggle instanceId={instance.instanceId} isActive={instance.isActive} /> : null}
      >
        {!instance.isActive && (
          <p className="mt-2 text-sm text-slate-600">Inactive: not offered for new reports. Its reports and their history stay.</p>
        )}
      </RecordTitle>

      <Section id="details-heading" title="Details">
        <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3">
          <Fact label="Account">
            {account ? (
              <>
                {account.accountName} <span className="font-mono text-xs text-slate-500">{account.accountId}</span>
              </>
            ) : instance.isBuiltinSandbox ? (
              "Built-in sandbox (synthetic data)"
            ) : (
              <span className="text-slate-500">Not linked to an Amazon Ads account</span>
            )}
          </Fact>
          <Fact label="Health">
            {account ? (
              <AccountHealthBadge health={accountHealth(account)} />
            ) : instance.isBuiltinSandbox ? (
              <span className="text-green-800">Always available</span>
            ) : (
              <NeedsConnectionBadge />
            )}
            {account?.lastCheckedAt && (
              <p className="mt-0.5 text-xs text-slate-500">
                Last checked <LocalTime iso={account.lastCheckedAt.toISOString()} />
              </p>
            )}
          </Fact>
          <Fact label="Type">
            <TypeBadge type={instance.instanceType} />
          </Fact>
          <Fact label="Region">{instance.region}</Fact>
          <Fact label="Marketplace">
            {instance.marketplaceId ? <span className="font-mono text-xs">{instance.marketplaceId}</span> : <span className="text-slate-400">—</span>}
          </Fact>
          <Fact label="Last synced">
            <LocalTime iso={instance.lastSyncedAt?.toISOString() ?? null} />
          </Fact>
        </dl>
        {needs && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            Reports on this instance cannot reach AMC: its Amazon Ads account is {account ? "disconnected or needs re-authorization" : "missing"}.{" "}
            {isAdmin ? (
              <Link href="/instances#accounts-heading" className="underline">
                Reconnect it on the Instances page.
              </Link>
            ) : (
              "Ask an admin to reconnect it."
            )}
          </p>
        )}
      </Section>

      <Section
        id="mappings-heading"
        title="Brand mappings"
        intro="A brand's ASINs and campaigns. New reports on this instance start with them filled in, and the campaign and ASIN pickers suggest them."
      >
        <BrandMappings
          instanceId={instance.instanceId}
          mappings={mappings.map((m) => ({ id: m.id, brand: m.brand, asins: m.asins, campaignIds: m.campaignIds }))}
        />
      </Section>

      <Section id="reports-heading" title={`Reports on this instance (${reports.total.toLocaleString("en-US")})`}>
        {reports.rows.length === 0 ? (
          <p className="text-sm text-slate-600">
            No report uses this instance yet.{" "}
            <Link href="/reports/new" className="text-indigo-700 hover:underline">
              Create one
            </Link>
            .
          </p>
        ) : (
          <>
            <ul data-testid="instance-reports" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
              {reports.rows.map((r) => (
                <li key={r.reportId} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                  <Link href={`/reports/${r.reportId}`} className="font-medium text-indigo-700 hover:underline">
                    {r.name}
                  </Link>
                  <span className="flex items-center gap-2 text-xs text-slate-500">
                    {!r.isActive && <span>inactive</span>}
                    <StatusBadge status={r.lastStatus} />
                  </span>
                </li>
              ))}
            </ul>
            {reports.total > reports.rows.length && (
              <p className="text-sm">
                <Link href={`/reports?instance=${instance.id}`} className="text-indigo-700 hover:underline">
                  All {reports.total.toLocaleString("en-US")} reports on the overview
                </Link>
              </p>
            )}
          </>
        )}
      </Section>

      {isAdmin && (
        <Section
          id="members-heading"
          title="Members with access"
          intro="Admins see every instance. Members see the instances granted to them."
        >
          {members.length === 0 ? (
            <p className="text-sm text-slate-600">No member has been granted this instance.</p>
          ) : (
            <ul data-testid="instance-members" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
              {members.map((m) => (
                <li key={m.email} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                  <span>
                    {m.name} <span className="text-slate-500">{m.email}</span>
                  </span>
                  <span className="text-xs text-slate-500">
                    {m.role === "admin" ? "admin · " : ""}granted <LocalTime iso={m.grantedAt?.toISOString() ?? null} />
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p className="text-sm">
            <Link href="/settings" className="text-indigo-700 hover:underline">
              Grant or revoke access in Settings
            </Link>
          </p>
        </Section>
      )}
    </div>
  );
}
