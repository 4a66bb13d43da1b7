import type { ReactNode } from "react";

/**
 * A titled part of a page: the section is named by its heading (aria-labelledby), so screen
 * readers and tests find it by that name. `intro` is a line under the heading, kept with it.
 */
export function Section({
  id,
  title,
  intro,
  className = "space-y-3",
  children,
}: {
  id: string;
  title: ReactNode;
  intro?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const heading = (
    <h2 id={id} className="text-base font-semibold">
      {title}
    </h2>
  );
  return (
    <section aria-labelledby={id} className={className}>
      {intro ? (
        <div>
          {heading}
          <p className="text-sm text-slate-600">{intro}</p>
        </div>
      ) : (
        heading
      )}
      {children}
    </section>
  );
}
