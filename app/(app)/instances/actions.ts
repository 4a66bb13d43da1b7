"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, fromForm } from "@/lib/actions/action";
import { connectAccountManually, manualConnectSchema } from "@/lib/amc/accounts/credentials";
import { disconnectAccount } from "@/lib/amc/accounts/disconnect";
import { discoverInstances, importInstances, testConnection, type DiscoveredInstanceView } from "@/lib/amc/accounts/discovery";
import type { ErrorBody } from "@/lib/errors";

// Every action re-checks admin rights inside lib/amc/accounts (by the session user, never a form
// field), and revalidates: even a failed check changes the account's status on the page.

const accountRef = z.strictObject({ accountId: z.uuid("Choose an account.") });

const importForm = z.strictObject({
  accountId: z.uuid("Choose an account."),
  // One checkbox arrives as a string, several as an array, none as nothing.
  instanceId: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
});

export const connectManuallyAction = action(fromForm(manualConnectSchema), async (input, { db, user }) => {
  const account = await connectAccountManually(db, user, input);
  revalidatePath("/instances");
  return { accountName: account.accountName };
});

export const testConnectionAction = action(fromForm(accountRef), async ({ accountId }, { db, user }) => {
  const result = await testConnection(db, user, accountId);
  revalidatePath("/instances");
  return result;
});

export const disconnectAccountAction = action(accountRef, async ({ accountId }, { db, user }) => {
  const result = await disconnectAccount(db, user, accountId, new Date());
  revalidatePath("/instances", "layout");
  return result;
});

export const discoverInstancesAction = action(fromForm(accountRef), async ({ accountId }, { db, user }) => {
  try {
    return await discoverInstances(db, user, accountId);
  } finally {
    revalidatePath("/instances");
  }
});

export const importInstancesAction = action(fromForm(importForm), async ({ accountId, instanceId }, { db, user }) => {
  const result = await importInstances(db, user, accountId, instanceId);
  revalidatePath("/instances");
  return result;
});

// useActionState adapters (server actions themselves, so the forms work before hydration).

const text = (form: FormData, key: string) => {
  const v = form.get(key);
  return typeof v === "string" ? v : "";
};

/** The first specific message, else the general one: small panels have room for one line. */
const oneLine = (error: ErrorBody) => Object.values(error.fieldErrors ?? {}).flat()[0] ?? error.message;

export interface ManualConnectFormState {
  saved?: string;
  error?: ErrorBody;
  /** What was typed, so a failed submit keeps it. The client secret and refresh token are never echoed. */
  values: { accountName: string; region: string; accountId: string; marketplaceId: string; clientId: string };
}

export async function connectManuallyFormAction(
  _prev: ManualConnectFormState,
  form: FormData,
): Promise<ManualConnectFormState> {
  const result = await connectManuallyAction(form);
  if (result.ok) {
    return { saved: result.data.accountName, values: { accountName: "", region: "NA", accountId: "", marketplaceId: "", clientId: "" } };
  }
  return {
    error: result.error,
    values: {
      accountName: text(form, "accountName"),
      region: text(form, "region") || "NA",
      accountId: text(form, "accountId"),
      marketplaceId: text(form, "marketplaceId"),
      clientId: text(form, "clientId"),
    },
  };
}

export interface TestConnectionState {
  result?: { ok: boolean; message: string };
}

export async function testConnectionFormAction(_prev: TestConnectionState, form: FormData): Promise<TestConnectionState> {
  const result = await testConnectionAction(form);
  if (!result.ok) return { result: { ok: false, message: oneLine(result.error) } };
  return { result: { ok: result.data.ok, message: result.data.message } };
}

export interface DiscoverState {
  instances?: DiscoveredInstanceView[];
  error?: string;
}

export async function discoverInstancesFormAction(_prev: DiscoverState, form: FormData): Promise<DiscoverState> {
  const result = await discoverInstancesAction(form);
  return result.ok ? { instances: result.data } : { error: oneLine(result.error) };
}

export interface ImportState {
  /** AMC instance ids imported since the panel was shown (a later failure keeps them). */
  importedIds?: string[];
  /** How many the last successful submit imported. */
  lastCount?: number;
  error?: string;
}

export async function importInstancesFormAction(prev: ImportState, form: FormData): Promise<ImportState> {
  const result = await importInstancesAction(form);
  if (!result.ok) return { importedIds: prev.importedIds, error: oneLine(result.error) };
  return {
    importedIds: [...new Set([...(prev.importedIds ?? []), ...result.data.instanceIds])],
    lastCount: result.data.count,
  };
}
