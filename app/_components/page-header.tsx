import Link from "next/link";
import type { ReactNode } from "react";

/** The link back to where a page sits (above its title): one look on every detail and form page. */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <p className="text-sm">
      <Link href={href} className="text-indigo-700 hover:underline">
        {children}
      </Link>
    </p>
  );
}

/**
 * A record's page heading: where it sits, its name, its id with facts beside it, then its text;
 * the record's actions (buttons, links) to the right, wrapping below on narrow screens.
 */
export function RecordTitle({
  back,
  title,
  id,
  facts,
  actions,
  children,
}: {
  back: { href: string; label: string };
  title: string;
  id: string;
  facts: ReactNode;
  actions: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div>
        <BackLink href={back.href}>{back.label}</BackLink>
        <h1 className="mt-1 text-xl font-semibold">{title}</h1>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <code className="font-mono text-xs">{id}</code>
          {facts}
        </p>
        {children}
      </div>
      {actions}
    </div>
  );
}

/** A page title with the links to its neighbours beside it (settings pages, preferences). */
export function TitleWithLinks({ title, links }: { title: string; links: { href: string; label: string }[] }) {
  return (
    <div className="flex items-baseline gap-3">
      <h1 className="text-lg font-semibold">{title}</h1>
      {links.map((l) => (
        <Link key={l.href} href={l.href} className="text-sm text-indigo-700 hover:underline">{l.label}</Link>
      ))}
    </div>
  );
}

/**
 * What a member sees on an admin page reached by URL: checked on the page, not only in the nav,
 * and rendered before anything is queried.
 */
export function Forbidden({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="max-w-xl rounded-md border border-amber-200 bg-amber-50 px-4 py-3">
      <h1 className="font-semibold text-amber-900">403: Not allowed</h1>
      <p className="mt-1 text-sm text-amber-900">{children}</p>
    </div>
  );
}
