import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { createDatabase, type Database } from "../db/client";
import { withDatabase } from "../db/embedded";

export interface TestDatabase {
  db: Database;
  url: string;
  /** A raw postgres.js client on the same database, for catalog queries and raw SQL. */
  sql: postgres.Sql;
}

/**
 * A fresh database cloned from the migrated template, dropped after the file's tests.
 * Call at the top level of a test file.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("testAdminUrl");
  const template = inject("testTemplateDb");
  const name = `amc_test_run_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = withDatabase(adminUrl, name);
  const handle = createDatabase(url, { max: 4 });
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  afterAll(async () => {
    await handle.close();
    await sql.end();
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
  return { db: handle.db, url, sql };
}
