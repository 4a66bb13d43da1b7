/**
 * Finds `{{name}}` placeholders in template SQL, skipping string literals ('…', with ''),
 * quoted identifiers ("…"), line comments (-- …) and block comments (/* … *\/), so that a cast
 * like `::DATE`, a time like `'12:30:00'` or a column like `last_updated` is never taken for a
 * parameter (product.md pitfalls 16–17). Only the exact token `{{name}}` counts.
 */
export type Segment = { kind: "text"; text: string } | { kind: "param"; name: string; raw: string };

const NAME = /^\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/;

export function scanTemplate(sql: string): Segment[] {
  const out: Segment[] = [];
  let text = "";
  let i = 0;
  const n = sql.length;
  const skipUntil = (start: number, closer: string, doubled: boolean): number => {
    let j = start;
    while (j < n) {
      if (sql.startsWith(closer, j)) {
        if (doubled && sql.startsWith(closer + closer, j)) {
          j += closer.length * 2;
          continue;
        }
        return j + closer.length;
      }
      j += 1;
    }
    return n; // unterminated: the rest is inside it
  };
  while (i < n) {
    const c = sql[i];
    let next = i + 1;
    if (c === "'") next = skipUntil(i + 1, "'", true);
    else if (c === '"') next = skipUntil(i + 1, '"', true);
    else if (c === "-" && sql[i + 1] === "-") next = skipUntil(i + 2, "\n", false);
    else if (c === "/" && sql[i + 1] === "*") next = skipUntil(i + 2, "*/", false);
    else if (c === "{" && sql[i + 1] === "{") {
      const m = NAME.exec(sql.slice(i));
      if (m) {
        if (text) out.push({ kind: "text", text });
        text = "";
        out.push({ kind: "param", name: m[1]!, raw: m[0] });
        i += m[0].length;
        continue;
      }
    }
    text += sql.slice(i, next);
    i = next;
  }
  if (text) out.push({ kind: "text", text });
  return out;
}

export function placeholderNames(sql: string): string[] {
  return [...new Set(scanTemplate(sql).flatMap((s) => (s.kind === "param" ? [s.name] : [])))];
}

/** A placeholder written directly against a character its value could merge with. */
export interface GluedPlaceholder {
  name: string;
  /** The touching character ("{{" when two placeholders touch). */
  touching: string;
  side: "before" | "after";
}

/**
 * Characters a rendered value must not touch, because value and neighbour could lex as one
 * token (or open one): `-` `-` is a line comment, `/` `*` and `*` `/` open and close block
 * comments, a quote next to a quoted value continues the string (`'a''b'`), `.` joins digits
 * into a decimal, a letter, digit, `_` or `$` joins a number, TRUE or an enum's SQL into one
 * identifier or makes a prefixed string (E'…', B'…', X'…', with `&` U&'…'). The renderer keeps
 * its own literals closed (negative numbers are parenthesised); this keeps templates from
 * depending on it.
 */
const GLUE = /[A-Za-z0-9_$.'"\-/*&\u0080-\uffff]/;

/** Placeholders that touch a merging character or another placeholder, in SQL order. */
export function gluedPlaceholders(sql: string): GluedPlaceholder[] {
  const segments = scanTemplate(sql);
  const out: GluedPlaceholder[] = [];
  segments.forEach((s, i) => {
    if (s.kind !== "param") return;
    const prev = segments[i - 1];
    const next = segments[i + 1];
    const before = prev === undefined ? "" : prev.kind === "param" ? "{{" : prev.text.slice(-1);
    // Two touching placeholders are reported once, by the second one.
    const after = next?.kind === "text" ? next.text.slice(0, 1) : "";
    if (before === "{{" || (before && GLUE.test(before))) out.push({ name: s.name, touching: before, side: "before" });
    if (after && GLUE.test(after)) out.push({ name: s.name, touching: after, side: "after" });
  });
  return out;
}
