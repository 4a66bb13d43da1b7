import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { SANDBOX_SCHEMA } from "./catalog";
import { Gen, RANDOM_FUNCTIONS } from "./data/gen";
import { attributedSql, creditsSql } from "./data/generators/attribution";
import { conversionsAllSql, conversionsSql, relevanceSql } from "./data/generators/conversions";
import { clicksSql, impressionsSql, viewsSql } from "./data/generators/dsp";
import { loadEntities } from "./data/generators/entity-tables";
import { eventsSql, purchasesSql, touchesSql } from "./data/generators/purchases";
import { saClicksSql, saImpressionsSql } from "./data/generators/sponsored-ads";
import { budgetsSql, pairsSql, usersSql } from "./data/generators/users";
import { type ResolvedOptions, type SandboxDataOptions, type SandboxSize, resolveOptions } from "./data/options";
import { DATA_TABLE_COLUMNS, DATA_TABLE_INDEXES, SANDBOX_DATA_TABLES, columnDefs } from "./data/tables";
import { ensureSandboxSchema } from "./schema";

/**
 * Deterministic synthetic AMC data (amc-data-model.md §4), generated inside PostgreSQL: every
 * random draw is a hash of (seed, stream, entity key), so the same seed gives the same rows
 * whatever the plan, and adding a stream does not move the others. Nothing reads the clock.
 *
 * The behaviour model is a simplification of §4.3: per (user, campaign) an impression count
 * (Poisson around a heavy-tailed per-user ad load), each impression placed on a weighted day and
 * hour; clicks as a per-impression chance; purchases organic (per user × brand hazard, promo
 * boosted) plus ad-driven (per touch, mostly after sponsored-ads clicks); detail-page views,
 * add-to-carts and the rest derived per purchase; attribution = last click else last impression
 * within 14 days, at most one DSP and one sponsored-ads row per conversion.
 */

/** Bump on any change to the generated data; ensureSandboxData then regenerates. */
export const SANDBOX_GENERATOR_VERSION = 1;

export interface SandboxGeneration {
  generatorVersion: number;
  seed: number;
  anchor: string;
  size: SandboxSize;
  rowCounts: Record<string, number>;
  durationMs: number;
}

export interface EnsureResult extends SandboxGeneration {
  /** False when matching data was already there. */
  generated: boolean;
}

const LOCK_KEY = 0x414d4353; // "AMCS": serialises generation across processes.

interface MetaRow extends Record<string, unknown> {
  generator_version: number;
  seed: number;
  anchor: string;
  users: number;
  days: number;
  row_counts: Record<string, number>;
  duration_ms: number;
}

async function readMeta(db: Database): Promise<MetaRow | undefined> {
  const rows = await db.execute<MetaRow>(sql`
    SELECT generator_version, seed::int AS seed, anchor::text AS anchor, users, days, row_counts, duration_ms
    FROM amc_sandbox.generation_meta WHERE id = 1`);
  return rows[0];
}

/** True when the data tables exist and are filled (UNLOGGED tables come back empty after a crash). */
async function dataPresent(db: Database): Promise<boolean> {
  const rows = await db.execute<{ ok: boolean }>(sql`
    SELECT to_regclass('amc_sandbox.dsp_impressions') IS NOT NULL
       AND to_regclass('amc_sandbox.conversions_all') IS NOT NULL AS ok`);
  if (!rows[0]?.ok) return false;
  const filled = await db.execute<{ ok: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM amc_sandbox.dsp_impressions) AND EXISTS (SELECT 1 FROM amc_sandbox.conversions_all) AS ok`);
  return !!filled[0]?.ok;
}

function fromMeta(m: MetaRow, generated: boolean): EnsureResult {
  return {
    generated,
    generatorVersion: m.generator_version,
    seed: m.seed,
    anchor: m.anchor,
    size: { users: m.users, days: m.days },
    rowCounts: m.row_counts,
    durationMs: m.duration_ms,
  };
}

/**
 * Makes sure the sandbox holds data for exactly these options and the current generator
 * version, generating it when not (idempotent; concurrent callers wait on an advisory lock and
 * then find the data there). With `reuseExisting`, any data of the current generator version is
 * accepted: what a runner wants, so a run never replaces data the app generated on purpose.
 */
export async function ensureSandboxData(
  db: Database,
  options: SandboxDataOptions & { reuseExisting?: boolean } = {},
): Promise<EnsureResult> {
  const want = resolveOptions(options);
  await ensureSandboxSchema(db);
  const matches = (m: MetaRow | undefined) =>
    !!m &&
    m.generator_version === SANDBOX_GENERATOR_VERSION &&
    (options.reuseExisting ||
      (m.seed === want.seed && m.anchor === want.anchor && m.users === want.size.users && m.days === want.size.days));
  const before = await readMeta(db);
  if (matches(before) && (await dataPresent(db))) return fromMeta(before as MetaRow, false);

  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    const meta = await readMeta(tx);
    if (matches(meta) && (await dataPresent(tx))) return fromMeta(meta as MetaRow, false);
    const g = await generateInTransaction(tx, want, options.log);
    return { ...g, generated: true };
  });
}

/** Regenerates unconditionally (holding the same lock). */
export async function generateSandboxData(db: Database, options: SandboxDataOptions = {}): Promise<SandboxGeneration> {
  const want = resolveOptions(options);
  await ensureSandboxSchema(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    return generateInTransaction(tx, want, options.log);
  });
}

/** Runs the generation steps in order (each timed into `log`), then records the meta row. */
async function generateInTransaction(tx: Database, r: ResolvedOptions, log?: (line: string) => void): Promise<SandboxGeneration> {
  const started = performance.now();
  const g = new Gen(r);
  // Each step: its statements in order, or (entities) a function that loads them itself.
  const steps: [string, readonly string[] | (() => Promise<void>)][] = [
    ["settings", [
      // Cheaper writes for bulk data that can be regenerated at any time.
      "SET LOCAL synchronous_commit = off",
      "SET LOCAL work_mem = '64MB'",
      "SET LOCAL maintenance_work_mem = '256MB'",
      // JIT compiles each big statement for ~0.7 s and gains nothing here.
      "SET LOCAL jit = off",
      // Row estimates through generate_series and hash-derived keys are poor; hash joins are
      // always right for these shapes, a misjudged nested loop is quadratic.
      "SET LOCAL enable_nestloop = off",
    ]],
    ["tables", [
      ...SANDBOX_DATA_TABLES.map((t) => `DROP TABLE IF EXISTS ${SANDBOX_SCHEMA}.${t}`),
      // UNLOGGED: no WAL for data that can be regenerated; a crash empties them and
      // ensureSandboxData notices and regenerates.
      ...Object.entries(DATA_TABLE_COLUMNS).map(([t, list]) => `CREATE UNLOGGED TABLE ${SANDBOX_SCHEMA}.${t} (${columnDefs(list)})`),
      ...RANDOM_FUNCTIONS,
    ]],
    ["entities", () => loadEntities(tx, g)],
    ["users", [usersSql(g), "ANALYZE _u"]],
    ["audiences", [pairsSql(g), "ANALYZE _p", budgetsSql()]],
    ["dsp_impressions", [impressionsSql(g)]],
    ["dsp_clicks", [clicksSql(g)]],
    ["dsp_views", [viewsSql(g)]],
    ["sponsored_ads_traffic", [saImpressionsSql(g), saClicksSql(g)]],
    ["touches", [touchesSql(), "CREATE INDEX ON _t (user_id, brand, is_dsp, creditable, is_click, ts)", "ANALYZE _t"]],
    ["purchases", [purchasesSql(g), "ANALYZE _pu"]],
    ["events", [eventsSql(g), "ANALYZE _e"]],
    ["attribution", [creditsSql(), "ANALYZE _cred", attributedSql()]],
    ["conversions", [conversionsSql(), relevanceSql(), conversionsAllSql()]],
    ["indexes", [
      ...DATA_TABLE_INDEXES.map(([t, c]) => `CREATE INDEX ON ${SANDBOX_SCHEMA}.${t} (${c})`),
      ...SANDBOX_DATA_TABLES.map((t) => `ANALYZE ${SANDBOX_SCHEMA}.${t}`),
    ]],
  ];
  for (const [name, step] of steps) {
    const t0 = performance.now();
    if (typeof step === "function") await step();
    else for (const statement of step) await tx.execute(sql.raw(statement));
    log?.(`sandbox generate: ${name} ${Math.round(performance.now() - t0)} ms`);
  }

  const rowCounts: Record<string, number> = {};
  for (const t of SANDBOX_DATA_TABLES) {
    const rows = await tx.execute<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${SANDBOX_SCHEMA}.${t}`));
    rowCounts[t] = rows[0]?.n ?? 0;
  }
  const durationMs = Math.round(performance.now() - started);
  await tx.execute(sql`
    INSERT INTO amc_sandbox.generation_meta (id, generator_version, seed, anchor, users, days, row_counts, duration_ms, generated_at)
    VALUES (1, ${SANDBOX_GENERATOR_VERSION}, ${r.seed}, ${r.anchor}::date, ${r.size.users}, ${r.size.days},
            ${JSON.stringify(rowCounts)}::jsonb, ${durationMs}, now())
    ON CONFLICT (id) DO UPDATE SET generator_version = EXCLUDED.generator_version, seed = EXCLUDED.seed,
      anchor = EXCLUDED.anchor, users = EXCLUDED.users, days = EXCLUDED.days, row_counts = EXCLUDED.row_counts,
      duration_ms = EXCLUDED.duration_ms, generated_at = EXCLUDED.generated_at`);
  return { generatorVersion: SANDBOX_GENERATOR_VERSION, seed: r.seed, anchor: r.anchor, size: r.size, rowCounts, durationMs };
}

