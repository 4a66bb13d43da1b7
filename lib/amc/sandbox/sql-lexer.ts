/**
 * A small SQL lexer and parenthesis tree, shared by the AMC→PostgreSQL translator and the
 * static rules. A full parser was not used: pgsql-ast-parser rejects AMC SQL (subqueries
 * without alias, SIMILAR TO, TABLE(EXTEND_TIME_WINDOW(...))) and node-sql-parser is ~90 MB and
 * re-prints the SQL, while the translator must change only what it maps and keep everything
 * else (literals, comments, layout) byte for byte.
 *
 * The lexer follows PostgreSQL's own rules for where literals and comments start and end
 * (standard_conforming_strings on, E'' strings with backslash escapes, nested block comments,
 * dollar quoting), because the runner relies on it to refuse a second statement: a `;` that
 * this lexer saw inside a literal must also be inside a literal for PostgreSQL.
 */

export type TokenKind =
  | "ws"
  | "comment"
  | "string"
  | "qident"
  | "ident"
  | "number"
  | "op"
  | "lparen"
  | "rparen"
  | "comma"
  | "semicolon"
  | "dot";

/** The characters that are a token by themselves, and their kinds. */
const PUNCTUATION: Readonly<Record<string, TokenKind>> = { "(": "lparen", ")": "rparen", ",": "comma", ";": "semicolon", ".": "dot" };

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

export class SqlSyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = "SqlSyntaxError";
    this.position = position;
  }
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const OP_CHARS = "+-*/<>=~!@#%^&|`?:[]";

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({ kind, text: sql.slice(start, end), start, end });
  };
  while (i < n) {
    const c = sql[i] as string;
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i] as string)) i++;
      push("ws", start, i);
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n" && sql[i] !== "\r") i++;
      push("comment", start, i);
    } else if (c === "/" && sql[i + 1] === "*") {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === "/" && sql[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (sql[i] === "*" && sql[i + 1] === "/") {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) throw new SqlSyntaxError("Unterminated /* comment", start);
      push("comment", start, i);
    } else if ((c === "E" || c === "e") && sql[i + 1] === "'") {
      i = scanQuoted(sql, i + 1, "'", true);
      push("string", start, i);
    } else if (
      (c === "U" || c === "u") &&
      sql[i + 1] === "&" &&
      (sql[i + 2] === "'" || sql[i + 2] === '"')
    ) {
      const q = sql[i + 2] as string;
      i = scanQuoted(sql, i + 2, q, false);
      push(q === "'" ? "string" : "qident", start, i);
    } else if ((c === "B" || c === "b" || c === "X" || c === "x") && sql[i + 1] === "'") {
      i = scanQuoted(sql, i + 1, "'", false);
      push("string", start, i);
    } else if (c === "'") {
      i = scanQuoted(sql, i, "'", false);
      push("string", start, i);
    } else if (c === '"') {
      i = scanQuoted(sql, i, '"', false);
      push("qident", start, i);
    } else if (c === "$" && dollarTag(sql, i) !== null) {
      const tag = dollarTag(sql, i) as string;
      const close = sql.indexOf(tag, i + tag.length);
      if (close < 0) throw new SqlSyntaxError("Unterminated dollar-quoted string", start);
      i = close + tag.length;
      push("string", start, i);
    } else if (IDENT_START.test(c)) {
      while (i < n && IDENT_PART.test(sql[i] as string)) i++;
      push("ident", start, i);
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      while (i < n && /[0-9]/.test(sql[i] as string)) i++;
      if (sql[i] === "." && sql[i + 1] !== ".") {
        i++;
        while (i < n && /[0-9]/.test(sql[i] as string)) i++;
      }
      if ((sql[i] === "e" || sql[i] === "E") && /[-+0-9]/.test(sql[i + 1] ?? "")) {
        const save = i;
        i++;
        if (sql[i] === "+" || sql[i] === "-") i++;
        if (/[0-9]/.test(sql[i] ?? "")) while (i < n && /[0-9]/.test(sql[i] as string)) i++;
        else i = save;
      }
      push("number", start, i);
    } else if (Object.hasOwn(PUNCTUATION, c)) {
      i++;
      push(PUNCTUATION[c]!, start, i);
    } else if (c === "$") {
      // Positional parameters ($1): not AMC, but keep them one token so nothing misreads them.
      i++;
      while (i < n && /[0-9]/.test(sql[i] as string)) i++;
      push("op", start, i);
    } else if (OP_CHARS.includes(c)) {
      // Operators are one run of operator characters, cut before a comment start like PG does.
      while (
        i < n &&
        OP_CHARS.includes(sql[i] as string) &&
        !(sql[i] === "-" && sql[i + 1] === "-") &&
        !(sql[i] === "/" && sql[i + 1] === "*")
      ) {
        // Brackets stand alone so `a[1]` and `ARRAY[...]` stay readable.
        if ((sql[i] === "[" || sql[i] === "]") && i > start) break;
        i++;
        if (sql[i - 1] === "[" || sql[i - 1] === "]") break;
      }
      if (i === start) i++;
      // PostgreSQL drops trailing + / - from a multi-character operator unless it holds one of
      // ~!@#%^&|`? (so `a/-b` is `/` then `-`).
      if (!/[~!@#%^&|`?]/.test(sql.slice(start, i))) {
        while (i - start > 1 && (sql[i - 1] === "+" || sql[i - 1] === "-")) i--;
      }
      push("op", start, i);
    } else {
      throw new SqlSyntaxError(`Unexpected character '${c}'`, start);
    }
  }
  return tokens;
}

function scanQuoted(sql: string, openIdx: number, q: string, backslash: boolean): number {
  let i = openIdx + 1;
  for (;;) {
    if (i >= sql.length) {
      throw new SqlSyntaxError(
        q === "'" ? "Unterminated string literal" : "Unterminated quoted identifier",
        openIdx,
      );
    }
    const c = sql[i];
    if (backslash && c === "\\") {
      i += 2;
      continue;
    }
    if (c === q) {
      if (sql[i + 1] === q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
}

/** `$tag$` at i (PostgreSQL: tag is empty or an identifier without `$`), else null. */
function dollarTag(sql: string, i: number): string | null {
  const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
  return m ? m[0] : null;
}

// ---------------------------------------------------------------------------------------------
// Parenthesis tree

export type Node = TokNode | GroupNode;
export interface TokNode {
  type: "tok";
  tok: Token;
}
export interface GroupNode {
  type: "group";
  open: Token;
  close: Token;
  children: Node[];
}

export function buildTree(tokens: Token[]): Node[] {
  const root: Node[] = [];
  const stack: { open: Token; children: Node[] }[] = [];
  let current = root;
  for (const tok of tokens) {
    if (tok.kind === "lparen") {
      const frame = { open: tok, children: [] as Node[] };
      stack.push(frame);
      current = frame.children;
    } else if (tok.kind === "rparen") {
      const frame = stack.pop();
      if (!frame) throw new SqlSyntaxError("Unbalanced ')'", tok.start);
      current = stack.length ? (stack[stack.length - 1] as { children: Node[] }).children : root;
      current.push({ type: "group", open: frame.open, close: tok, children: frame.children });
    } else {
      current.push({ type: "tok", tok });
    }
  }
  if (stack.length) {
    throw new SqlSyntaxError("Unbalanced '('", (stack[stack.length - 1] as { open: Token }).open.start);
  }
  return root;
}

export function parseSql(sql: string): Node[] {
  return buildTree(tokenize(sql));
}

// ---------------------------------------------------------------------------------------------
// Helpers over a node list

export function isTrivia(node: Node | undefined): boolean {
  return !!node && node.type === "tok" && (node.tok.kind === "ws" || node.tok.kind === "comment");
}

/** Index of the next non-trivia node at or after i, or -1. */
export function nextSig(nodes: Node[], i: number): number {
  for (let j = i; j < nodes.length; j++) if (!isTrivia(nodes[j])) return j;
  return -1;
}

/** Index of the previous non-trivia node at or before i, or -1. */
export function prevSig(nodes: Node[], i: number): number {
  for (let j = i; j >= 0; j--) if (!isTrivia(nodes[j])) return j;
  return -1;
}

/** The significant (non-trivia) nodes of a list. */
export function sig(nodes: Node[]): Node[] {
  return nodes.filter((n) => !isTrivia(n));
}

/** Upper-cased word of an unquoted identifier node, else undefined. */
export function word(node: Node | undefined): string | undefined {
  return node && node.type === "tok" && node.tok.kind === "ident" ? node.tok.text.toUpperCase() : undefined;
}

export function isWord(node: Node | undefined, ...words: string[]): boolean {
  const w = word(node);
  return w !== undefined && words.includes(w);
}

export function isKind(node: Node | undefined, kind: TokenKind, text?: string): boolean {
  return !!node && node.type === "tok" && node.tok.kind === kind && (text === undefined || node.tok.text === text);
}

export function isGroup(node: Node | undefined): node is GroupNode {
  return !!node && node.type === "group";
}

/** Identifier name as PostgreSQL resolves it: unquoted folded to lower case, quoted verbatim. */
export function identName(node: Node | undefined): string | undefined {
  if (!node || node.type !== "tok") return undefined;
  if (node.tok.kind === "ident") return node.tok.text.toLowerCase();
  if (node.tok.kind === "qident" && node.tok.text.startsWith('"')) {
    return node.tok.text.slice(1, -1).replace(/""/g, '"');
  }
  return undefined;
}

/** Split a node list on its commas, except those inside brackets (ARRAY['a', 'b'], x[1:2]). */
export function splitCommas(nodes: Node[]): Node[][] {
  const parts: Node[][] = [[]];
  let brackets = 0;
  for (const node of nodes) {
    if (isKind(node, "op", "[")) brackets++;
    else if (isKind(node, "op", "]")) brackets = Math.max(0, brackets - 1);
    if (isKind(node, "comma") && brackets === 0) parts.push([]);
    else (parts[parts.length - 1] as Node[]).push(node);
  }
  return parts;
}

export function nodeText(node: Node): string {
  if (node.type === "tok") return node.tok.text;
  return node.open.text + node.children.map(nodeText).join("") + node.close.text;
}

export function nodesText(nodes: Node[]): string {
  return nodes.map(nodeText).join("");
}

export function firstToken(node: Node): Token {
  return node.type === "tok" ? node.tok : node.open;
}

/** A group that holds a query: its first significant node is SELECT, WITH or VALUES. */
export function isQueryGroup(node: Node | undefined): boolean {
  if (!isGroup(node)) return false;
  const first = node.children[nextSig(node.children, 0)];
  if (isWord(first, "SELECT", "WITH", "VALUES")) return true;
  // ((SELECT ...) UNION (SELECT ...)) and ((SELECT ...)).
  return isQueryGroup(first);
}

/** String literal value ('it''s' → it's), for plain '...' literals only. */
export function stringValue(node: Node | undefined): string | undefined {
  if (!node || node.type !== "tok" || node.tok.kind !== "string") return undefined;
  const t = node.tok.text;
  if (!t.startsWith("'")) return undefined;
  return t.slice(1, -1).replace(/''/g, "'");
}

/** Index of the END closing the CASE at `caseIdx` (same level), or -1. */
export function matchingEnd(nodes: Node[], caseIdx: number): number {
  let depth = 0;
  for (let j = caseIdx; j < nodes.length; j++) {
    if (isWord(nodes[j], "CASE")) depth++;
    else if (isWord(nodes[j], "END")) {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

/**
 * The extent of one operand starting at significant index i (used for the right-hand side of
 * `/` and of comparisons): unary signs, then a primary (literal, typed literal, CASE … END,
 * name chain, call with OVER/FILTER/WITHIN GROUP, parenthesized group), then postfix `::type`
 * and subscripts. Returns the index one past the operand.
 */
export function operandEnd(nodes: Node[], i: number): number {
  let j = nextSig(nodes, i);
  if (j < 0) return i;
  while (isKind(nodes[j], "op", "-") || isKind(nodes[j], "op", "+")) {
    const k = nextSig(nodes, j + 1);
    if (k < 0) return j + 1;
    j = k;
  }
  const node = nodes[j];
  let end = j + 1;
  if (isWord(node, "CASE")) {
    const e = matchingEnd(nodes, j);
    end = e < 0 ? nodes.length : e + 1;
  } else if (isWord(node, "NOT")) {
    return operandEnd(nodes, j + 1);
  } else if (node && node.type === "tok" && (node.tok.kind === "ident" || node.tok.kind === "qident")) {
    const after = nextSig(nodes, j + 1);
    if (after >= 0 && isKind(nodes[after], "string") && node.tok.kind === "ident") {
      // Typed literal: DATE '2025-01-01', INTERVAL '1 day'.
      end = after + 1;
    } else {
      // name(.name)* optionally followed by a call group.
      let k = j;
      for (;;) {
        const d = nextSig(nodes, k + 1);
        if (d >= 0 && isKind(nodes[d], "dot")) {
          const nx = nextSig(nodes, d + 1);
          if (nx >= 0 && nodes[nx]?.type === "tok") {
            k = nx;
            continue;
          }
        }
        break;
      }
      end = k + 1;
      const g = nextSig(nodes, k + 1);
      if (g >= 0 && isGroup(nodes[g])) {
        end = g + 1;
        end = callSuffixEnd(nodes, end);
      }
    }
  } else if (isGroup(node)) {
    end = j + 1;
  }
  // Postfix: ::type[(...)][[]], [subscript].
  for (;;) {
    const p = nextSig(nodes, end);
    if (p >= 0 && isKind(nodes[p], "op", "::")) {
      const t = nextSig(nodes, p + 1);
      if (t < 0) break;
      end = t + 1;
      // Two-word types (double precision, character varying).
      const t2 = nextSig(nodes, end);
      if (isWord(nodes[t], "DOUBLE") && isWord(nodes[t2], "PRECISION")) end = t2 + 1;
      const tg = nextSig(nodes, end);
      if (tg >= 0 && isGroup(nodes[tg])) end = tg + 1;
      continue;
    }
    if (p >= 0 && isKind(nodes[p], "op", "[")) {
      let q = p + 1;
      while (q < nodes.length && !isKind(nodes[q], "op", "]")) q++;
      end = Math.min(q + 1, nodes.length);
      continue;
    }
    break;
  }
  return end;
}

/** After a call's argument group: FILTER (...), WITHIN GROUP (...), OVER (...) / OVER name. */
export function callSuffixEnd(nodes: Node[], end: number): number {
  for (;;) {
    const s = nextSig(nodes, end);
    if (s < 0) return end;
    if (isWord(nodes[s], "FILTER")) {
      const g = nextSig(nodes, s + 1);
      if (g >= 0 && isGroup(nodes[g])) {
        end = g + 1;
        continue;
      }
    }
    if (isWord(nodes[s], "WITHIN")) {
      const gw = nextSig(nodes, s + 1);
      const g = nextSig(nodes, gw + 1);
      if (isWord(nodes[gw], "GROUP") && g >= 0 && isGroup(nodes[g])) {
        end = g + 1;
        continue;
      }
    }
    if (isWord(nodes[s], "OVER")) {
      const g = nextSig(nodes, s + 1);
      if (g >= 0) {
        end = g + 1;
        continue;
      }
    }
    return end;
  }
}
