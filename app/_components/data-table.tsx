import type { ReactNode } from "react";

/** A column head: its text, or a label with its own classes (right-aligned numbers, sr-only). */
export type Column = string | { label: ReactNode; className?: string };

/**
 * The app's one list table: bordered, scrolling sideways on narrow screens, upper-case column
 * heads. Columns given as `false` (shown only to some callers) are left out; rows are children.
 */
export function DataTable({ testId, columns, children }: { testId: string; columns: (Column | false)[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table data-testid={testId} className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((c, i) =>
              c === false ? null : (
                <th key={i} scope="col" className={typeof c === "string" || !c.className ? "px-3 py-2" : `px-3 py-2 ${c.className}`}>
                  {typeof c === "string" ? c : c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
