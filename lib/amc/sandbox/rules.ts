import {
  METRIC_AGGREGATES,
  VALUE_AGGREGATES,
  WINDOW_FUNCTIONS,
  type ThresholdClass,
  classAtLeast,
  classThreshold,
  columnClass,
  isAggregate,
  isKnownFunction,
  maxClass,
} from "./catalog";
import {
  type Node,
  SqlSyntaxError,
  callSuffixEnd,
  firstToken,
  identName,
  isGroup,
  isKind,
  isQueryGroup,
  isTrivia,
  isWord,
  matchingEnd,
  nextSig,
  operandEnd,
  parseSql,
  prevSig,
  sig,
  splitCommas,
  word,
} from "./sql-lexer";

/**
 * AMC's static checks (amc-data-model.md §2.1, §2.2, §2.6), run before a sandbox query, with
 * messages in the spirit of AMC's 400 responses; plus what the threshold filter needs to know
 * about the final SELECT (which column counts users, how many users a row needs).
 *
 * Column sensitivity is traced through CTE and subquery aliases by name (a name defined anywhere
 * in the query takes the most sensitive of its definitions), which errs on the strict side.
 */

export type RuleCode =
  | "SYNTAX_ERROR"
  | "MULTIPLE_STATEMENTS"
  | "NOT_A_SELECT"
  | "SELECT_STAR"
  | "LIMIT_NOT_SUPPORTED"
  | "ORDER_BY_NOT_SUPPORTED"
  | "RIGHT_JOIN_NOT_SUPPORTED"
  | "NO_AGGREGATE"
  | "RESTRICTED_COLUMN_IN_OUTPUT"
  | "LITERAL_FILTER_ON_RESTRICTED_COLUMN"
  | "UNKNOWN_FUNCTION"
  | "UNKNOWN_TABLE";

export interface RuleViolation {
  code: RuleCode;
  message: string;
  /** Character offset in the SQL, when known. */
  position?: number;
}

export interface OutputColumn {
  /** The name PostgreSQL gives the column (aliases folded to lower case unless quoted). */
  name: string;
  /** Most sensitive AMC column class behind the values of this column. */
  thresholdClass: ThresholdClass;
  /** A grouping dimension (not only aggregates and literals). */
  isDimension: boolean;
}

export interface QueryAnalysis {
  violations: RuleViolation[];
  /** Columns of the final SELECT (its first branch for UNIONs). */
  outputColumns: OutputColumn[];
  /** Distinct users an output row needs (§2.1 rule 4): 1, 2 or 100. */
  threshold: number;
  /** 0-based output positions holding a distinct-user count (or a lower bound of it). */
  userCountColumns: number[];
  /** 0-based output positions that exist only for the sandbox filter (`__du`), dropped from results. */
  hiddenColumns: number[];
}

/** Name of an optional output column that carries the distinct-user count for the sandbox only. */
export const HIDDEN_USER_COUNT_COLUMN = "__du";

const SCHEMA_NAMES = new Set(["amc_sandbox", "public", "information_schema", "pg_catalog", "pg_temp", "pg_toast"]);

/** Words that may stand before a parenthesis without being a function call. */
const NON_CALL_WORDS = new Set([
  "IN",
  "EXISTS",
  "VALUES",
  "OVER",
  "FILTER",
  "AS",
  "USING",
  "ANY",
  "ALL",
  "SOME",
  "ON",
  "AND",
  "OR",
  "NOT",
  "WHEN",
  "THEN",
  "ELSE",
  "SELECT",
  "FROM",
  "WHERE",
  "JOIN",
  "LATERAL",
  "BY",
  "GROUP",
  "HAVING",
  "DISTINCT",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "CASE",
  "IS",
  "LIKE",
  "ILIKE",
  "BETWEEN",
  "ROW",
  "ARRAY",
  "WITH",
  "RECURSIVE",
  "MATERIALIZED",
  "TABLE",
  "INTERVAL",
  "TO",
  "SIMILAR",
  "RETURN",
]);

/** Words that end a select list. */
const SELECT_LIST_END = new Set([
  "FROM",
  "WHERE",
  "GROUP",
  "HAVING",
  "ORDER",
  "LIMIT",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "WINDOW",
  "OFFSET",
  "FETCH",
]);

/** Words that cannot be an alias written without AS. */
const RESERVED = new Set([
  "END",
  "NULL",
  "TRUE",
  "FALSE",
  "AND",
  "OR",
  "NOT",
  "DISTINCT",
  "ALL",
  "ASC",
  "DESC",
  "THEN",
  "ELSE",
  "WHEN",
  "CASE",
  "FROM",
  "IS",
  "IN",
  "LIKE",
  "BETWEEN",
  "SELECT",
]);

const COMPARISON_OPS = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "~", "~*", "!~", "!~*"]);
const COMPARISON_WORDS = new Set(["LIKE", "ILIKE", "IN", "BETWEEN", "SIMILAR"]);
const CONDITION_BOUNDARY = new Set([
  "AND",
  "OR",
  "WHERE",
  "ON",
  "HAVING",
  "WHEN",
  "THEN",
  "ELSE",
  "CASE",
  "SELECT",
  "END",
  "NOT",
  "QUALIFY",
]);

interface SelectItem {
  nodes: Node[];
  name: string;
  position: number;
}

export function analyzeAmcSql(sql: string): QueryAnalysis {
  const empty: QueryAnalysis = { violations: [], outputColumns: [], threshold: 2, userCountColumns: [], hiddenColumns: [] };
  let tree: Node[];
  try {
    tree = parseSql(sql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) {
      return { ...empty, violations: [{ code: "SYNTAX_ERROR", message: `Syntax error at position ${e.position}: ${e.message}`, position: e.position }] };
    }
    throw e;
  }
  return new Analyzer(tree).run();
}

/** The rule violations alone; empty when the query may run. */
export function checkAmcSql(sql: string): RuleViolation[] {
  return analyzeAmcSql(sql).violations;
}

class Analyzer {
  private readonly violations: RuleViolation[] = [];
  private readonly seen = new Set<string>();
  /** name → expressions defining it anywhere in the query. */
  private readonly defs = new Map<string, Node[][]>();
  private classes = new Map<string, { cls: ThresholdClass; source: string }>();
  private userCountNames = new Set<string>();
  private hasAggregate = false;

  constructor(private readonly tree: Node[]) {}

  run(): QueryAnalysis {
    const top = sig(this.tree);
    if (top.length === 0) {
      this.add("SYNTAX_ERROR", "The query is empty");
      return this.result([]);
    }
    this.checkSemicolons(this.tree);
    const first = top[0];
    if (!(isWord(first, "SELECT", "WITH") || isQueryGroup(first))) {
      this.add(
        "NOT_A_SELECT",
        `Only SELECT queries are supported; '${word(first) ?? "this statement"}' statements are not allowed`,
        first ? firstToken(first).start : undefined,
      );
      return this.result([]);
    }
    this.walk(this.tree, undefined, true);
    if (!this.hasAggregate) {
      this.add(
        "NO_AGGREGATE",
        "The query must aggregate its output: use at least one aggregate function such as COUNT, SUM or AVG",
      );
    }
    this.resolveClasses();
    this.resolveUserCounts();
    this.checkComparisons(this.tree);
    const finalItems = this.finalItems(this.tree);
    return this.result(finalItems);
  }

  private result(finalItems: SelectItem[]): QueryAnalysis {
    const outputColumns: OutputColumn[] = [];
    const userCountColumns: number[] = [];
    const hiddenColumns: number[] = [];
    let threshold = 1;
    finalItems.forEach((item, idx) => {
      const { cls, source, dimension } = this.exprClass(item.nodes);
      const effective = dimension ? maxClass(cls, "LOW") : cls;
      if (classAtLeast(effective, "VERY_HIGH")) {
        this.add(
          "RESTRICTED_COLUMN_IN_OUTPUT",
          `Column '${source}' has aggregation threshold ${cls} and cannot be selected in the final output; use it only inside COUNT(DISTINCT ...) or in joins and groupings of intermediate queries`,
          item.position,
        );
      }
      threshold = Math.max(threshold, classThreshold(effective));
      outputColumns.push({ name: item.name, thresholdClass: effective, isDimension: dimension });
      if (item.name === HIDDEN_USER_COUNT_COLUMN) {
        hiddenColumns.push(idx);
        userCountColumns.push(idx);
      } else if (this.isUserCountExpr(item.nodes)) {
        userCountColumns.push(idx);
      }
    });
    return { violations: this.violations, outputColumns, threshold, userCountColumns, hiddenColumns };
  }

  private add(code: RuleCode, message: string, position?: number): void {
    const key = `${code}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.violations.push({ code, message, position });
  }

  private checkSemicolons(nodes: Node[]): void {
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i] as Node;
      if (isKind(n, "semicolon")) {
        const trailing = nextSig(nodes, i + 1) < 0;
        this.add(
          "MULTIPLE_STATEMENTS",
          trailing
            ? "Remove the trailing semicolon: AMC takes exactly one statement without a terminating ';'"
            : "Only one statement per query is allowed",
          firstToken(n).start,
        );
      } else if (isGroup(n)) this.checkSemicolons(n.children);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Structural walk: forbidden constructs, functions, definitions.

  private walk(nodes: Node[], cteColumns: string[] | undefined, isTop: boolean): void {
    const isQueryLevel = isTop || nodes.some((n) => isWord(n, "SELECT"));
    if (isQueryLevel) this.collectDefinitions(nodes, cteColumns);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Node;
      if (isTrivia(node)) continue;
      if (isGroup(node)) {
        this.walk(node.children, this.cteColumnsFor(nodes, i), false);
        continue;
      }
      const tok = node.tok;
      const w = word(node);
      const j = nextSig(nodes, i + 1);
      const next = j >= 0 ? nodes[j] : undefined;
      if (tok.kind === "qident" && !tok.text.startsWith('"')) {
        // U&"..." names could spell any function past the allowlist below.
        this.add("SYNTAX_ERROR", 'Unicode-escaped identifiers (U&"...") are not supported', tok.start);
      }
      if (w === "LIMIT" || w === "OFFSET" || (w === "FETCH" && isWord(next, "FIRST", "NEXT"))) {
        this.add("LIMIT_NOT_SUPPORTED", `${w} is not supported in AMC SQL; rank rows with ROW_NUMBER() or RANK() in a subquery and filter on the rank instead`, tok.start);
      }
      if (w === "ORDER" && isWord(next, "BY") && isQueryLevel) {
        this.add("ORDER_BY_NOT_SUPPORTED", "ORDER BY is only supported inside window functions (OVER clause); sort the results after download", tok.start);
      }
      if (w === "RIGHT" && (isWord(next, "JOIN") || isWord(next, "OUTER"))) {
        this.add("RIGHT_JOIN_NOT_SUPPORTED", "RIGHT JOIN is not supported; swap the tables and use LEFT JOIN", tok.start);
      }
      if (w === "SELECT") this.checkStar(nodes, i);
      const name = identName(node);
      if (name !== undefined && (tok.kind === "ident" || tok.kind === "qident")) {
        const afterDot = isKind(nodes[prevSig(nodes, i - 1)], "dot");
        if (!afterDot && isKind(next, "dot") && (SCHEMA_NAMES.has(name) || name.startsWith("pg_"))) {
          this.add("UNKNOWN_TABLE", `Table or view not found: ${name}.${identName(nodes[nextSig(nodes, j + 1)]) ?? ""}`, tok.start);
        }
        if (isGroup(next)) this.checkCall(nodes, i, j, name, tok.kind === "qident", afterDot);
      }
    }
  }

  private checkStar(nodes: Node[], selectIdx: number): void {
    for (const item of this.selectItems(nodes, selectIdx)) {
      const s = sig(item.nodes);
      const last = s[s.length - 1];
      const star = isKind(last, "op", "*") && (s.length === 1 || (s.length === 3 && isKind(s[1], "dot")));
      if (star) {
        this.add("SELECT_STAR", "SELECT * is not supported; list the columns to select explicitly", item.position);
      }
    }
  }

  private checkCall(nodes: Node[], i: number, groupIdx: number, name: string, quoted: boolean, afterDot: boolean): void {
    const upper = name.toUpperCase();
    const prev = nodes[prevSig(nodes, i - 1)];
    if (!quoted && NON_CALL_WORDS.has(upper)) {
      if (upper === "TABLE") {
        const inner = sig((nodes[groupIdx] as Extract<Node, { type: "group" }>).children);
        if (!(isWord(inner[0], "EXTEND_TIME_WINDOW") && inner.length === 2)) {
          this.add("UNKNOWN_FUNCTION", "TABLE(...) is only supported around EXTEND_TIME_WINDOW(...)", firstToken(nodes[i] as Node).start);
        }
      }
      return;
    }
    // Type names (CAST(x AS DECIMAL(38, 4)), x::numeric(10, 2)), alias column lists (AS t(a, b)).
    if (isWord(prev, "AS") || isKind(prev, "op", "::")) return;
    // CTE column list: name (a, b) AS (...).
    const asIdx = nextSig(nodes, groupIdx + 1);
    if (isWord(nodes[asIdx], "AS") && isGroup(nodes[nextSig(nodes, asIdx + 1)])) return;
    if (afterDot || !isKnownFunction(name)) {
      const shown = afterDot ? `${identName(nodes[prevSig(nodes, prevSig(nodes, i - 1) - 1)]) ?? ""}.${name}` : name;
      this.add("UNKNOWN_FUNCTION", `Undefined function: ${shown}. This function is not available in AMC SQL`, firstToken(nodes[i] as Node).start);
      return;
    }
    if (isAggregate(upper)) {
      const after = nextSig(nodes, groupIdx + 1);
      if (!isWord(nodes[after], "OVER")) this.hasAggregate = true;
    }
  }

  /** Column list of a CTE whose body is the group at nodes[i]: WITH name (a, b) AS (body). */
  private cteColumnsFor(nodes: Node[], i: number): string[] | undefined {
    const asIdx = prevSig(nodes, i - 1);
    if (!isWord(nodes[asIdx], "AS")) return undefined;
    let p = prevSig(nodes, asIdx - 1);
    if (isWord(nodes[p], "MATERIALIZED")) {
      p = prevSig(nodes, p - 1);
      if (isWord(nodes[p], "NOT")) p = prevSig(nodes, p - 1);
    }
    const cols = nodes[p];
    if (!isGroup(cols)) return undefined;
    const nameIdx = prevSig(nodes, p - 1);
    if (identName(nodes[nameIdx]) === undefined) return undefined;
    return splitCommas(cols.children).map((c) => identName(sig(c)[0]) ?? "?column?");
  }

  // -------------------------------------------------------------------------------------------
  // Select lists and definitions

  /** Indices of SELECT keywords at this level, one per UNION/INTERSECT/EXCEPT branch. */
  private selectIndices(nodes: Node[]): number[] {
    const out: number[] = [];
    nodes.forEach((n, i) => {
      if (isWord(n, "SELECT")) out.push(i);
    });
    return out;
  }

  private selectItems(nodes: Node[], selectIdx: number): SelectItem[] {
    let start = nextSig(nodes, selectIdx + 1);
    if (isWord(nodes[start], "DISTINCT", "ALL")) start = start + 1;
    let end = nodes.length;
    for (let k = start; k < nodes.length && k >= 0; k++) {
      const w = word(nodes[k]);
      if (w !== undefined && (SELECT_LIST_END.has(w) || w === "SELECT")) {
        end = k;
        break;
      }
    }
    if (start < 0) return [];
    const items: SelectItem[] = [];
    splitCommas(nodes.slice(start, end)).forEach((part) => {
      const s = sig(part);
      if (s.length === 0) return;
      items.push({ ...this.itemNameAndExpr(s), position: firstToken(s[0] as Node).start });
    });
    return items;
  }

  private itemNameAndExpr(s: Node[]): { nodes: Node[]; name: string } {
    const last = s[s.length - 1];
    const before = s[s.length - 2];
    const lastName = identName(last);
    if (s.length >= 3 && isWord(before, "AS") && lastName !== undefined) {
      return { nodes: s.slice(0, -2), name: lastName };
    }
    const lastWord = word(last);
    const bareAlias =
      s.length >= 2 &&
      lastName !== undefined &&
      !(lastWord !== undefined && RESERVED.has(lastWord)) &&
      !isKind(before, "dot") &&
      !isKind(before, "op") &&
      !(word(before) !== undefined && RESERVED.has(word(before) as string));
    if (bareAlias) return { nodes: s.slice(0, -1), name: lastName as string };
    // PostgreSQL's default names: a column reference keeps its name, a call its function name.
    const ref = s.every((n) => isKind(n, "dot") || identName(n) !== undefined);
    if (ref && lastName !== undefined) return { nodes: s, name: lastName };
    if (s.length >= 2 && identName(s[0]) !== undefined && isGroup(s[1])) {
      return { nodes: s, name: (identName(s[0]) as string).toLowerCase() };
    }
    return { nodes: s, name: "?column?" };
  }

  private collectDefinitions(nodes: Node[], cteColumns: string[] | undefined): void {
    const branches = this.selectIndices(nodes).map((i) => this.selectItems(nodes, i));
    const names = (branches[0] ?? []).map((item, k) => cteColumns?.[k] ?? item.name);
    for (const items of branches) {
      items.forEach((item, k) => {
        const name = names[k] ?? item.name;
        const list = this.defs.get(name) ?? [];
        list.push(item.nodes);
        this.defs.set(name, list);
      });
    }
  }

  /** Final SELECT items: skip the WITH clause, then the first branch of the body. */
  private finalItems(nodes: Node[]): SelectItem[] {
    let level = nodes;
    for (;;) {
      const body = this.bodyStart(level);
      const first = level[body];
      if (isGroup(first) && isQueryGroup(first)) {
        // (SELECT ...) or (SELECT ...) UNION (SELECT ...): the first branch names the columns.
        level = first.children;
        continue;
      }
      const sel = level.findIndex((n, i) => i >= body && isWord(n, "SELECT"));
      return sel < 0 ? [] : this.selectItems(level, sel);
    }
  }

  /** Index of the first node after a leading WITH clause. */
  private bodyStart(nodes: Node[]): number {
    let i = nextSig(nodes, 0);
    if (!isWord(nodes[i], "WITH")) return i;
    i = nextSig(nodes, i + 1);
    if (isWord(nodes[i], "RECURSIVE")) i = nextSig(nodes, i + 1);
    for (;;) {
      // name [ (cols) ] AS [ [NOT] MATERIALIZED ] ( body ) [ , ... ]
      let k = nextSig(nodes, i + 1);
      if (isGroup(nodes[k])) k = nextSig(nodes, k + 1);
      if (!isWord(nodes[k], "AS")) return i;
      k = nextSig(nodes, k + 1);
      if (isWord(nodes[k], "NOT")) k = nextSig(nodes, k + 1);
      if (isWord(nodes[k], "MATERIALIZED")) k = nextSig(nodes, k + 1);
      if (!isGroup(nodes[k])) return k;
      const after = nextSig(nodes, k + 1);
      if (isKind(nodes[after], "comma")) {
        i = nextSig(nodes, after + 1);
        continue;
      }
      return after;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Classes (threshold lineage)

  private resolveClasses(): void {
    for (const name of this.defs.keys()) {
      const c = columnClass(name);
      this.classes.set(name, { cls: c ?? "NONE", source: name });
    }
    for (let round = 0; round < 50; round++) {
      let changed = false;
      for (const [name, exprs] of this.defs) {
        const current = this.classes.get(name) as { cls: ThresholdClass; source: string };
        for (const e of exprs) {
          const { cls, source } = this.exprClass(e);
          if (maxClass(cls, current.cls) !== current.cls) {
            this.classes.set(name, { cls, source });
            current.cls = cls;
            current.source = source;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
  }

  private refClass(name: string): { cls: ThresholdClass; source: string } {
    const known = this.classes.get(name);
    if (known) return known;
    return { cls: columnClass(name) ?? "LOW", source: name };
  }

  /**
   * The most sensitive class whose values reach the result of an expression. Metric aggregates,
   * window functions, CASE/IF conditions and IS NULL tests do not pass values through.
   */
  private exprClass(nodes: Node[]): { cls: ThresholdClass; source: string; dimension: boolean } {
    let cls: ThresholdClass = "NONE";
    let source = "";
    let dimension = false;
    let conditionDepth = 0;
    let aggregateDepth = 0;
    const bump = (c: ThresholdClass, s: string) => {
      if (aggregateDepth === 0) dimension = true;
      // Columns that only decide between values (IF/CASE conditions) group rows but do not
      // show their values.
      if (conditionDepth > 0) return;
      if (source === "" || maxClass(c, cls) !== cls) {
        cls = maxClass(c, cls);
        source = s;
      }
    };
    const visit = (list: Node[]) => {
      for (let i = 0; i < list.length; i++) {
        const node = list[i] as Node;
        if (isTrivia(node)) continue;
        if (isGroup(node)) {
          if (isQueryGroup(node)) {
            // Scalar subquery: the value is its first select item.
            const sel = node.children.findIndex((n) => isWord(n, "SELECT"));
            const first = sel >= 0 ? this.selectItems(node.children, sel)[0] : undefined;
            if (first) visit(first.nodes);
          } else visit(node.children);
          continue;
        }
        const w = word(node);
        if (w === "CASE") {
          const end = matchingEnd(list, i);
          visitCase(list.slice(i + 1, end < 0 ? list.length : end));
          i = end < 0 ? list.length : end;
          continue;
        }
        const name = identName(node);
        if (name === undefined) continue;
        const j = nextSig(list, i + 1);
        const next = list[j];
        const prev = list[prevSig(list, i - 1)];
        // Type names (CAST(x AS STRING), x::numeric(10, 2)), typed literals (DATE '...'),
        // EXTRACT units (EPOCH FROM ...): words, not columns.
        if (isWord(prev, "AS") || isKind(prev, "op", "::")) {
          if (isGroup(next)) i = j;
          continue;
        }
        if (isKind(next, "string") || isWord(next, "FROM")) continue;
        if (isGroup(next)) {
          const upper = name.toUpperCase();
          const suffixEnd = callSuffixEnd(list, j + 1);
          if (METRIC_AGGREGATES.has(upper) || WINDOW_FUNCTIONS.has(upper)) {
            if (WINDOW_FUNCTIONS.has(upper) && (upper === "LAG" || upper === "LEAD" || upper.endsWith("_VALUE"))) {
              visit(splitCommas(next.children)[0] ?? []);
            }
          } else if (upper === "IF") {
            const [cond, ...rest] = splitCommas(next.children);
            conditionDepth++;
            visit(cond ?? []);
            conditionDepth--;
            for (const arg of rest) visit(arg);
          } else if (VALUE_AGGREGATES.has(upper)) {
            aggregateDepth++;
            visit(next.children);
            aggregateDepth--;
          } else if (isKnownFunction(upper)) {
            visit(next.children);
          }
          i = suffixEnd - 1;
          continue;
        }
        if (w !== undefined && (RESERVED.has(w) || NON_CALL_WORDS.has(w))) continue;
        // Walk a name chain a.b.c to its last part.
        let k = i;
        let last = name;
        for (;;) {
          const d = nextSig(list, k + 1);
          if (isKind(list[d], "dot") && identName(list[nextSig(list, d + 1)]) !== undefined) {
            k = nextSig(list, d + 1);
            last = identName(list[k]) as string;
          } else break;
        }
        i = k;
        const nullTest = isWord(list[nextSig(list, k + 1)], "IS");
        const ref = this.refClass(last);
        if (nullTest) conditionDepth++;
        bump(ref.cls, ref.source);
        if (nullTest) conditionDepth--;
      }
    };
    const visitCase = (inner: Node[]) => {
      // Only THEN/ELSE results reach the output; the operand and WHEN conditions only group.
      let mode: "skip" | "take" = "skip";
      let start = 0;
      for (let i = 0; i <= inner.length; i++) {
        const w = word(inner[i]);
        if (i === inner.length || w === "WHEN" || w === "THEN" || w === "ELSE") {
          if (mode === "skip") conditionDepth++;
          visit(inner.slice(start, i));
          if (mode === "skip") conditionDepth--;
          mode = w === "THEN" || w === "ELSE" ? "take" : "skip";
          start = i + 1;
        } else if (w === "CASE") {
          const end = matchingEnd(inner, i);
          i = end < 0 ? inner.length - 1 : end;
        }
      }
    };
    visit(nodes);
    return { cls, source: source || "?", dimension };
  }

  // -------------------------------------------------------------------------------------------
  // Distinct-user count columns

  private resolveUserCounts(): void {
    // Least fixpoint; a bare re-selection of the same name (`SELECT users FROM cte`) neither
    // proves nor disproves anything, so it is left out.
    this.userCountNames = new Set();
    for (let round = 0; round < 50; round++) {
      let changed = false;
      for (const [name, exprs] of this.defs) {
        if (this.userCountNames.has(name)) continue;
        const own = exprs.filter((e) => chainName(e) !== name);
        if (own.length > 0 && own.every((e) => this.isUserCountExpr(e))) {
          this.userCountNames.add(name);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  /**
   * COUNT(DISTINCT [t.]user_id), MIN/MAX of such counts (each is a lower bound of the row's
   * users), or a name every definition of which is one of these.
   */
  private isUserCountExpr(nodes: Node[]): boolean {
    const s = sig(nodes);
    if (s.length === 1 && isGroup(s[0]) && !isQueryGroup(s[0])) return this.isUserCountExpr(s[0].children);
    const fn = word(s[0]);
    if (s.length === 2 && isGroup(s[1]) && (fn === "COUNT" || fn === "MAX" || fn === "MIN")) {
      const args = sig(s[1].children);
      if (fn === "COUNT") {
        if (!isWord(args[0], "DISTINCT")) return false;
        const ref = args.slice(1);
        const last = ref[ref.length - 1];
        const chain = ref.every((n) => isKind(n, "dot") || identName(n) !== undefined);
        return chain && identName(last) === "user_id";
      }
      return this.isUserCountExpr(s[1].children);
    }
    const last = chainName(s);
    return last !== undefined && this.userCountNames.has(last);
  }

  // -------------------------------------------------------------------------------------------
  // Literal comparisons against HIGH / VERY_HIGH columns

  private checkComparisons(nodes: Node[]): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Node;
      if (isGroup(node)) {
        this.checkComparisons(node.children);
        continue;
      }
      if (isTrivia(node)) continue;
      const w = word(node);
      const isOp = node.tok.kind === "op" && COMPARISON_OPS.has(node.tok.text);
      if (!isOp && !(w !== undefined && COMPARISON_WORDS.has(w))) continue;
      // Left side: back to the previous boolean boundary.
      let l = i - 1;
      if (isWord(nodes[prevSig(nodes, l)], "NOT")) l = prevSig(nodes, l) - 1;
      let ls = l;
      while (ls >= 0) {
        const n = nodes[ls];
        const lw = word(n);
        if (isKind(n, "comma") || (lw !== undefined && CONDITION_BOUNDARY.has(lw))) break;
        ls--;
      }
      const left = nodes.slice(ls + 1, l + 1);
      // Right side.
      let r = i + 1;
      if (w === "SIMILAR" && isWord(nodes[nextSig(nodes, r)], "TO")) r = nextSig(nodes, r) + 1;
      let right: Node[];
      if (w === "IN") {
        const g = nextSig(nodes, r);
        right = g >= 0 ? [nodes[g] as Node] : [];
      } else if (w === "BETWEEN") {
        const a = operandEnd(nodes, r);
        const and = nextSig(nodes, a);
        right = nodes.slice(r, isWord(nodes[and], "AND") ? operandEnd(nodes, and + 1) : a);
      } else {
        right = nodes.slice(r, operandEnd(nodes, r));
      }
      const L = this.side(left);
      const R = this.side(right);
      const offending = L.sensitive && !R.hasRef && R.hasLiteral ? L.sensitive : R.sensitive && !L.hasRef && L.hasLiteral ? R.sensitive : undefined;
      if (offending) {
        this.add(
          "LITERAL_FILTER_ON_RESTRICTED_COLUMN",
          `Column '${offending.source}' has aggregation threshold ${offending.cls} and cannot be compared with literal values`,
          firstToken(node).start,
        );
      }
    }
  }

  private side(nodes: Node[]): { sensitive?: { cls: ThresholdClass; source: string }; hasRef: boolean; hasLiteral: boolean } {
    let hasRef = false;
    let hasLiteral = false;
    let sensitive: { cls: ThresholdClass; source: string } | undefined;
    const visit = (list: Node[]) => {
      for (let i = 0; i < list.length; i++) {
        const node = list[i] as Node;
        if (isTrivia(node)) continue;
        if (isGroup(node)) {
          if (isQueryGroup(node)) hasRef = true;
          else visit(node.children);
          continue;
        }
        const k = node.tok.kind;
        if (k === "string" || k === "number") {
          hasLiteral = true;
          continue;
        }
        const w = word(node);
        if (w === "TRUE" || w === "FALSE" || w === "NULL") {
          hasLiteral = true;
          continue;
        }
        const name = identName(node);
        if (name === undefined) continue;
        const j = nextSig(list, i + 1);
        if (isGroup(list[j])) {
          const upper = name.toUpperCase();
          if (METRIC_AGGREGATES.has(upper) || WINDOW_FUNCTIONS.has(upper)) {
            hasRef = true;
            i = callSuffixEnd(list, j + 1) - 1;
          }
          continue;
        }
        if (w !== undefined && (RESERVED.has(w) || NON_CALL_WORDS.has(w))) continue;
        if (isKind(list[j], "dot")) continue;
        hasRef = true;
        const ref = this.refClass(name);
        if (classAtLeast(ref.cls, "HIGH")) sensitive = ref;
      }
    };
    visit(nodes);
    return { sensitive, hasRef, hasLiteral };
  }
}

/** `a.b.c` → c; undefined when the nodes are not a plain name chain. */
function chainName(nodes: Node[]): string | undefined {
  const s = sig(nodes);
  if (s.length === 0 || !s.every((n) => isKind(n, "dot") || identName(n) !== undefined)) return undefined;
  return identName(s[s.length - 1]);
}

/** The violations as one AMC-style message, for AmcError. */
export function violationMessage(violations: RuleViolation[]): string {
  return violations.map((v) => v.message).join("; ");
}
