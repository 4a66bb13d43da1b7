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
