"use client";

import { useActionState } from "react";
import { connectManuallyFormAction, type ManualConnectFormState } from "./actions";
import { FieldError, FormBanner, inputClass, SubmitButton } from "@/app/_components/form";

const INITIAL: ManualConnectFormState = {
  values: { accountName: "", region: "NA", accountId: "", marketplaceId: "", clientId: "" },
};

type Field = "accountName" | "region" | "accountId" | "marketplaceId" | "clientId" | "clientSecret" | "refreshToken";

export function ManualConnectForm() {
  const [state, formAction, pending] = useActionState(connectManuallyFormAction, INITIAL);
  const fieldErrors = state.error?.fieldErrors ?? {};
  // React resets the form after each submit: inputs return to these values, secrets to empty.
  const { values } = state;

  const field = (name: Field) => ({
    id: `manual-${name}`,
    name,
    "aria-invalid": Boolean(fieldErrors[name]),
    "aria-describedby": fieldErrors[name] ? `manual-${name}-error` : undefined,
  });
  const label = (name: Field, text: string) => (
    <label htmlFor={`manual-${name}`} className="block text-sm font-medium">
      {text}
    </label>
  );
  const error = (name: Field) => <FieldError id={`manual-${name}-error`} messages={fieldErrors[name]} />;

  return (
    <form action={formAction} className="max-w-xl space-y-4" noValidate data-testid="manual-connect-form">
      {state.saved && (
        <FormBanner kind="success">
          Saved the Amazon Ads account “{state.saved}”. Use “Test connection” to check it, then “Find instances”.
        </FormBanner>
      )}
      {state.error && <FormBanner kind="error">{state.error.message}</FormBanner>}
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          {label("accountName", "Account name")}
          <input {...field("accountName")} type="text" autoComplete="off" maxLength={200} defaultValue={values.accountName} className={inputClass} />
          {error("accountName")}
        </div>
        <div>
          {label("region", "Region")}
          <select {...field("region")} defaultValue={values.region} className={inputClass}>
            <option value="NA">NA: North America</option>
            <option value="EU">EU: Europe</option>
            <option value="FE">FE: Far East</option>
          </select>
          {error("region")}
        </div>
        <div>
          {label("accountId", "Account id")}
          <input {...field("accountId")} type="text" autoComplete="off" maxLength={100} placeholder="ENTITY…" defaultValue={values.accountId} className={inputClass} />
          {error("accountId")}
          {!fieldErrors.accountId && <p className="mt-1 text-xs text-slate-500">The AMC account&apos;s entity id, sent to Amazon as the advertiser id.</p>}
        </div>
        <div>
          {label("marketplaceId", "Marketplace id")}
          <input {...field("marketplaceId")} type="text" autoComplete="off" maxLength={32} placeholder="ATVPDKIKX0DER" defaultValue={values.marketplaceId} className={inputClass} />
          {error("marketplaceId")}
          {!fieldErrors.marketplaceId && <p className="mt-1 text-xs text-slate-500">Optional.</p>}
        </div>
        <div className="sm:col-span-2">
          {label("clientId", "Client id")}
          <input {...field("clientId")} type="text" autoComplete="off" maxLength={300} placeholder="amzn1.application-oa2-client.…" defaultValue={values.clientId} className={inputClass} />
          {error("clientId")}
        </div>
        <div>
          {label("clientSecret", "Client secret")}
          {/* Never pre-filled: a secret does not travel back to the browser, even after a failed submit. */}
          <input {...field("clientSecret")} type="password" autoComplete="new-password" maxLength={1000} className={inputClass} />
          {error("clientSecret")}
        </div>
        <div>
          {label("refreshToken", "Refresh token")}
          <input {...field("refreshToken")} type="password" autoComplete="new-password" maxLength={4096} placeholder="Atzr|…" className={inputClass} />
          {error("refreshToken")}
        </div>
      </div>
      <p className="text-xs text-slate-500">
        The client secret and refresh token are stored encrypted and are never shown again. Saving an account id that
        already exists replaces its credentials (that is how to reconnect it by hand).
      </p>
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Save account
      </SubmitButton>
    </form>
  );
}
