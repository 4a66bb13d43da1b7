import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { AccountConnectError, loggableText } from "@/lib/amc/accounts/messages";
import { appBaseUrl, oauthRedirectUri, startAccountConnect } from "@/lib/amc/accounts/oauth";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";

// GET /api/amc/oauth/start?region=NA|EU|FE — "Connect with Amazon": remember a state, go to Amazon.
export async function GET(request: NextRequest) {
  const requestId = randomUUID();
  const base = appBaseUrl(request.url);
  const user = await currentUser();
  if (!user) return NextResponse.redirect(`${base}/signin?next=${encodeURIComponent("/instances")}`, 303);
  if (user.role !== "admin") {
    return NextResponse.json(
      { error: { code: "FORBIDDEN", message: "Only admins can connect Amazon Ads accounts." }, requestId },
      { status: 403 },
    );
  }

  try {
    const { url } = await startAccountConnect(
      getDb(),
      user,
      { region: request.nextUrl.searchParams.get("region") ?? undefined },
      { now: new Date(), redirectUri: oauthRedirectUri(request.url) },
    );
    return NextResponse.redirect(url, 303);
  } catch (e) {
    // Not set up for it: back to the page, which explains what to configure.
    if (e instanceof AccountConnectError) return NextResponse.redirect(`${base}/instances?error=${e.reason}`, 303);
    if (e instanceof AppError) return NextResponse.json({ error: e.toBody(), requestId }, { status: e.status });
    console.error(JSON.stringify({ level: "error", msg: "amc oauth start failed", requestId, error: loggableText(String(e)) }));
    return NextResponse.redirect(`${base}/instances?error=internal`, 303);
  }
}
