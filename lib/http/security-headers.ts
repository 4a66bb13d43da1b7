/**
 * The security headers of every response. Pages get a Content-Security-Policy with a fresh nonce
 * per request (proxy.ts makes it; Next puts it on its own inline scripts, which is why every page
 * renders dynamically); everything else gets a policy that allows nothing at all, since JSON,
 * CSV and XLSX never need to run or load anything.
 *
 * 'strict-dynamic' lets the nonce-carrying bootstrap load Next's chunks without listing them;
 * development adds 'unsafe-eval' (React's dev tools rebuild call stacks with eval) and inline
 * styles (the dev server injects CSS as <style> tags). No third-party origin is allowed anywhere:
 * the app loads no fonts, scripts or images from outside (the network may not even reach them).
 */
export function pageCsp(nonce: string, opts: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    opts.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.dev ? [] : ["upgrade-insecure-requests"]),
  ].join("; ");
}

/** For responses that are data, not documents (route handlers, files). */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers every response carries besides its CSP (next.config.ts applies them to all paths). */
export function staticSecurityHeaders(opts: { production: boolean }): { key: string; value: string }[] {
  return [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    // frame-ancestors 'none' is the modern form; X-Frame-Options covers older browsers.
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    // HSTS only in production: on http://localhost it would be ignored, and a dev box on a real
    // name should not be pinned to https by accident.
    ...(opts.production ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
  ];
}
