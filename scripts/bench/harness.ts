import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres, withDatabase } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { createDatabase } from "../../db/client";

/** What every benchmark gets: a PostgreSQL server to create its own database on. */
export interface BenchContext {
  /** URL of the server's maintenance database (`postgres`). */
  adminUrl: string;
  /** Where the server came from, for the printed header and the JSON. */
  server: string;
  log: (line: string) => void;
}

/** One row of a benchmark's printed table; `values` are printed in insertion order. */
export type BenchRow = Record<string, string | number | boolean | null>;

export interface BenchResult {
  name: string;
  /** Anything worth keeping next to the figures (sizes, generation time, settings). */
  meta: Record<string, unknown>;
  rows: BenchRow[];
  warnings: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/**
 * BENCH_DATABASE_URL, else the server behind TEST_DATABASE_URL, else an embedded PostgreSQL
 * under .data/bench-pg (kept apart from the dev and test clusters so a bench run never
 * disturbs them).
 */
export async function benchServer(
  log: (line: string) => void,
): Promise<{ adminUrl: string; server: string; stop: () => Promise<void> }> {
  const explicit = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (explicit) {
    const source = process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "TEST_DATABASE_URL";
    return { adminUrl: withDatabase(explicit, "postgres"), server: source, stop: async () => {} };
  }
  log("no BENCH_DATABASE_URL / TEST_DATABASE_URL: starting embedded PostgreSQL in .data/bench-pg");
  const pg = await startEmbeddedPostgres(path.resolve(".data", "bench-pg"));
  return { adminUrl: pg.adminUrl, server: "embedded (.data/bench-pg)", stop: pg.stop };
}

/** Drops and recreates `name`, migrates it, and returns its URL. */
export async function freshBenchDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  await runMigrations(url);
  return url;
}

/**
 * A fresh migrated database with both of its clients: raw postgres.js (COPY, generation, EXPLAIN)
 * and the app's drizzle pool (the functions the pages call). `close` ends both.
 */
export async function benchDatabase(adminUrl: string, name: string, max = 4) {
  const url = await freshBenchDatabase(adminUrl, name);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const handle = createDatabase(url, { max });
  return { url, sql, db: handle.db, close: async () => (await handle.close(), await sql.end()) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time in ms of `runs` calls after `warmup` untimed ones. */
export async function timeMedian(
  fn: () => Promise<unknown>,
  { runs = 5, warmup = 1 }: { runs?: number; warmup?: number } = {},
): Promise<{ medianMs: number; samplesMs: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samplesMs.push(performance.now() - t0);
  }
  return { medianMs: median(samplesMs), samplesMs };
}

export const round = (ms: number, digits = 2): number => Number(ms.toFixed(digits));

// ---------- EXPLAIN (ANALYZE, BUFFERS) ----------

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Alias?: string;
  "Actual Total Time"?: number;
  "Actual Rows"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

export interface ExplainSummary {
  executionMs: number;
  planningMs: number;
  /** e.g. "Limit > Nested Loop Left Join > … > Index Scan (idx_report_definitions_last_run)". */
  path: string;
  /** How the given relations are read, e.g. { report_definitions: "Index Scan idx_…" }. */
  scans: Record<string, string[]>;
  seqScans: string[];
  sharedHit: number;
  sharedRead: number;
}

interface ExplainJson {
  Plan: PlanNode;
  "Planning Time": number;
  "Execution Time": number;
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

function describe(node: PlanNode): string {
  return node["Index Name"] ? `${node["Node Type"]} ${node["Index Name"]}` : node["Node Type"];
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of a statement with its bind parameters, summarized: the chain of
 * first children from the top (how the page is produced), how each relation is read, and any
 * sequential scan on `watched` tables.
 */
export async function explain(
  sql: postgres.Sql,
  statement: { sql: string; params: unknown[] },
  watched: string[],
): Promise<ExplainSummary> {
  const result = await sql.unsafe<{ "QUERY PLAN": ExplainJson[] }[]>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`,
    statement.params as postgres.ParameterOrJSON<never>[],
  );
  const plan = result[0]?.["QUERY PLAN"][0];
  if (!plan) throw new Error("EXPLAIN returned no plan");
  const chain: string[] = [];
  for (let n: PlanNode | undefined = plan.Plan; n; n = n.Plans?.[0]) chain.push(describe(n));
  const scans: Record<string, string[]> = {};
  const seqScans: string[] = [];
  walk(plan.Plan, (n) => {
    const rel = n["Relation Name"];
    if (!rel) return;
    (scans[rel] ??= []).push(describe(n));
    if (n["Node Type"] === "Seq Scan" && watched.includes(rel)) seqScans.push(rel);
  });
  return {
    executionMs: plan["Execution Time"],
    planningMs: plan["Planning Time"],
    path: chain.join(" > "),
    scans,
    seqScans,
    sharedHit: plan.Plan["Shared Hit Blocks"] ?? 0,
    sharedRead: plan.Plan["Shared Read Blocks"] ?? 0,
  };
}

// ---------- output ----------

export function formatTable(rows: BenchRow[]): string {
  if (rows.length === 0) return "(no rows)";
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: BenchRow[string] | undefined) =>
    v === undefined || v === null ? "" : typeof v === "number" ? String(v) : String(v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const isNumeric = columns.map((c) =>
    rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === "number" || /^[\d.]+\*?$/.test(String(r[c]))),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (isNumeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join(" | ")
      .trimEnd();
  return [
    line(columns),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join("\n");
}

/** bench/results/<name>-<timestamp>.json, one file per benchmark run. */
export function writeResult(result: BenchResult, server: string): string {
  const dir = path.resolve("bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = path.join(dir, `${result.name}-${at.replace(/[:.]/g, "-")}.json`);
  const body = { at, node: process.version, server, ...result };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
