"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";
import type { ErrorBody } from "@/lib/errors";

/**
 * A button's server action, run in a transition: when it worked the page is read again
 * (router.refresh) and the last error cleared; when it did not, its message is kept for the
 * button to show (errorText words it differently where a form has many fields).
 */
export function useRefreshAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = <T>(call: () => Promise<ActionResult<T>>, { onOk, errorText = (e) => e.message }: { onOk?: (data: T) => void; errorText?: (e: ErrorBody) => string } = {}) =>
    start(async () => {
      const r = await call();
      if (r.ok) {
        setError(null);
        onOk?.(r.data);
        router.refresh();
      } else setError(errorText(r.error));
    });
  return { pending, error, run };
}
