import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { runMigrations } from "../migrate";
import { blocksFromSeedDocument, fixedSeedSql, seedBlocks } from "../reference/seed-reference";

// The database `npm run db:migrate` builds (A) must hold every object the seed defines with the
// same definition as a database built from the seed's own SQL (B, defects fixed). B starts as a
// migrated database with the seed's objects dropped, so both share the base tables.

const SEED_TABLES = ["report_definitions", "report_executions", "report_schedules", "dashboard_favorites"];
const ALTERED = { query_templates: ["report_type", "report_config", "ui_schema"], report_data_collections: ["report_id", "segment_type", "max_lookback_days"] };

async function catalog(sql: postgres.Sql) {
  const tables = [...SEED_TABLES, ...Object.keys(ALTERED), "workflows", "workflow_executions", "archived_workflows", "archived_workflow_executions"];
  const columns = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }[]>`
    SELECT table_name, column_name, data_type, is_nullable, column_default
      FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = ANY(${tables})`;
  const constraints = await sql<{ table_name: string; name: string; def: string }[]>`
    SELECT c.conrelid::regclass::text AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS def
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = 'public' AND c.conrelid::regclass::text = ANY(${tables})`;
  const indexes = await sql<{ name: string; def: string }[]>`
    SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = 'public' AND tablename = ANY(${tables})`;
  const triggers = await sql<{ name: string; def: string }[]>`
    SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def FROM pg_trigger t WHERE NOT t.tgisinternal`;
  const [view] = await sql<{ def: string }[]>`SELECT pg_get_viewdef('report_runs_overview'::regclass, true) AS def`;
  const viewColumns = await sql<{ column_name: string; data_type: string }[]>`
    SELECT column_name, data_type FROM information_schema.columns
     WHERE table_name = 'report_runs_overview' ORDER BY ordinal_position`;
  const [fn] = await sql<{ src: string; lang: string }[]>`
    SELECT p.prosrc AS src, l.lanname AS lang FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.proname = 'update_updated_at_column'`;
  const comments = await sql<{ name: string; comment: string | null }[]>`
    SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c
     WHERE c.relname IN ('workflows', 'workflow_executions')`;
  return { columns, constraints, indexes, triggers, view, viewColumns, fn, comments };
}

describe("migrated schema vs the seed's SQL", async () => {
  const a = await freshDatabase();
  const b = await freshDatabase();

  await b.sql.unsafe(`
    DROP VIEW report_runs_overview;
    DROP TABLE report_executions, report_schedules, dashboard_favorites, report_definitions CASCADE;
    DROP TABLE archived_workflows, archived_workflow_executions;
    DROP INDEX idx_query_templates_report_type;
    ALTER TABLE query_templates DROP COLUMN report_type, DROP COLUMN report_config, DROP COLUMN ui_schema;
    ALTER TABLE report_data_collections DROP COLUMN report_id, DROP COLUMN segment_type, DROP COLUMN max_lookback_days;
    DROP FUNCTION update_updated_at_column() CASCADE;
    COMMENT ON TABLE workflows IS NULL;
    COMMENT ON TABLE workflow_executions IS NULL;
  `);
  await b.sql.unsafe(fixedSeedSql());

  const ca = await catalog(a.sql);
  const cb = await catalog(b.sql);

  it("has every seed column with the same type, nullability and default", () => {
    const key = (c: { table_name: string; column_name: string }) => `${c.table_name}.${c.column_name}`;
    const inA = new Map(ca.columns.map((c) => [key(c), c]));
    expect(cb.columns.length).toBeGreaterThan(70);
    for (const c of cb.columns) expect(inA.get(key(c)), key(c)).toEqual(c);
  });

  it("has every seed constraint (CHECK, FK with its ON DELETE, UNIQUE, PK) under the same name", () => {
    const inA = new Map(ca.constraints.map((c) => [`${c.table_name}.${c.name}`, c.def]));
    const seedOnes = cb.constraints.filter(
      (c) => SEED_TABLES.includes(c.table_name) || /report_id|segment_type|max_lookback/.test(c.name),
    );
    expect(seedOnes.length).toBeGreaterThan(25);
    for (const c of seedOnes) expect(inA.get(`${c.table_name}.${c.name}`), c.name).toBe(c.def);
  });

  it("has every seed index, partial ones included, with the same definition", () => {
    const inA = new Map(ca.indexes.map((i) => [i.name, i.def]));
    expect(cb.indexes.length).toBeGreaterThan(20);
    for (const i of cb.indexes) expect(inA.get(i.name), i.name).toBe(i.def);
    expect(inA.get("uq_report_schedules_one_active_per_report")).toContain("WHERE (is_active = true)");
  });

  it("has the view, the function, its three triggers and the DEPRECATED comments", () => {
    // The view's LATERAL is `SELECT *`, which PostgreSQL expands to the columns that exist when
    // the view is made; ours has the engine's extra execution columns there. Same otherwise.
    const star = (d = "") => d.replace(/SELECT re2\.id,[\s\S]*?FROM report_executions re2/, "SELECT re2.* FROM report_executions re2");
    expect(star(ca.view?.def)).toBe(star(cb.view?.def));
    expect(star(ca.view?.def)).not.toBe(ca.view?.def);
    expect(ca.viewColumns).toEqual(cb.viewColumns);
    expect(ca.viewColumns).toHaveLength(22);
    expect(ca.fn).toEqual(cb.fn);
    const trigA = new Map(ca.triggers.map((t) => [t.name, t.def]));
    const seedTriggers = cb.triggers.filter((t) => t.name.startsWith("update_"));
    expect(seedTriggers).toHaveLength(3);
    for (const t of seedTriggers) expect(trigA.get(t.name), t.name).toBe(t.def);
    expect(ca.comments).toEqual(cb.comments);
    expect(ca.comments.every((c) => c.comment?.startsWith("DEPRECATED"))).toBe(true);
  });

  it("has the archive tables with the workflow tables' columns", () => {
    const cols = (t: string) => ca.columns.filter((c) => c.table_name === t).map((c) => `${c.column_name}:${c.data_type}`).sort();
    expect(cols("archived_workflows")).toEqual(cols("workflows"));
    expect(cols("archived_workflow_executions")).toEqual(cols("workflow_executions"));
  });

  it("re-applying the migrations to a migrated database is a no-op", async () => {
    await runMigrations(a.url);
    const again = await catalog(a.sql);
    expect(again).toEqual(ca);
  });

  it("the committed copy of the seed is the seed document's SQL, verbatim", () => {
    const doc = path.resolve(import.meta.dirname, "../../../shared/seed/000_e3f955c5fca97e6b.txt");
    // shared/ sits beside the clone on developer machines and in CI; a lone clone has the copy only.
    if (!fs.existsSync(doc)) return;
    expect(seedBlocks()).toEqual(blocksFromSeedDocument(fs.readFileSync(doc, "utf8")));
  });
});
