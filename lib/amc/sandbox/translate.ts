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

/** The SQL uses something the sandbox cannot translate; the message reads like AMC's. */
export class TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TranslationError";
  }
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})$/;
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

const EXTRACT_UNITS: Record<string, { unit: string; needsTimestamp: boolean }> = {
  HOUR: { unit: "HOUR", needsTimestamp: true },
  MINUTE: { unit: "MINUTE", needsTimestamp: true },
  SECOND: { unit: "SECOND", needsTimestamp: true },
  MONTH: { unit: "MONTH", needsTimestamp: false },
  YEAR: { unit: "YEAR", needsTimestamp: false },
  QUARTER: { unit: "QUARTER", needsTimestamp: false },
  DAYOFMONTH: { unit: "DAY", needsTimestamp: false },
  DAYOFYEAR: { unit: "DOY", needsTimestamp: false },
  // PostgreSQL's WEEK is the ISO week; AMC's week numbering is not documented.
  WEEK: { unit: "WEEK", needsTimestamp: false },
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
        out += `DATE '${this.today()}'`;
        continue;
      }
      if (w === "CURRENT_TIMESTAMP" && !isGroup(next)) {
        out += `TIMESTAMP '${this.nowText()}'`;
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

  private arity(name: string, args: string[], ...allowed: number[]): void {
    if (!allowed.includes(args.length)) {
      throw new TranslationError(
        `Invalid number of arguments for function ${name}: expected ${allowed.join(" or ")}, got ${args.length}`,
      );
    }
  }

  /** A translated call, or undefined when the name passes through unchanged. */
  private call(w: string, group: GroupNode): string | undefined {
    const a = () => this.args(group);
    const unit = EXTRACT_UNITS[w];
    if (unit) {
      const args = a();
      this.arity(w, args, 1);
      const x = unit.needsTimestamp ? `(${args[0]})::timestamp` : `(${args[0]})`;
      return w === "SECOND" ? `(floor(EXTRACT(SECOND FROM ${x}))::int)` : `(EXTRACT(${unit.unit} FROM ${x})::int)`;
    }
    switch (w) {
      case "IF": {
        const args = a();
        this.arity(w, args, 3);
        return `(CASE WHEN ${args[0]} THEN ${args[1]} ELSE ${args[2]} END)`;
      }
      case "NVL":
      case "IFNULL": {
        const args = a();
        this.arity(w, args, 2);
        return `COALESCE(${args.join(", ")})`;
      }
      case "NVL2": {
        const args = a();
        this.arity(w, args, 3);
        return `(CASE WHEN (${args[0]}) IS NOT NULL THEN ${args[1]} ELSE ${args[2]} END)`;
      }
      case "SECONDS_BETWEEN": {
        const args = a();
        this.arity(w, args, 2);
        return `EXTRACT(EPOCH FROM ((${args[1]})::timestamp - (${args[0]})::timestamp))`;
      }
      case "DAYOFWEEK": {
        const args = a();
        this.arity(w, args, 1);
        // AMC: 1 = Sunday; PostgreSQL DOW: 0 = Sunday.
        return `(EXTRACT(DOW FROM (${args[0]}))::int + 1)`;
      }
      case "CONVERT_TIME_ZONE_FROM_UTC": {
        const args = a();
        this.arity(w, args, 2);
        return `(((${args[0]})::timestamp AT TIME ZONE 'UTC') AT TIME ZONE (${args[1]}))`;
      }
      case "EPOCH_TO_UTC_TIMESTAMP": {
        const args = a();
        this.arity(w, args, 1);
        // AMC accepts seconds or milliseconds.
        const x = `(${args[0]})`;
        return `(to_timestamp(CASE WHEN ${x} > 100000000000 THEN ${x} / 1000.0 ELSE ${x} END) AT TIME ZONE 'UTC')`;
      }
      case "COLLECT":
        return `array_agg(${this.emit(group.children).trim()})`;
      case "ARRAY_SORT": {
        const inner = sig(group.children);
        if (inner.length === 2 && isWord(inner[0], "COLLECT") && isGroup(inner[1])) {
          const body = sig(inner[1].children);
          const distinct = isWord(body[0], "DISTINCT");
          const exprNodes = distinct ? inner[1].children.slice(inner[1].children.indexOf(body[0] as Node) + 1) : inner[1].children;
          const x = this.emit(exprNodes).trim();
          return `array_agg(${distinct ? "DISTINCT " : ""}${x} ORDER BY ${x})`;
        }
        const args = a();
        this.arity(w, args, 1);
        return `ARRAY(SELECT __x FROM unnest(${args[0]}) AS __s(__x) ORDER BY 1)`;
      }
      case "ARRAY_CONTAINS": {
        const args = a();
        this.arity(w, args, 2);
        return `((${args[1]}) = ANY(${args[0]}))`;
      }
      case "EXPLODE": {
        const args = a();
        this.arity(w, args, 1);
        return `unnest(${args[0]})`;
      }
      case "ARRAY_DISTINCT": {
        const args = a();
        this.arity(w, args, 1);
        return `ARRAY(SELECT DISTINCT unnest(${args[0]}))`;
      }
      case "ARRAY_UNION":
      case "ARRAY_INTERSECT":
      case "ARRAY_COMPLEMENT": {
        const args = a();
        this.arity(w, args, 2);
        const op = w === "ARRAY_UNION" ? "UNION" : w === "ARRAY_INTERSECT" ? "INTERSECT" : "EXCEPT";
        return `ARRAY(SELECT unnest(${args[0]}) ${op} SELECT unnest(${args[1]}))`;
      }
      case "NAMED_ROW": {
        const args = a();
        if (args.length === 0 || args.length % 2 !== 0) {
          throw new TranslationError("NAMED_ROW expects name/value pairs");
        }
        return `ROW(${args.filter((_, k) => k % 2 === 1).join(", ")})`;
      }
      case "CONTAINED_IN": {
        const args = a();
        if (args.length < 2) throw new TranslationError("CONTAINED_IN expects a value and at least one candidate");
        return `((${args[0]}) IN (${args.slice(1).join(", ")}))`;
      }
      case "REGEXP_SPLIT": {
        const args = a();
        this.arity(w, args, 2);
        return `regexp_split_to_array(${args.join(", ")})`;
      }
      case "REGEXP_SUBSTR": {
        const args = a();
        this.arity(w, args, 2);
        return `substring((${args[0]}) from (${args[1]}))`;
      }
      case "REGEXP_REPLACE": {
        const args = a();
        this.arity(w, args, 3);
        // AMC replaces every match (Java replaceAll); PostgreSQL only the first without 'g'.
        return `regexp_replace(${args.join(", ")}, 'g')`;
      }
      case "CHARINDEX":
      case "LOCATE": {
        const args = a();
        this.arity(w, args, 2);
        return `strpos(${args[1]}, ${args[0]})`;
      }
      case "INSTR": {
        const args = a();
        this.arity(w, args, 2);
        return `strpos(${args[0]}, ${args[1]})`;
      }
      case "MEDIAN": {
        const args = a();
        this.arity(w, args, 1);
        return `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${args[0]})`;
      }
      case "PERCENTILE":
      case "APPROX_PERCENTILE": {
        const args = a();
        this.arity(w, args, 2);
        return `percentile_cont(${args[1]}) WITHIN GROUP (ORDER BY ${args[0]})`;
      }
      case "SKEWNESS": {
        const args = a();
        this.arity(w, args, 1);
        const x = `(${args[0]})::double precision`;
        const m1 = `avg(${x})`;
        const m2 = `avg(${x} ^ 2)`;
        const m3 = `avg(${x} ^ 3)`;
        // Population skewness from raw moments: (E[x³] − 3μE[x²] + 2μ³) / (E[x²] − μ²)^1.5.
        return `((${m3} - 3 * ${m1} * ${m2} + 2 * ${m1} ^ 3) / NULLIF((${m2} - ${m1} ^ 2) ^ 1.5, 0))`;
      }
      case "HASH64": {
        const args = a();
        this.arity(w, args, 1);
        return `hashtextextended((${args[0]})::text, 0)`;
      }
      case "UUID": {
        this.arity(w, a(), 0);
        return "gen_random_uuid()::text";
      }
      case "GREATEST":
      case "LEAST": {
        const args = a();
        if (args.length < 1) throw new TranslationError(`${w} expects at least one argument`);
        // AMC returns NULL when any input is NULL; PostgreSQL ignores NULL inputs.
        const anyNull = args.map((x) => `(${x}) IS NULL`).join(" OR ");
        return `(CASE WHEN ${anyNull} THEN NULL ELSE ${w}(${args.join(", ")}) END)`;
      }
      case "BUILT_IN_PARAMETER":
        return this.builtIn(group);
      case "CUSTOM_PARAMETER":
        throw new TranslationError(
          "CUSTOM_PARAMETER is not supported in the sandbox: render parameters into the SQL before submitting",
        );
      case "CAST":
        return this.cast(group);
      default:
        return undefined;
    }
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
      const pinned = this.relativeLiteral(literal.trim().toLowerCase(), typeWord);
      if (pinned !== undefined) return pinned;
    }
    const expr = this.emit(exprNodes).trim();
    let type: string;
    if (typeWord && CAST_TYPES[typeWord] && typeNodes.length === 1) type = CAST_TYPES[typeWord] as string;
    else type = nodesText(children.slice(asIdx + 1)).trim();
    return `CAST(${expr} AS ${type})`;
  }

  /** CAST('today' AS DATE) and friends, pinned to the sandbox clock. */
  private relativeLiteral(value: string, type: "DATE" | "TIMESTAMP"): string | undefined {
    const dayShift: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
    if (value === "now") {
      return type === "DATE" ? `DATE '${this.today()}'` : `TIMESTAMP '${this.nowText()}'`;
    }
    const shift = dayShift[value];
    if (shift === undefined) return undefined;
    const d = new Date(Date.UTC(this.ctx.now.getUTCFullYear(), this.ctx.now.getUTCMonth(), this.ctx.now.getUTCDate() + shift));
    const day = d.toISOString().slice(0, 10);
    return type === "DATE" ? `DATE '${day}'` : `TIMESTAMP '${day} 00:00:00'`;
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

  private today(): string {
    return this.ctx.now.toISOString().slice(0, 10);
  }

  private nowText(): string {
    return this.ctx.now.toISOString().slice(0, 23).replace("T", " ");
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

export function localToPg(local: string): string {
  const m = LOCAL_TIME.exec(local);
  if (!m) throw new TranslationError(`Invalid time window value '${local}': expected YYYY-MM-DDTHH:MM:SS`);
  return `${m[1]} ${m[2]}`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
