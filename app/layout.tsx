import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "AMC Report Builder", template: "%s · AMC Report Builder" },
  description: "Run, schedule and backfill Amazon Marketing Cloud reports.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
