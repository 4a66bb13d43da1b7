import { NextResponse } from "next/server";
import { AccountConnectError } from "@/lib/amc/accounts/messages";
import { appBaseUrl } from "@/lib/amc/accounts/oauth";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/http/log";

// The OAuth routes are navigated to by the browser, not fetched: they end on a page, not JSON.

/** Without a session: sign in, then come back to /instances. */
export const signInFirst = (req: Request) =>
  NextResponse.redirect(`${appBaseUrl(req.url)}/signin?next=${encodeURIComponent("/instances")}`, 303);

/**
 * A failed connect ends on /instances with a short reason the page explains. An AppError that is
 * not a connect failure (a member's 403) stays the wrapper's JSON answer; anything unexpected is
 * logged once and shown as "internal".
 */
export function backToInstances(e: unknown, base: string, requestId: string, msg: string): Response {
  if (e instanceof AccountConnectError) return NextResponse.redirect(`${base}/instances?error=${e.reason}`, 303);
  if (e instanceof AppError) throw e;
  logError(msg, e, { requestId });
  return NextResponse.redirect(`${base}/instances?error=internal`, 303);
}
