import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { listAmcAccounts, listInstancesForUser, type AccountListRow, type InstanceListRow } from "@/db/queries/instances";
import { accountHealth, needsConnection } from "@/lib/amc/accounts/health";
import { connectFailureMessage, isConnectFailure } from "@/lib/amc/accounts/messages";
import { lwaAppClient } from "@/lib/amc/accounts/oauth";
import { requireUser } from "@/lib/auth/session";
import { DataTable } from "@/app/_components/data-table";
import { LocalTime } from "@/app/_components/local-time";
import { Section } from "@/app/_components/section";
import { AccountActions } from "./account-actions";
import { AccountHealthBadge, NeedsConnectionBadge, TypeBadge } from "./badges";
import { ManualConnectForm } from "./manual-connect-form";
import { NavigatingForm } from "./navigating-form";

export const metadata: Metadata = { title: "Instances" };

const single = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

function Notice({ connected, error }: { connected?: string; error?: string }) {
  if (error !== undefined) {
    // Only our own short codes are shown; anything else in the URL is not echoed into the page.
    const message = isConnectFailure(error) ? connectFailureMessage(error) : connectFailureMessage("internal");
    return (
      <p role="alert" data-testid="connect-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        {message}
      </p>
    );
  }
  const n = connected !== undefined && /^\d{1,4}$/.test(connected) ? Number(connected) : undefined;
  if (n === undefined) return null;
  return (
    <p role="status" data-testid="connect-success" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
      Connected {n} Amazon Ads account{n === 1 ? "" : "s"}. Use “Find instances” to import AMC instances.
    </p>
  );
}

function InstancesTable({ rows, isAdmin }: { rows: InstanceListRow[]; isAdmin: boolean }) {
  if (rows.length === 0) {
    return (
      <p data-testid="no-instances" className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
        {isAdmin
          ? "No AMC instances yet. Connect an Amazon Ads account below, then import its instances."
          : "No AMC instances are shared with you yet. Ask an admin for access."}
      </p>
    );
  }
  return (
    <DataTable
      testId="instances-table"
      columns={["Name", "AMC instance id", "Account", "Region", "Marketplace", "Type", "Active", { label: "Reports", className: "text-right" }]}
    >
      {rows.map((r) => (
        <tr key={r.id} data-testid="instance-row" data-instance-id={r.instanceId}>
          <td className="px-3 py-2 font-medium">
            <Link href={`/instances/${encodeURIComponent(r.instanceId)}`} className="text-indigo-700 hover:underline">
              {r.instanceName}
            </Link>
          </td>
          <td className="px-3 py-2 font-mono text-xs">{r.instanceId}</td>
          <td className="px-3 py-2">
            {r.accountName ?? <span className="text-slate-500">{r.instanceType === "SANDBOX" ? "Built-in sandbox" : "Not linked"}</span>}
            {needsConnection({ isBuiltinSandbox: r.isBuiltinSandbox, account: r.accountStatus ? { status: r.accountStatus } : null }) && (
              <span className="ml-2">
                <NeedsConnectionBadge />
              </span>
            )}
          </td>
          <td className="px-3 py-2">{r.region}</td>
          <td className="px-3 py-2 font-mono text-xs">{r.marketplaceId ?? <span className="font-sans text-slate-400">—</span>}</td>
          <td className="px-3 py-2"><TypeBadge type={r.instanceType} /></td>
          <td className="px-3 py-2">
            {r.isActive ? <span className="text-green-800">Active</span> : <span className="text-slate-500">Inactive</span>}
          </td>
          <td className="px-3 py-2 text-right tabular-nums">{r.reportCount.toLocaleString("en-US")}</td>
        </tr>
      ))}
    </DataTable>
  );
}

const regionSelectClass = "rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none";

/** A plain GET form: the route answers with a redirect to Amazon's consent page. */
function ConnectWithAmazon({ enabled }: { enabled: boolean }) {
  if (!enabled) {
    return <p className="text-sm text-slate-600">{connectFailureMessage("not_configured")}</p>;
  }
  return (
    <NavigatingForm
      action="/api/amc/oauth/start"
      label="Connect with Amazon"
      pendingLabel="Opening Amazon…"
      buttonClassName="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
    >
      <div>
        {/* Not labelled "Region": that label belongs to the manual form's field. */}
        <label htmlFor="oauth-region" className="block text-sm font-medium">Connect to</label>
        <select id="oauth-region" name="region" defaultValue="NA" className={`mt-1 ${regionSelectClass}`}>
          <option value="NA">Amazon Ads North America (NA)</option>
          <option value="EU">Amazon Ads Europe (EU)</option>
          <option value="FE">Amazon Ads Far East (FE)</option>
        </select>
      </div>
    </NavigatingForm>
  );
}

function AccountCard({ account, oauthEnabled }: { account: AccountListRow; oauthEnabled: boolean }) {
  const health = accountHealth(account);
  const broken = health.kind === "needs_reauthorization" || health.kind === "disconnected";
  return (
    <li data-testid="account-card" data-account-id={account.accountId} className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h3 className="font-semibold">{account.accountName}</h3>
        <AccountHealthBadge health={health} />
        <span className="font-mono text-xs text-slate-500">{account.accountId}</span>
        <span className="text-xs text-slate-500">
          {account.region}
          {account.marketplaceId ? ` · ${account.marketplaceId}` : ""} · {account.instanceCount} instance
          {account.instanceCount === 1 ? "" : "s"} imported
        </span>
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {account.lastCheckedAt ? (
          <>
            Last checked <LocalTime iso={account.lastCheckedAt.toISOString()} />
          </>
        ) : (
          "Not checked yet"
        )}
      </p>

      {broken ? (
        <div role="alert" data-testid="reauthorization-needed" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-semibold">{health.kind === "disconnected" ? "Disconnected" : "Needs re-authorization"}</p>
          {account.lastError && <p className="mt-0.5">{account.lastError}</p>}
          <div className="mt-2 flex flex-wrap items-center gap-3">
            {oauthEnabled && (
              <NavigatingForm
                action="/api/amc/oauth/start"
                hidden={{ region: account.region }}
                label="Reconnect"
                pendingLabel="Opening Amazon…"
                buttonClassName="rounded-md bg-red-700 px-2.5 py-1 text-sm font-semibold text-white hover:bg-red-600"
              />
            )}
            <a href="#connect-manually" className="text-sm text-red-800 underline">
              {oauthEnabled ? "or enter new credentials" : "Reconnect: enter new credentials"}
            </a>
          </div>
        </div>
      ) : (
        account.lastError && (
          <p data-testid="account-last-error" role="alert" className="mt-2 text-sm text-amber-800">
            Last check failed: {account.lastError}
          </p>
        )
      )}

      <AccountActions accountId={account.id} accountName={account.accountName} disconnected={health.kind === "disconnected"} />
    </li>
  );
}

export default async function InstancesPage({
  searchParams,
}: {
  searchParams: Promise<{ connected?: string | string[]; error?: string | string[] }>;
}) {
  const user = await requireUser();
  const isAdmin = user.role === "admin";
  const params = await searchParams;
  const db = getDb();
  // Members get the instances table only; account queries are never run for them.
  const [instances, accounts] = await Promise.all([
    listInstancesForUser(db, user),
    isAdmin ? listAmcAccounts(db) : Promise.resolve([]),
  ]);
  const oauthEnabled = isAdmin && lwaAppClient() !== null;

  return (
    <div className="space-y-10">
      <div className="space-y-3">
        <h1 className="text-xl font-semibold text-slate-900">Instances</h1>
        {isAdmin && <Notice connected={single(params.connected)} error={single(params.error)} />}
        <InstancesTable rows={instances} isAdmin={isAdmin} />
      </div>

      {isAdmin && (
        <>
          <Section
            id="accounts-heading"
            title="Amazon Ads accounts"
            intro="Connections to Amazon Marketing Cloud. Runs on an instance use its account's stored authorization."
          >
            {accounts.length === 0 ? (
              <p className="text-sm text-slate-600">No Amazon Ads account is connected yet.</p>
            ) : (
              <ul className="space-y-3">
                {accounts.map((a) => (
                  <AccountCard key={a.id} account={a} oauthEnabled={oauthEnabled} />
                ))}
              </ul>
            )}
          </Section>

          <Section id="connect-heading" title="Connect an account">
            <p className="text-sm text-slate-600">
              Sign in with Amazon and agree to share Amazon Ads access; every AMC account that login reaches is added.
            </p>
            <ConnectWithAmazon enabled={oauthEnabled} />
          </Section>

          <section id="connect-manually" aria-labelledby="manual-heading" className="space-y-3">
            <h2 id="manual-heading" className="text-base font-semibold">Enter credentials manually</h2>
            <p className="text-sm text-slate-600">
              For a Login with Amazon app of your own: its client id and secret, and a refresh token it issued.
            </p>
            <ManualConnectForm />
          </section>
        </>
      )}
    </div>
  );
}
