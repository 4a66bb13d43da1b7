import fs from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { MIGRATIONS_FOLDER, runMigrations } from "../db/migrate";
import { startEmbeddedPostgres, withDatabase } from "../db/embedded";

declare module "vitest" {
  export interface ProvidedContext {
    testAdminUrl: string;
    testTemplateDb: string;
  }
}

/**
 * One migrated template database per migration set; every test file clones it
 * (CREATE DATABASE ... TEMPLATE), which takes ~100 ms instead of migrating each time.
 * TEST_DATABASE_URL points at any PostgreSQL 15+ server; without it, an embedded one starts.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres(path.resolve(".data", "test-pg"));
    adminUrl = pg.adminUrl;
    stop = pg.stop;
  }

  const hash = createHash("sha256");
  for (const f of fs.readdirSync(MIGRATIONS_FOLDER, { recursive: true }).sort()) {
    const p = path.join(MIGRATIONS_FOLDER, String(f));
    if (fs.statSync(p).isFile()) hash.update(String(f)).update(fs.readFileSync(p));
  }
  const template = `amc_test_tpl_${hash.digest("hex").slice(0, 12)}`;

  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = await sql`SELECT 1 FROM pg_database WHERE datname = ${template}`;
    if (exists.length === 0) {
      // Build under a temporary name and rename, so a half-built template is never used.
      const building = `${template}_building_${process.pid}`;
      await sql.unsafe(`DROP DATABASE IF EXISTS "${building}"`);
      await sql.unsafe(`CREATE DATABASE "${building}"`);
      await runMigrations(withDatabase(adminUrl, building));
      await sql.unsafe(`ALTER DATABASE "${building}" RENAME TO "${template}"`).catch(async (e) => {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${building}"`);
        const again = await sql`SELECT 1 FROM pg_database WHERE datname = ${template}`;
        if (again.length === 0) throw e;
      });
    }
    // Databases left behind by crashed runs: names carry their creation time, and only those
    // older than two hours go, so a run never drops another run's databases in use.
    const stale = await sql<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE datname LIKE 'amc_test_run_%'`;
    const cutoff = Math.floor(Date.now() / 1000) - 2 * 3600;
    for (const { datname } of stale) {
      const born = Number(/^amc_test_run_(\d+)_/.exec(datname)?.[1] ?? 0);
      if (born < cutoff) await sql.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  } finally {
    await sql.end();
  }

  project.provide("testAdminUrl", adminUrl);
  project.provide("testTemplateDb", template);
  return async () => {
    if (stop) await stop();
  };
}
