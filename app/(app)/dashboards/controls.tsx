"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Options } from "@/app/_components/form";
import { useRefreshAction } from "@/app/_components/use-refresh-action";
import { removeWidgetAction, saveWidgetAction, setFavoriteAction } from "./actions";

export function FavoriteStar({ dashboardId, favorite, name }: { dashboardId: string; favorite: boolean; name: string }) {
  const { pending, error, run } = useRefreshAction();
  return (
    <span className="inline-flex items-center gap-1">
      <button
        type="button"
        data-testid="favorite-star"
        aria-pressed={favorite}
        aria-label={favorite ? `Remove ${name} from favorites` : `Add ${name} to favorites`}
        title={favorite ? "Remove from favorites" : "Add to favorites"}
        disabled={pending}
        aria-busy={pending}
        onClick={() => run(() => setFavoriteAction({ dashboardId, favorite: !favorite }))}
        className={`text-xl leading-none ${favorite ? "text-amber-500" : "text-slate-300 hover:text-amber-400"} disabled:animate-pulse disabled:opacity-50`}
      >
        {favorite ? "★" : "☆"}
      </button>
      {pending && <span role="status" className="text-xs font-normal text-slate-500">{favorite ? "Removing…" : "Saving…"}</span>}
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </span>
  );
}

const TYPES = ["line", "bar", "area", "pie", "table", "metric_card", "funnel"] as const;
const WINDOW = "@window";

const AGGREGATES = [
  { value: "", label: "sum" },
  { value: "avg", label: "average" },
  { value: "max", label: "max" },
  { value: "ratio", label: "ratio of first two (metric card)" },
];
const FORMATS = [
  { value: "", label: "number" },
  { value: "currency", label: "currency" },
  { value: "percent", label: "percent" },
];

/** One labelled select of the widget form (its options: fixed choices or result columns). */
function WidgetSelect({ label, name, defaultValue, options }: { label: string; name: string; defaultValue: string; options: { value: string; label: string }[] }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs text-slate-600">{label}</span>
      <select name={name} defaultValue={defaultValue} className="rounded border border-slate-300 px-2 py-1">
        <Options options={options} />
      </select>
    </label>
  );
}

export interface EditableWidget {
  id?: string;
  widgetType: string;
  title: string;
  x?: string;
  y?: string[];
  series?: string;
  aggregate?: string;
  format?: string;
}

/** Add or edit a widget: type, title, and the result columns it is bound to. */
export function WidgetEditor({ dashboardId, columns, widget, label }: { dashboardId: string; columns: string[]; widget?: EditableWidget; label: string }) {
  const [open, setOpen] = useState(false);
  const { pending, error, run } = useRefreshAction();
  const w: EditableWidget = widget ?? { widgetType: "line", title: "" };
  const columnOptions = columns.map((c) => ({ value: c, label: c }));
  return (
    <div className="text-sm">
      <button type="button" onClick={() => setOpen(!open)} disabled={pending} className="text-indigo-700 hover:underline disabled:opacity-60" aria-expanded={open}>
        {label}
      </button>
      {!open && pending && <span role="status" className="ml-2 text-xs text-slate-500">Saving…</span>}
      {open && (
        <form
          aria-busy={pending}
          data-testid="widget-editor"
          className="mt-2 grid gap-2 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2"
          action={(fd) =>
            run(() => saveWidgetAction(fd), {
              onOk: () => setOpen(false),
              errorText: (e) => (e.fieldErrors ? Object.entries(e.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ") : e.message),
            })
          }
        >
          <input type="hidden" name="dashboardId" value={dashboardId} />
          {w.id && <input type="hidden" name="widgetId" value={w.id} />}
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Title</span>
            <input name="title" defaultValue={w.title} required className="rounded border border-slate-300 px-2 py-1" />
          </label>
          <WidgetSelect label="Chart type" name="widgetType" defaultValue={w.widgetType} options={TYPES.map((t) => ({ value: t, label: t.replace("_", " ") }))} />
          <WidgetSelect
            label="X / label column"
            name="x"
            defaultValue={w.x ?? ""}
            options={[{ value: "", label: "(none)" }, { value: WINDOW, label: "(time window)" }, ...columnOptions]}
          />
          <WidgetSelect label="Series column" name="series" defaultValue={w.series ?? ""} options={[{ value: "", label: "(none)" }, ...columnOptions]} />
          <fieldset className="sm:col-span-2">
            <legend className="text-xs text-slate-600">Value columns (y)</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {columns.map((c) => (
                <label key={c} className="inline-flex items-center gap-1">
                  <input type="checkbox" name="y" value={c} defaultChecked={w.y?.includes(c)} /> {c}
                </label>
              ))}
            </div>
          </fieldset>
          <WidgetSelect label="Aggregate" name="aggregate" defaultValue={w.aggregate ?? ""} options={AGGREGATES} />
          <WidgetSelect label="Format" name="format" defaultValue={w.format ?? ""} options={FORMATS} />
          <div className="flex items-center gap-3 sm:col-span-2">
            <button type="submit" disabled={pending} className="rounded-md bg-indigo-600 px-3 py-1 font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
              {pending ? (w.id ? "Saving…" : "Adding…") : w.id ? "Save widget" : "Add widget"}
            </button>
            {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
          </div>
        </form>
      )}
    </div>
  );
}

export function RemoveWidgetButton({ dashboardId, widgetId, title }: { dashboardId: string; widgetId: string; title: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <button
      type="button"
      disabled={pending}
      aria-busy={pending}
      aria-label={`Remove widget ${title}`}
      onClick={() =>
        start(async () => {
          if (!window.confirm(`Remove the widget "${title}"?`)) return;
          const r = await removeWidgetAction({ dashboardId, widgetId });
          if (r.ok) router.refresh();
          else window.alert(r.error.message);
        })
      }
      className="text-sm text-red-700 hover:underline disabled:opacity-50"
    >
      {pending ? "Removing…" : "Remove"}
    </button>
  );
}

// A download has no completion event a page can see: the link says it is working for a few
// seconds (the file's first bytes come within that) and ignores a second click meanwhile.
const DOWNLOAD_PENDING_MS = 4000;

/** The dashboard's CSV / XLSX download links, each with its pending state. */
export function DownloadLinks({ links }: { links: { href: string; label: string; format: string }[] }) {
  const [pending, setPending] = useState<string | null>(null);
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => setPending(null), DOWNLOAD_PENDING_MS);
    return () => clearTimeout(t);
  }, [pending]);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      {links.map((l) => (
        <a
          key={l.format}
          href={l.href}
          aria-disabled={pending === l.format}
          onClick={(e) => {
            if (pending === l.format) e.preventDefault();
            else setPending(l.format);
          }}
          className={`rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100 ${pending === l.format ? "cursor-progress opacity-60" : ""}`}
        >
          {l.label}
        </a>
      ))}
      {pending && <span role="status" data-testid="download-pending" className="text-xs text-slate-500">Preparing the {pending.toUpperCase()} file…</span>}
    </div>
  );
}
