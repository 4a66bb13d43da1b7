import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { AccountConnectError, loggableText } from "@/lib/amc/accounts/messages";
import { appBaseUrl, completeAccountConnect, oauthRedirectUri } from "@/lib/amc/accounts/oauth";
import { currentUser } from "@/lib/auth/session";

// GET /api/amc/oauth/callback?code=…&state=… (or ?error=…&error_description=…&state=…): Amazon
// sends the admin back here. Always ends on /instances, with ?connected=N or ?error=<short code>;
// Amazon's own error text is logged, never put in the page (it is attacker-controllable input).
export async function GET(request: NextRequest) {
  const requestId = randomUUID();
  const base = appBaseUrl(request.url);
  const user = await currentUser();
  // The state is left in place: it expires by itself, and signing in again does not need it.
  if (!user) return NextResponse.redirect(`${base}/signin?next=${encodeURIComponent("/instances")}`, 303);

  const params = request.nextUrl.searchParams;
  const amazonError = params.get("error") ?? undefined;
  if (amazonError) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "amazon returned an oauth error",
        requestId,
        error: loggableText(amazonError),
        description: loggableText(params.get("error_description")),
      }),
    );
  }

  try {
    const { connected } = await completeAccountConnect(
      getDb(),
      { state: params.get("state") ?? undefined, code: params.get("code") ?? undefined, userId: user.id, amazonError },
      { now: new Date(), redirectUri: oauthRedirectUri(request.url) },
    );
    return NextResponse.redirect(`${base}/instances?connected=${connected}`, 303);
  } catch (e) {
    if (e instanceof AccountConnectError) return NextResponse.redirect(`${base}/instances?error=${e.reason}`, 303);
    console.error(JSON.stringify({ level: "error", msg: "amc oauth callback failed", requestId, error: loggableText(String(e)) }));
    return NextResponse.redirect(`${base}/instances?error=internal`, 303);
  }
}
