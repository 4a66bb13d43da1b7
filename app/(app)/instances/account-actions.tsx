"use client";

import { useActionState, useState } from "react";
import { ControlError, SubmitButton } from "@/app/_components/form";
import { useRefreshAction } from "@/app/_components/use-refresh-action";
import {
  disconnectAccountAction,
  discoverInstancesFormAction,
  importInstancesFormAction,
  testConnectionFormAction,
  type DiscoverState,
  type ImportState,
  type TestConnectionState,
} from "./actions";
import { TypeBadge } from "./badges";

const buttonClass =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm text-slate-800 hover:bg-slate-50 disabled:opacity-60";

/** A one-button form that posts the account id to an action. */
function AccountButton({ action, accountId, pending, pendingLabel, children }: { action: (form: FormData) => void; accountId: string; pending: boolean; pendingLabel: string; children: React.ReactNode }) {
  return (
    <form action={action}>
      <input type="hidden" name="accountId" value={accountId} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? pendingLabel : children}
      </button>
    </form>
  );
}

/**
 * Disconnect, asked twice: it erases the stored authorization (reports stay, marked as needing a
 * connection until the account is connected again).
 */
function DisconnectButton({ accountId, accountName }: { accountId: string; accountName: string }) {
  const [confirming, setConfirming] = useState(false);
  const { pending, error, run } = useRefreshAction();
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} className={buttonClass}>
        Disconnect…
      </button>
    );
  }
  return (
    <div role="group" aria-label={`Disconnect ${accountName}`} className="flex flex-wrap items-center gap-2 rounded-md border border-red-200 bg-red-50 px-2 py-1">
      <span className="text-sm text-red-800">Erase its stored authorization? Its instances&apos; reports stay but cannot run until it is connected again.</span>
      <button
        type="button"
        disabled={pending}
        onClick={() => run(() => disconnectAccountAction({ accountId }), { onOk: () => setConfirming(false) })}
        className="rounded-md bg-red-700 px-2.5 py-1 text-sm font-semibold text-white hover:bg-red-600 disabled:opacity-60"
      >
        {pending ? "Disconnecting…" : "Disconnect"}
      </button>
      <button type="button" disabled={pending} onClick={() => setConfirming(false)} className={buttonClass}>
        Cancel
      </button>
      <ControlError message={error ?? undefined} />
    </div>
  );
}

/**
 * Test connection, Find instances and Import selected for one account, results inline; and
 * Disconnect. A disconnected account has nothing to test: reconnecting is the way back.
 */
export function AccountActions({ accountId, accountName, disconnected }: { accountId: string; accountName: string; disconnected: boolean }) {
  const [tested, testAction, testing] = useActionState(testConnectionFormAction, {} satisfies TestConnectionState);
  const [found, findAction, finding] = useActionState(discoverInstancesFormAction, {} satisfies DiscoverState);
  const [imported, importAction, importing] = useActionState(importInstancesFormAction, {} satisfies ImportState);

  // The discovered list is the one from the last search; what was imported since is merged in.
  const importedNow = new Set(imported.importedIds ?? []);
  const instances = found.instances?.map((i) => ({ ...i, imported: i.imported || importedNow.has(i.instanceId) }));

  return (
    <div className="mt-3 space-y-3">
      {!disconnected && (
        <div className="flex flex-wrap items-start gap-2">
          <AccountButton action={testAction} accountId={accountId} pending={testing} pendingLabel="Testing…">
            Test connection
          </AccountButton>
          <AccountButton action={findAction} accountId={accountId} pending={finding} pendingLabel="Asking Amazon…">
            Find instances
          </AccountButton>
          <DisconnectButton accountId={accountId} accountName={accountName} />
        </div>
      )}

      {tested.result && (
        <p
          role={tested.result.ok ? "status" : "alert"}
          data-testid="connection-result"
          className={`text-sm ${tested.result.ok ? "text-green-800" : "text-red-700"}`}
        >
          {tested.result.message}
        </p>
      )}

      {found.error && (
        <p role="alert" data-testid="discover-error" className="text-sm text-red-700">
          {found.error}
        </p>
      )}

      {instances && instances.length === 0 && (
        <p className="text-sm text-slate-600">Amazon lists no AMC instances for this account.</p>
      )}

      {instances && instances.length > 0 && (
        <form action={importAction} data-testid="discovered-instances" className="rounded-md border border-slate-200 p-3">
          <input type="hidden" name="accountId" value={accountId} />
          <fieldset>
            <legend className="text-sm font-medium">AMC instances of {accountName} at Amazon</legend>
            <ul className="mt-2 space-y-1.5">
              {instances.map((i) => {
                const id = `discovered-${accountId}-${i.instanceId}`;
                return (
                  <li key={i.instanceId} className="flex flex-wrap items-center gap-2 text-sm">
                    <input id={id} type="checkbox" name="instanceId" value={i.instanceId} className="h-4 w-4" />
                    <label htmlFor={id}>
                      {i.instanceName} <span className="font-mono text-xs text-slate-500">({i.instanceId})</span>
                    </label>
                    <TypeBadge type={i.instanceType} />
                    {i.imported && (
                      <span data-testid="already-imported" className="text-xs text-slate-500">
                        Imported (importing again refreshes its details)
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          </fieldset>
          {instances.some((i) => i.instanceType === "SANDBOX") && (
            <p className="mt-2 text-xs text-slate-500">
              Sandbox instances run on this app&apos;s built-in sandbox, with synthetic data.
            </p>
          )}
          <div className="mt-3 flex items-center gap-3">
            <SubmitButton pending={importing} pendingLabel="Importing…" size="sm">
              Import selected
            </SubmitButton>
            {imported.lastCount !== undefined && !imported.error && (
              <p role="status" data-testid="import-result" className="text-sm text-green-800">
                Imported {imported.lastCount} instance{imported.lastCount === 1 ? "" : "s"}.
              </p>
            )}
            {imported.error && (
              <p role="alert" data-testid="import-error" className="text-sm text-red-700">
                {imported.error}
              </p>
            )}
          </div>
        </form>
      )}
    </div>
  );
}
