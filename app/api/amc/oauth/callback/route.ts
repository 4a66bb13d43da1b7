import { NextResponse } from "next/server";
import { z } from "zod";
import { loggableText } from "@/lib/amc/accounts/messages";
import { appBaseUrl, completeAccountConnect, oauthRedirectUri } from "@/lib/amc/accounts/oauth";
import { route } from "@/lib/http/route";
import { backToInstances, signInFirst } from "../navigation";

const text = z.string().max(4096).optional();

// GET /api/amc/oauth/callback?code=…&state=… (or ?error=…&error_description=…&state=…): Amazon
// sends the admin back here. Always ends on /instances, with ?connected=N or ?error=<short code>;
// Amazon's own error text is logged, never put in the page (it is attacker-controllable input).
// Without a session: sign in first (the state is left in place; it expires by itself).
export const GET = route(
  { onUnauthenticated: signInFirst, query: z.object({ code: text, state: text, error: text, error_description: text }) },
  async ({ db, user, query, req, now, requestId }) => {
    if (query.error) {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "amazon returned an oauth error",
          requestId,
          error: loggableText(query.error),
          description: loggableText(query.error_description),
        }),
      );
    }
    const base = appBaseUrl(req.url);
    try {
      const { connected } = await completeAccountConnect(
        db,
        { state: query.state, code: query.code, userId: user.id, amazonError: query.error },
        { now, redirectUri: oauthRedirectUri(req.url) },
      );
      return NextResponse.redirect(`${base}/instances?connected=${connected}`, 303);
    } catch (e) {
      return backToInstances(e, base, requestId, "amc oauth callback failed");
    }
  },
);
