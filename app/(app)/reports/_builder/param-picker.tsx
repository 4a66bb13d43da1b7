"use client";

import { useId, useMemo, useState } from "react";
import type { ParamDef } from "@/lib/params/definitions";
import type { KnownKind } from "@/lib/instances/known-kinds";
import type { Suggestion, Suggestions } from "@/lib/instances/suggestions";
import { buttonClass, inputClass } from "@/app/_components/form";
import { useDebouncedCall } from "@/app/_components/use-debounced-call";
import { suggestionsAction } from "@/app/(app)/instances/known-values-actions";
import { listItems } from "./param-values";

const NOUN: Record<KnownKind, string> = { asin: "ASINs", campaign: "campaigns" };
const SOURCE: Record<Suggestion["source"], string> = { mapping: "brand mapping", sandbox: "sandbox", results: "past results" };

type Answer = { ok: true; data: Suggestions } | { ok: false; message: string };

/**
 * A searchable list of the instance's known campaigns or ASINs (its brand mappings, past results
 * and, on the sandbox, its entities) beside a pasted-list field: ticking one adds it to the list,
 * unticking removes it. The text stays the value, so pasting still works alongside.
 */
export function ListPicker({
  def,
  kind,
  instanceId,
  pasted,
  onChange,
}: {
  def: ParamDef;
  kind: KnownKind;
  instanceId: string;
  pasted: string;
  onChange: (text: string) => void;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [searching, setSearching] = useState(false);

  const request = useMemo(() => (open && instanceId ? { instanceId, kind, search: search.trim() } : null), [open, instanceId, kind, search]);
  useDebouncedCall(
    request,
    async (input) => {
      const r = await suggestionsAction(input);
      return r.ok ? ({ ok: true, data: r.data } as const) : ({ ok: false, message: r.error.message } as const);
    },
    (a) => {
      setAnswer(a);
      setSearching(false);
    },
    { delayMs: 250, onStart: () => setSearching(true) },
  );

  const chosen = new Set(listItems(def, pasted));
  const toggle = (value: string) => {
    const items = listItems(def, pasted);
    const next = chosen.has(value) ? items.filter((v) => v !== value) : [...items, value];
    onChange(next.join("\n"));
  };

  if (!open) {
    return (
      <button type="button" aria-expanded={false} aria-controls={`${id}-panel`} onClick={() => setOpen(true)} className={`mt-1 ${buttonClass("secondary", "sm")}`}>
        Pick {NOUN[kind]}
      </button>
    );
  }
  return (
    <div id={`${id}-panel`} data-testid={`picker-${def.name}`} className="mt-2 space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3">
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <label htmlFor={`${id}-search`} className="block text-xs font-medium text-slate-700">
            Search {NOUN[kind]} of this instance
          </label>
          <input
            id={`${id}-search`}
            type="search"
            value={search}
            maxLength={100}
            autoComplete="off"
            placeholder={kind === "asin" ? "ASIN or product name" : "Campaign id or name"}
            onChange={(e) => setSearch(e.target.value)}
            className={inputClass}
          />
        </div>
        <button type="button" aria-expanded onClick={() => setOpen(false)} className={buttonClass("secondary", "sm")}>
          Done
        </button>
      </div>
      <p role="status" className="text-xs text-slate-500">
        {searching || !answer
          ? "Searching…"
          : answer.ok
            ? answer.data.items.length === 0
              ? `No known ${NOUN[kind]} match. Paste them in the field above.`
              : `${answer.data.items.length}${answer.data.truncated ? "+" : ""} found${answer.data.truncated ? "; narrow the search to see the rest" : ""}. Ticked ones are in the list.`
            : ""}
      </p>
      {answer && !answer.ok && (
        <p role="alert" className="text-sm text-red-700">
          {answer.message}
        </p>
      )}
      {answer?.ok && answer.data.items.length > 0 && (
        <ul aria-label={`Known ${NOUN[kind]}`} className="max-h-64 space-y-0.5 overflow-y-auto">
          {answer.data.items.map((s) => {
            const optionId = `${id}-${s.value}`;
            return (
              <li key={s.value} className="flex items-center gap-2 text-sm">
                <input id={optionId} type="checkbox" checked={chosen.has(s.value)} onChange={() => toggle(s.value)} className="h-4 w-4 rounded border-slate-300" />
                <label htmlFor={optionId} className="min-w-0 flex-1 truncate">
                  <span className="font-mono text-xs">{s.value}</span>
                  {s.label && <span className="ml-2 text-slate-700">{s.label}</span>}
                  <span className="ml-2 text-xs text-slate-400">{SOURCE[s.source]}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
