"use client";

import { useState } from "react";
import { buttonClass } from "@/app/_components/form";

/**
 * Copies the run's executed SQL. The text comes as a prop (already on the page), so nothing is
 * fetched; the clipboard needs a secure context and may be refused, which the button then says.
 */
export function CopySqlButton({ sql }: { sql: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(sql);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={() => void copy()} className={buttonClass("secondary", "sm")} data-testid="copy-sql">
        Copy SQL
      </button>
      <span role="status" className="text-xs text-slate-600">
        {state === "copied" ? "Copied" : state === "failed" ? "Copying was refused by the browser: select the SQL below instead." : ""}
      </span>
    </span>
  );
}
