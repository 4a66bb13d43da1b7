import type { z } from "zod";

export type SearchParams = Record<string, string | string[] | undefined>;

/** What Next hands a page under a dynamic segment: its path params and its search params. */
export interface PageArgs<P extends Record<string, string>> {
  params: Promise<P>;
  searchParams: Promise<SearchParams>;
}

/**
 * One value of a page's search params, or undefined: the first of a repeated key, and only when
 * it is a non-empty string without a NUL byte that `schema` accepts. Pages never fail on their
 * URL: a hand-edited or hostile value shows the page as if it were absent (PostgreSQL cannot take
 * a NUL in text, so letting one through would turn a typo into an error page).
 */
export function searchParam<T = string>(value: string | string[] | undefined, schema?: z.ZodType<T>): T | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== "string" || v.length === 0 || v.includes("\u0000")) return undefined;
  if (!schema) return v as T;
  const parsed = schema.safeParse(v);
  return parsed.success ? parsed.data : undefined;
}
