/**
 * The SQL as AMC gets it: one line, no trailing semicolon. Whitespace runs outside quotes become
 * one space; `--` comments are dropped first, since on one line they would swallow the rest of
 * the query. Quoted text ('…', "…", `…`) and block comments are copied as they are, so a value
 * such as 'a  b' keeps its spaces.
 */
export function toOneLineSql(sql: string): string {
  let out = "";
  let pendingSpace = false;
  const push = (text: string) => {
    if (pendingSpace && out.length > 0) out += " ";
    pendingSpace = false;
    out += text;
  };

  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charAt(i);
    if (c === "'" || c === '"' || c === "`") {
      // A doubled quote ('it''s') closes and reopens here, which copies it just the same.
      const close = sql.indexOf(c, i + 1);
      const stop = close === -1 ? n : close + 1;
      push(sql.slice(i, stop));
      i = stop;
    } else if (c === "-" && sql.charAt(i + 1) === "-") {
      const eol = sql.indexOf("\n", i);
      i = eol === -1 ? n : eol;
      pendingSpace = true;
    } else if (c === "/" && sql.charAt(i + 1) === "*") {
      const close = sql.indexOf("*/", i + 2);
      const stop = close === -1 ? n : close + 2;
      push(sql.slice(i, stop).replace(/\s+/g, " "));
      i = stop;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") {
      pendingSpace = true;
      i++;
    } else {
      push(c);
      i++;
    }
  }
  return out.replace(/[\s;]+$/, "");
}
