import type { Metadata } from "next";
import { connection } from "next/server";
import { ZodCsp } from "./_components/zod-csp";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "AMC Report Builder", template: "%s · AMC Report Builder" },
  description: "Run, schedule and backfill Amazon Marketing Cloud reports.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry that request's CSP nonce (proxy.ts), which
  // a page prerendered at build time could not.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <ZodCsp />
        {children}
      </body>
    </html>
  );
}
