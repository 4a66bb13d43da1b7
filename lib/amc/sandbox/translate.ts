import type { AmcTimeWindow } from "../gateway";
import { sandboxTable } from "./catalog";
import {
  type GroupNode,
  type Node,
  SqlSyntaxError,
  isGroup,
  isKind,
  isQueryGroup,
  isTrivia,
  isWord,
  nextSig,
  nodesText,
  operandEnd,
  parseSql,
  prevSig,
  sig,
  splitCommas,
  stringValue,
  word,
} from "./sql-lexer";
import { TranslationError } from "./translate/error";
import { amcFunctionSql, isAmcFunction } from "./translate/functions";
import { localToPg, nowLiteral, quoteLiteral, relativeLiteral, todayLiteral } from "./translate/literals";

/**
 * AMC SQL → PostgreSQL for the sandbox (amc-data-model.md §2.5). Works on the token tree, so
 * text inside string literals and comments is never touched; only the constructs below change,
 * everything else is copied byte for byte.
 */

export interface TranslateContext {
  /** The sandbox clock: CURRENT_DATE, CURRENT_TIMESTAMP, 'today' and 'now' are pinned to it (UTC). */
  now: Date;
  /** The execution window, for BUILT_IN_PARAMETER('TIME_WINDOW_START' | 'TIME_WINDOW_END' | 'TIME_WINDOW_TZ'). */
  window: AmcTimeWindow;
}

/** A TABLE(EXTEND_TIME_WINDOW(...)) occurrence: the runner creates `view` with widened bounds. */
export interface ExtendedWindow {
  view: string;
  table: string;
  /** ISO-8601 durations, e.g. P14D: how far the window start moves back / the end moves forward. */
  back: string;
  forward: string;
}

export interface Translation {
  sql: string;
  extendedWindows: ExtendedWindow[];
}

const ISO_DURATION = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** Words after a derived table that are not its alias. */
const NOT_AN_ALIAS = new Set([
  "WHERE",
  "GROUP",
  "HAVING",
  "ORDER",
  "LIMIT",
  "OFFSET",
  "FETCH",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "JOIN",
  "INNER",
  "LEFT",
  "RIGHT",
  "FULL",
  "CROSS",
  "NATURAL",
  "ON",
  "USING",
  "WINDOW",
  "FOR",
  "LATERAL",
]);

const CAST_TYPES: Record<string, string> = {
  STRING: "text",
  VARCHAR: "text",
  LONG: "bigint",
  BIGINT: "bigint",
  INT: "integer",
  INTEGER: "integer",
  SMALLINT: "smallint",
  DOUBLE: "double precision",
  FLOAT: "double precision",
  REAL: "real",
  BOOLEAN: "boolean",
  DATE: "date",
  TIMESTAMP: "timestamp",
};

export function translateAmcSql(amcSql: string, ctx: TranslateContext): Translation {
  let tree: Node[];
  try {
    tree = parseSql(amcSql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) throw new TranslationError(`Syntax error at position ${e.position}: ${e.message}`);
    throw e;
  }
  const t = new Translator(ctx);
  const sql = t.emit(tree);
  return { sql, extendedWindows: t.extended };
}

class Translator {
  readonly extended: ExtendedWindow[] = [];
  private subqueries = 0;

  constructor(private readonly ctx: TranslateContext) {}

  /** Translate one level of the tree. */
  emit(nodes: Node[]): string {
    let out = "";
    let clause: "select" | "from" | "other" = "other";
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Node;
      if (isTrivia(node)) {
        out += nodesText([node]);
        continue;
      }
      if (isGroup(node)) {
        out += `(${this.emit(node.children)})`;
        if (isQueryGroup(node) && this.isDerivedTablePosition(nodes, i, clause) && !hasAlias(nodes, i + 1)) {
          // PostgreSQL before 16 requires an alias on a subquery in FROM; AMC does not.
          out += ` AS __q${++this.subqueries}`;
        }
        continue;
      }
      const tok = node.tok;
      if (tok.kind === "op" && tok.text === "/") {
        const end = operandEnd(nodes, i + 1);
        const operand = nodes.slice(i + 1, end);
        out += `/ ${this.divisor(operand)}`;
        i = end - 1;
        continue;
      }
      if (tok.kind !== "ident") {
        out += tok.text;
        continue;
      }
      const w = tok.text.toUpperCase();
      const j = nextSig(nodes, i + 1);
      const next = j >= 0 ? nodes[j] : undefined;
      if (w === "SELECT") clause = "select";
      else if (w === "FROM" || w === "JOIN") clause = "from";
      else if (["WHERE", "GROUP", "HAVING", "ON", "USING", "UNION", "INTERSECT", "EXCEPT", "ORDER", "WINDOW"].includes(w)) {
        clause = "other";
      }

      if (isGroup(next)) {
        if (w === "TABLE") {
          const replaced = this.extendTimeWindow(next, nodes, j);
          if (replaced !== undefined) {
            out += replaced;
            i = j;
            continue;
          }
        }
        const call = this.call(w, next);
        if (call !== undefined) {
          out += call;
          i = j;
          continue;
        }
      }
      if (w === "CURRENT_DATE" && !isGroup(next)) {
        out += todayLiteral(this.ctx.now);
        continue;
      }
      if (w === "CURRENT_TIMESTAMP" && !isGroup(next)) {
        out += nowLiteral(this.ctx.now);
        continue;
      }
      if (w === "NOT" && isWord(next, "SIMILAR")) {
        const to = nextSig(nodes, j + 1);
        if (isWord(nodes[to], "TO")) {
          out += "!~";
          i = to;
          continue;
        }
      }
      if (w === "SIMILAR" && isWord(next, "TO")) {
        // AMC's SIMILAR TO takes a Java regex; PostgreSQL's SIMILAR TO is a different dialect.
        out += "~";
        i = j;
        continue;
      }
      out += tok.text;
    }
    return out;
  }

  private isDerivedTablePosition(nodes: Node[], i: number, clause: string): boolean {
    const p = prevSig(nodes, i - 1);
    const prev = p >= 0 ? nodes[p] : undefined;
    return isWord(prev, "FROM", "JOIN", "LATERAL") || (clause === "from" && isKind(prev, "comma"));
  }

  private args(group: GroupNode): string[] {
    if (sig(group.children).length === 0) return [];
    return splitCommas(group.children).map((a) => this.emit(a).trim());
  }

  /** A translated call, or undefined when the name passes through unchanged. */
  private call(w: string, group: GroupNode): string | undefined {
    switch (w) {
      case "COLLECT":
        return `array_agg(${this.emit(group.children).trim()})`;
      case "ARRAY_SORT": {
        const sorted = this.sortedCollect(group);
        if (sorted !== undefined) return sorted;
        break;
      }
      case "BUILT_IN_PARAMETER":
        return this.builtIn(group);
      case "CUSTOM_PARAMETER":
        throw new TranslationError(
          "CUSTOM_PARAMETER is not supported in the sandbox: render parameters into the SQL before submitting",
        );
      case "CAST":
        return this.cast(group);
    }
    return isAmcFunction(w) ? amcFunctionSql(w, this.args(group)) : undefined;
  }

  /** ARRAY_SORT(COLLECT([DISTINCT] x)) → one ordered array_agg; undefined for other arguments. */
  private sortedCollect(group: GroupNode): string | undefined {
    const inner = sig(group.children);
    if (!(inner.length === 2 && isWord(inner[0], "COLLECT") && isGroup(inner[1]))) return undefined;
    const body = sig(inner[1].children);
    const distinct = isWord(body[0], "DISTINCT");
    const exprNodes = distinct ? inner[1].children.slice(inner[1].children.indexOf(body[0] as Node) + 1) : inner[1].children;
    const x = this.emit(exprNodes).trim();
    return `array_agg(${distinct ? "DISTINCT " : ""}${x} ORDER BY ${x})`;
  }

  private cast(group: GroupNode): string {
    const children = group.children;
    let asIdx = -1;
    for (let k = children.length - 1; k >= 0; k--) {
      if (isWord(children[k], "AS")) {
        asIdx = k;
        break;
      }
    }
    if (asIdx < 0) throw new TranslationError("CAST expects `CAST(value AS type)`");
    const exprNodes = children.slice(0, asIdx);
    const typeNodes = sig(children.slice(asIdx + 1));
    const typeWord = word(typeNodes[0]);
    const literal = sig(exprNodes).length === 1 ? stringValue(sig(exprNodes)[0]) : undefined;
    if (literal !== undefined && (typeWord === "DATE" || typeWord === "TIMESTAMP") && typeNodes.length === 1) {
      const pinned = relativeLiteral(literal.trim().toLowerCase(), typeWord, this.ctx.now);
      if (pinned !== undefined) return pinned;
    }
    const expr = this.emit(exprNodes).trim();
    let type: string;
    if (typeWord && CAST_TYPES[typeWord] && typeNodes.length === 1) type = CAST_TYPES[typeWord] as string;
    else type = nodesText(children.slice(asIdx + 1)).trim();
    return `CAST(${expr} AS ${type})`;
  }

  private builtIn(group: GroupNode): string {
    const args = sig(group.children);
    const name = args.length === 1 ? stringValue(args[0])?.toUpperCase() : undefined;
    const w = this.ctx.window;
    switch (name) {
      case "TIME_WINDOW_START":
        return `TIMESTAMP '${localToPg(w.start)}'`;
      case "TIME_WINDOW_END":
        return `TIMESTAMP '${localToPg(w.end)}'`;
      case "TIME_WINDOW_TZ":
        return quoteLiteral(w.timeZone);
      default:
        throw new TranslationError(
          "BUILT_IN_PARAMETER expects 'TIME_WINDOW_START', 'TIME_WINDOW_END' or 'TIME_WINDOW_TZ'",
        );
    }
  }

  /** TABLE(EXTEND_TIME_WINDOW('t', 'P14D', 'P0D')) → a temp view the runner creates. */
  private extendTimeWindow(group: GroupNode, nodes: Node[], groupIdx: number): string | undefined {
    const inner = sig(group.children);
    if (!(inner.length === 2 && isWord(inner[0], "EXTEND_TIME_WINDOW") && isGroup(inner[1]))) return undefined;
    const args = splitCommas(inner[1].children).map((a) => sig(a));
    const values = args.map((a) => (a.length === 1 ? stringValue(a[0]) : undefined));
    if (values.length !== 3 || values.some((v) => v === undefined)) {
      throw new TranslationError(
        "EXTEND_TIME_WINDOW expects three string arguments: table name, back duration, forward duration (e.g. 'dsp_impressions', 'P14D', 'P0D')",
      );
    }
    const [tableName, back, forward] = values as [string, string, string];
    const table = sandboxTable(tableName);
    if (!table) throw new TranslationError(`EXTEND_TIME_WINDOW: table '${tableName}' is not available`);
    for (const d of [back, forward]) {
      if (!ISO_DURATION.test(d.toUpperCase())) {
        throw new TranslationError(`EXTEND_TIME_WINDOW: '${d}' is not an ISO-8601 duration such as 'P14D'`);
      }
    }
    const view = `__amc_ext_${this.extended.length + 1}`;
    this.extended.push({ view, table: table.amcName, back: back.toUpperCase(), forward: forward.toUpperCase() });
    return hasAlias(nodes, groupIdx + 1) ? `pg_temp.${view}` : `pg_temp.${view} AS ${table.amcName}`;
  }

  /** Right operand of `/`: AMC divides integers into fractions and (like Spark) yields NULL on 0. */
  private divisor(operand: Node[]): string {
    const s = sig(operand);
    const x = this.emit(operand).trim();
    if (s.length === 1 && isKind(s[0], "number") && Number(x) !== 0) return `CAST(${x} AS double precision)`;
    if (s.length === 2 && isWord(s[0], "NULLIF") && isGroup(s[1])) return `CAST(${x} AS double precision)`;
    return `CAST(NULLIF(${x}, 0) AS double precision)`;
  }
}

function hasAlias(nodes: Node[], from: number): boolean {
  const s = nextSig(nodes, from);
  if (s < 0) return false;
  const n = nodes[s];
  if (isWord(n, "AS")) return true;
  if (isKind(n, "qident")) return true;
  const w = word(n);
  return w !== undefined && !NOT_AN_ALIAS.has(w);
}
