import { NextResponse } from "next/server";
import { z } from "zod";
import { appBaseUrl, oauthRedirectUri, startAccountConnect } from "@/lib/amc/accounts/oauth";
import { route } from "@/lib/http/route";
import { backToInstances, signInFirst } from "../navigation";

// GET /api/amc/oauth/start?region=NA|EU|FE — "Connect with Amazon": remember a state, go to Amazon.
// Admins only (403 JSON for members, checked in startAccountConnect); a missing session goes to
// the sign-in page and comes back to /instances.
export const GET = route(
  { onUnauthenticated: signInFirst, query: z.object({ region: z.string().max(10).optional() }) },
  async ({ db, user, query, req, now, requestId }) => {
    try {
      const { url } = await startAccountConnect(db, user, { region: query.region }, { now, redirectUri: oauthRedirectUri(req.url) });
      return NextResponse.redirect(url, 303);
    } catch (e) {
      return backToInstances(e, appBaseUrl(req.url), requestId, "amc oauth start failed");
    }
  },
);
