"use client";

import { useId, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ErrorBody } from "@/lib/errors";
import { buttonClass, ControlError, FieldError, FormBanner, inputClass, labelClass } from "@/app/_components/form";
import { useRefreshAction } from "@/app/_components/use-refresh-action";
import { createMappingAction, deleteMappingAction, updateMappingAction } from "./actions";

export interface MappingView {
  id: string;
  brand: string;
  asins: string[];
  campaignIds: string[];
}

/** A few ids and how many more: a mapping can hold a thousand. */
function IdList({ ids, noun }: { ids: string[]; noun: string }) {
  if (ids.length === 0) return <span className="text-slate-400">No {noun}s</span>;
  const shown = ids.slice(0, 6);
  return (
    <span className="font-mono text-xs">
      {shown.join(", ")}
      {ids.length > shown.length && <span className="font-sans text-slate-500"> and {ids.length - shown.length} more</span>}
    </span>
  );
}

/** Add or edit one mapping: brand, ASINs and campaigns as pasted lists. */
function MappingForm({
  instanceId,
  mapping,
  onDone,
}: {
  instanceId: string;
  mapping: MappingView | null;
  onDone: () => void;
}) {
  const id = useId();
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<ErrorBody | null>(null);
  const [brand, setBrand] = useState(mapping?.brand ?? "");
  const [asins, setAsins] = useState(mapping?.asins.join("\n") ?? "");
  const [campaigns, setCampaigns] = useState(mapping?.campaignIds.join("\n") ?? "");
  const fieldErrors = error?.fieldErrors ?? {};

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    start(async () => {
      const fields = { instanceId, brand, asins, campaignIds: campaigns };
      const r = mapping ? await updateMappingAction({ ...fields, mappingId: mapping.id }) : await createMappingAction(fields);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setError(null);
      if (!mapping) {
        setBrand("");
        setAsins("");
        setCampaigns("");
      }
      onDone();
      router.refresh();
    });
  };

  const field = (name: "brand" | "asins" | "campaignIds") => ({
    id: `${id}-${name}`,
    "aria-invalid": Boolean(fieldErrors[name]),
    "aria-describedby": fieldErrors[name] ? `${id}-${name}-error` : undefined,
  });

  // A pasted list of ids; its error is the list's own, else the first failing entry's (asins.3, …).
  const idListField = (name: "asins" | "campaignIds", label: string, value: string, onChange: (value: string) => void, placeholder: string) => (
    <div>
      <label htmlFor={`${id}-${name}`} className={labelClass}>
        {label}
      </label>
      <textarea
        {...field(name)}
        rows={4}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        className={`${inputClass} font-mono`}
      />
      <FieldError id={`${id}-${name}-error`} messages={fieldErrors[name] ?? Object.entries(fieldErrors).find(([k]) => k.startsWith(`${name}.`))?.[1]} />
    </div>
  );

  return (
    <form onSubmit={submit} noValidate data-testid={mapping ? "edit-mapping-form" : "add-mapping-form"} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      {error && !error.fieldErrors && <FormBanner kind="error">{error.message}</FormBanner>}
      <div>
        <label htmlFor={`${id}-brand`} className={labelClass}>
          Brand
        </label>
        <input {...field("brand")} type="text" maxLength={100} value={brand} onChange={(e) => setBrand(e.target.value)} className={inputClass} />
        <FieldError id={`${id}-brand-error`} messages={fieldErrors.brand} />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        {idListField("asins", "ASINs", asins, setAsins, "B0XXXXXXXX, one per line or comma separated")}
        {idListField("campaignIds", "Campaigns", campaigns, setCampaigns, "campaign_id_string values, one per line or comma separated")}
      </div>
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className={buttonClass("primary", "sm")}>
          {pending ? "Saving…" : mapping ? "Save mapping" : "Add mapping"}
        </button>
        {mapping && (
          <button type="button" disabled={pending} onClick={onDone} className={buttonClass("secondary", "sm")}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function DeleteMapping({ instanceId, mapping }: { instanceId: string; mapping: MappingView }) {
  const { pending, error, run } = useRefreshAction();
  return (
    <>
      <button
        type="button"
        disabled={pending}
        aria-label={`Delete the mapping of ${mapping.brand}`}
        onClick={() => {
          if (window.confirm(`Delete the mapping of “${mapping.brand}”? Reports already made keep their values.`)) {
            run(() => deleteMappingAction({ instanceId, mappingId: mapping.id }));
          }
        }}
        className={buttonClass("secondary", "sm")}
      >
        {pending ? "Deleting…" : "Delete"}
      </button>
      <ControlError message={error ?? undefined} />
    </>
  );
}

/** The instance's brands with their ASINs and campaigns: what the new-report wizard pre-fills. */
export function BrandMappings({ instanceId, mappings }: { instanceId: string; mappings: MappingView[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="space-y-4">
      {mappings.length === 0 ? (
        <p data-testid="no-mappings" className="text-sm text-slate-600">
          No brand is mapped yet. Map a brand to its ASINs and campaigns, and new reports on this instance start with them filled in.
        </p>
      ) : (
        <ul className="space-y-2" data-testid="brand-mappings">
          {mappings.map((m) =>
            editing === m.id ? (
              <li key={m.id}>
                <MappingForm instanceId={instanceId} mapping={m} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <li key={m.id} data-testid="brand-mapping" data-brand={m.brand} className="rounded-lg border border-slate-200 bg-white p-3">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0 space-y-1 text-sm">
                    <p className="font-semibold">{m.brand}</p>
                    <p>
                      <span className="text-slate-600">{m.asins.length.toLocaleString("en-US")} ASIN{m.asins.length === 1 ? "" : "s"}: </span>
                      <IdList ids={m.asins} noun="ASIN" />
                    </p>
                    <p>
                      <span className="text-slate-600">
                        {m.campaignIds.length.toLocaleString("en-US")} campaign{m.campaignIds.length === 1 ? "" : "s"}:{" "}
                      </span>
                      <IdList ids={m.campaignIds} noun="campaign" />
                    </p>
                  </div>
                  <div className="flex items-start gap-2">
                    <button type="button" onClick={() => setEditing(m.id)} aria-label={`Edit the mapping of ${m.brand}`} className={buttonClass("secondary", "sm")}>
                      Edit
                    </button>
                    <DeleteMapping instanceId={instanceId} mapping={m} />
                  </div>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      <div>
        <h3 className="mb-2 text-sm font-semibold">Add a brand</h3>
        <MappingForm instanceId={instanceId} mapping={null} onDone={() => undefined} />
      </div>
    </div>
  );
}
