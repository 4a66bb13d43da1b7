"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { removeWidgetAction, saveWidgetAction, setFavoriteAction } from "./actions";

export function FavoriteStar({ dashboardId, favorite, name }: { dashboardId: string; favorite: boolean; name: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-1">
      <button
        type="button"
        data-testid="favorite-star"
        aria-pressed={favorite}
        aria-label={favorite ? `Remove ${name} from favorites` : `Add ${name} to favorites`}
        title={favorite ? "Remove from favorites" : "Add to favorites"}
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await setFavoriteAction({ dashboardId, favorite: !favorite });
            if (r.ok) {
              setError(null);
              router.refresh();
            } else setError(r.error.message);
          })
        }
        className={`text-xl leading-none ${favorite ? "text-amber-500" : "text-slate-300 hover:text-amber-400"} disabled:opacity-50`}
      >
        {favorite ? "★" : "☆"}
      </button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </span>
  );
}

const TYPES = ["line", "bar", "area", "pie", "table", "metric_card", "funnel"] as const;
const WINDOW = "@window";

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
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const w: EditableWidget = widget ?? { widgetType: "line", title: "" };
  return (
    <div className="text-sm">
      <button type="button" onClick={() => setOpen(!open)} className="text-indigo-700 hover:underline" aria-expanded={open}>
        {label}
      </button>
      {open && (
        <form
          data-testid="widget-editor"
          className="mt-2 grid gap-2 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2"
          action={(fd) =>
            start(async () => {
              const r = await saveWidgetAction(fd);
              if (r.ok) {
                setError(null);
                setOpen(false);
                router.refresh();
              } else setError(r.error.fieldErrors ? Object.entries(r.error.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ") : r.error.message);
            })
          }
        >
          <input type="hidden" name="dashboardId" value={dashboardId} />
          {w.id && <input type="hidden" name="widgetId" value={w.id} />}
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Title</span>
            <input name="title" defaultValue={w.title} required className="rounded border border-slate-300 px-2 py-1" />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Chart type</span>
            <select name="widgetType" defaultValue={w.widgetType} className="rounded border border-slate-300 px-2 py-1">
              {TYPES.map((t) => <option key={t} value={t}>{t.replace("_", " ")}</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">X / label column</span>
            <select name="x" defaultValue={w.x ?? ""} className="rounded border border-slate-300 px-2 py-1">
              <option value="">(none)</option>
              <option value={WINDOW}>(time window)</option>
              {columns.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Series column</span>
            <select name="series" defaultValue={w.series ?? ""} className="rounded border border-slate-300 px-2 py-1">
              <option value="">(none)</option>
              {columns.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
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
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Aggregate</span>
            <select name="aggregate" defaultValue={w.aggregate ?? ""} className="rounded border border-slate-300 px-2 py-1">
              <option value="">sum</option>
              <option value="avg">average</option>
              <option value="max">max</option>
              <option value="ratio">ratio of first two (metric card)</option>
            </select>
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">Format</span>
            <select name="format" defaultValue={w.format ?? ""} className="rounded border border-slate-300 px-2 py-1">
              <option value="">number</option>
              <option value="currency">currency</option>
              <option value="percent">percent</option>
            </select>
          </label>
          <div className="flex items-center gap-3 sm:col-span-2">
            <button type="submit" disabled={pending} className="rounded-md bg-indigo-600 px-3 py-1 font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
              {pending ? "Saving…" : "Save widget"}
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
      Remove
    </button>
  );
}
