import { NextResponse, type NextRequest } from "next/server";
import { DATA_CSP, pageCsp } from "./lib/http/security-headers";

// Runs before every request (Next's proxy, formerly middleware): a fresh CSP nonce for pages.
// Next reads the nonce from the request's Content-Security-Policy header and puts it on the
// scripts it renders; the browser gets the same policy on the response. The other security
// headers come from next.config.ts, for static files too.
export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const res = NextResponse.next();
    res.headers.set("Content-Security-Policy", DATA_CSP);
    return res;
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = pageCsp(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

export const config = {
  // Not for built assets: they are files, not documents, and are cached across requests.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
