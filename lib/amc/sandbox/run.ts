import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import type { AmcTimeWindow } from "../gateway";
import { SANDBOX_READER_ROLE, SANDBOX_SCHEMA, SANDBOX_TABLES } from "./catalog";
import { SqlSyntaxError, tokenize } from "./sql-lexer";
import type { ExtendedWindow } from "./translate";
import { localToPg } from "./translate/literals";

/**
 * Runs translated sandbox SQL the way AMC would see it: every AMC table name is a temp view of
 * its physical table restricted to the execution window (§2.6), the query runs as a role that
 * can read those views and nothing else, in a read-only transaction with a statement timeout,
 * and the aggregation threshold drops thin rows afterwards. Everything happens in one
 * transaction (or savepoint, inside a caller's transaction) that is always rolled back, so the
 * temp views and settings never outlive the run.
 */

export interface RunOptions {
  window: AmcTimeWindow;
  /** Views the translation asked for (TABLE(EXTEND_TIME_WINDOW(...))). */
  extendedWindows?: readonly ExtendedWindow[];
  /** Default 60 s. */
  statementTimeoutMs?: number;
  /** Distinct users a result row needs; rows below are dropped. 0 or absent: keep every row. */
  threshold?: number;
  /** 0-based result columns holding distinct-user counts (the largest per row is used). */
  userCountColumns?: readonly number[];
  /** Or: the name of the distinct-user count column. */
  userCountColumn?: string;
  /** 0-based result columns to leave out of the result (the sandbox-only `__du`). */
  hiddenColumns?: readonly number[];
  /** Refuse results with more rows than this (default 500,000). */
  maxRows?: number;
}

export interface ResultColumn {
  name: string;
  /** PostgreSQL type, e.g. `bigint`, `numeric`, `text`, `date`. */
  type: string;
}

export interface RunResult {
  columns: ResultColumn[];
  /** Values as PostgreSQL prints them (CSV-ready); null for SQL NULL. */
  rows: (string | null)[][];
  /** Rows the aggregation threshold removed. */
  droppedRows: number;
  /** How writes were prevented: the reader role (normal) or only a read-only transaction. */
  isolation: "reader_role" | "read_only_transaction";
}

export type SandboxQueryErrorKind = "invalid" | "timeout" | "cancelled" | "too_large" | "database";

/** A query that failed at run time; `message` is PostgreSQL's (or ours), suitable as AMC's reason. */
export class SandboxQueryError extends Error {
  readonly kind: SandboxQueryErrorKind;
  readonly sqlState?: string;
  constructor(kind: SandboxQueryErrorKind, message: string, sqlState?: string) {
    super(message);
    this.name = "SandboxQueryError";
    this.kind = kind;
    this.sqlState = sqlState;
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_ROWS = 500_000;

class Rollback {
  constructor(readonly result: RunResult) {}
}

export async function runSandboxQuery(db: Database, pgSql: string, options: RunOptions): Promise<RunResult> {
  assertSingleStatement(pgSql);
  const timeoutMs = Math.max(1, Math.round(options.statementTimeoutMs ?? DEFAULT_TIMEOUT_MS));
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  try {
    await db.transaction(async (tx) => {
      const result = await runInTransaction(tx, pgSql, options, timeoutMs, maxRows);
      // Always roll back: temp views, grants and settings must not outlive the run.
      throw new Rollback(result);
    });
  } catch (e) {
    if (e instanceof Rollback) return e.result;
    throw toQueryError(e, timeoutMs);
  }
  throw new Error("unreachable: the sandbox run transaction always rolls back");
}

/**
 * The runner wraps user SQL in its own statements; a second statement smuggled in would run
 * with them (drizzle sends parameterless SQL over the simple protocol), so `;` is refused here,
 * not only by the static rules. The lexer agrees with PostgreSQL on literal and comment bounds.
 */
function assertSingleStatement(pgSql: string): void {
  let tokens;
  try {
    tokens = tokenize(pgSql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) throw new SandboxQueryError("invalid", `Syntax error at position ${e.position}: ${e.message}`);
    throw e;
  }
  if (tokens.some((t) => t.kind === "semicolon")) {
    throw new SandboxQueryError("invalid", "Only one statement per query is allowed");
  }
  if (!tokens.some((t) => t.kind !== "ws" && t.kind !== "comment")) {
    throw new SandboxQueryError("invalid", "The query is empty");
  }
}

interface Bounds extends Record<string, unknown> {
  start_utc: string;
  end_utc: string;
  has_role: boolean;
}

async function runInTransaction(
  tx: Database,
  pgSql: string,
  options: RunOptions,
  timeoutMs: number,
  maxRows: number,
): Promise<RunResult> {
  const { window } = options;
  const start = localToPg(window.start);
  const end = localToPg(window.end);
  // The window is local time in its zone; the physical tables are filtered on UTC columns.
  const [bounds] = await tx.execute<Bounds>(sql`
    SELECT ((${start}::timestamp AT TIME ZONE ${window.timeZone}) AT TIME ZONE 'UTC')::text AS start_utc,
           ((${end}::timestamp AT TIME ZONE ${window.timeZone}) AT TIME ZONE 'UTC')::text AS end_utc,
           to_regrole(${SANDBOX_READER_ROLE}) IS NOT NULL AS has_role`);
  if (!bounds) throw new Error("sandbox: could not compute the window bounds");
  const existing = await tx.execute<{ name: string }>(sql`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${SANDBOX_SCHEMA} AND c.relkind = 'r'`);
  const physical = new Set(existing.map((r) => r.name));

  const ddl: string[] = [];
  const view = (name: string, table: string, column: string, from: string, to: string) => {
    ddl.push(
      `CREATE OR REPLACE TEMP VIEW ${name} AS SELECT * FROM ${SANDBOX_SCHEMA}.${table} ` +
        `WHERE ${column} >= ${from} AND ${column} < ${to}`,
    );
    if (bounds.has_role) ddl.push(`GRANT SELECT ON pg_temp.${name} TO ${SANDBOX_READER_ROLE}`);
  };
  const ts = (v: string) => `TIMESTAMP '${v}'`;
  for (const t of SANDBOX_TABLES) {
    if (physical.has(t.physical)) view(t.amcName, t.physical, t.windowColumn, ts(bounds.start_utc), ts(bounds.end_utc));
  }
  for (const x of options.extendedWindows ?? []) {
    const t = SANDBOX_TABLES.find((s) => s.amcName === x.table);
    if (!t || !physical.has(t.physical) || !/^__amc_ext_\d+$/.test(x.view)) continue;
    view(
      x.view,
      t.physical,
      t.windowColumn,
      `${ts(bounds.start_utc)} - INTERVAL '${isoDuration(x.back)}'`,
      `${ts(bounds.end_utc)} + INTERVAL '${isoDuration(x.forward)}'`,
    );
  }
  // Our own statements only: one round trip over the simple protocol.
  if (ddl.length) await tx.execute(sql.raw(ddl.join(";\n")));

  let isolation: RunResult["isolation"] = "read_only_transaction";
  if (bounds.has_role) {
    try {
      await tx.transaction(async (sp) => {
        await sp.execute(sql.raw(`SET LOCAL ROLE ${SANDBOX_READER_ROLE}`));
      });
      isolation = "reader_role";
    } catch {
      // The connected user may not be allowed to become the reader (no membership). The run
      // still cannot write (read-only transaction below) and the static rules refuse schema
      // references and functions outside AMC's list, but it reads with the app's privileges.
    }
  }
  await tx.execute(
    sql.raw(
      [
        "SET LOCAL search_path = pg_temp",
        "SET LOCAL TimeZone = 'UTC'",
        "SET LOCAL DateStyle = 'ISO, YMD'",
        "SET LOCAL IntervalStyle = 'postgres'",
        "SET LOCAL extra_float_digits = 1",
        "SET LOCAL standard_conforming_strings = on",
        "SET LOCAL jit = off",
        // Once on, a transaction cannot go back to read-write (PostgreSQL refuses after the
        // first query), so the submitted SQL cannot undo it with set_config().
        "SET LOCAL transaction_read_only = on",
        `SET LOCAL statement_timeout = ${timeoutMs}`,
      ].join(";\n"),
    ),
  );

  // Describe the result (names and types) without running it.
  const described = (await tx.execute(sql.raw(`SELECT * FROM (${pgSql}\n) AS __amc_q LIMIT 0`))) as unknown as {
    columns?: { name: string; type: number }[];
  };
  const cols = described.columns ?? [];
  if (cols.length === 0) throw new SandboxQueryError("invalid", "The query returns no columns");
  const typeRows = await tx.execute<{ oid: number; name: string }>(sql`
    SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS name
    FROM pg_type t WHERE t.oid = ANY(${`{${cols.map((c) => c.type).join(",")}}`}::oid[])`);
  const typeName = new Map(typeRows.map((r) => [r.oid, r.name]));

  const userCols = new Set(options.userCountColumns ?? []);
  if (options.userCountColumn !== undefined) {
    const idx = cols.findIndex((c) => c.name === options.userCountColumn);
    if (idx < 0) {
      throw new SandboxQueryError("invalid", `The result has no column '${options.userCountColumn}' to count distinct users with`);
    }
    userCols.add(idx);
  }
  const threshold = options.threshold ?? 0;
  const alias = (i: number) => `__c${i + 1}`;
  let keep = "true";
  if (threshold > 0) {
    const ucs = [...userCols].filter((i) => i >= 0 && i < cols.length);
    if (ucs.length === 0) {
      throw new SandboxQueryError(
        "invalid",
        "The sandbox needs a distinct-user count in the final SELECT to apply AMC's aggregation threshold: add COUNT(DISTINCT user_id) (or a column named __du)",
      );
    }
    keep = `COALESCE(GREATEST(${ucs.map((i) => `(${alias(i)})::numeric`).join(", ")}), 0) >= ${Number(threshold)}`;
  }
  const hidden = new Set(options.hiddenColumns ?? []);
  const visible = cols.map((_, i) => i).filter((i) => !hidden.has(i));
  const main = `
    WITH __r AS MATERIALIZED (SELECT * FROM (${pgSql}
      ) AS __amc_q (${cols.map((_, i) => alias(i)).join(", ")})),
    __k AS (SELECT __r.*, (${keep}) AS __keep FROM __r)
    SELECT d.__dropped::int AS __dropped, t.*
    FROM (SELECT count(*) FILTER (WHERE NOT __keep) AS __dropped FROM __k) d
    LEFT JOIN LATERAL (
      SELECT true AS __present${visible.map((i) => `, (${alias(i)})::text AS ${alias(i)}`).join("")}
      FROM __k WHERE __keep LIMIT ${maxRows + 1}
    ) t ON true`;
  const rows = await tx.execute<Record<string, unknown>>(sql.raw(main));
  const droppedRows = Number(rows[0]?.__dropped ?? 0);
  const data = rows.filter((r) => r.__present === true);
  if (data.length > maxRows) {
    throw new SandboxQueryError("too_large", `The result has more than ${maxRows} rows`);
  }
  return {
    columns: visible.map((i) => {
      const c = cols[i] as { name: string; type: number };
      return { name: c.name, type: typeName.get(c.type) ?? String(c.type) };
    }),
    rows: data.map((r) => visible.map((i) => (r[alias(i)] === null ? null : String(r[alias(i)])))),
    droppedRows,
    isolation,
  };
}

/** ISO-8601 durations were validated by the translator; re-check before they reach SQL text. */
function isoDuration(d: string): string {
  if (!/^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(d)) {
    throw new SandboxQueryError("invalid", `'${d}' is not an ISO-8601 duration such as 'P14D'`);
  }
  return d;
}

/** The PostgreSQL error behind drizzle's wrapper, if any. */
function pgErrorOf(e: unknown): { code?: string; message: string } | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const o = cur as { code?: unknown; message?: unknown; cause?: unknown; severity?: unknown };
    if (typeof o.code === "string" && /^[0-9A-Z]{5}$/.test(o.code) && typeof o.message === "string") {
      return { code: o.code, message: o.message };
    }
    cur = o.cause;
  }
  return undefined;
}

function toQueryError(e: unknown, timeoutMs: number): Error {
  if (e instanceof SandboxQueryError) return e;
  const pg = pgErrorOf(e);
  if (!pg) return e instanceof Error ? e : new Error(String(e));
  if (pg.code === "57014") {
    if (/statement timeout/i.test(pg.message)) {
      return new SandboxQueryError("timeout", `Query exceeded the sandbox time limit of ${Math.round(timeoutMs / 1000)} s and was cancelled`, pg.code);
    }
    return new SandboxQueryError("cancelled", "Query was cancelled", pg.code);
  }
  // Connection-level trouble is not the query's fault.
  if (/^(08|53|57P|58)/.test(pg.code ?? "")) return e instanceof Error ? e : new Error(pg.message);
  return new SandboxQueryError(pg.code?.startsWith("42") ? "invalid" : "database", pg.message, pg.code);
}
