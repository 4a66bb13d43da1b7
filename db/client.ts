import postgres from "postgres";
import { drizzle, type PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import type { PgDatabase } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/** A database handle or a transaction: domain code takes this, so it composes inside transactions. */
export type Database = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

export function createDatabase(url: string, options: { max?: number } = {}) {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
  });
  const db = drizzle(client, { schema, casing: undefined });
  return { db, client, close: () => client.end({ timeout: 5 }) };
}

const globalForDb = globalThis as unknown as { __amcDb?: ReturnType<typeof createDatabase> };

/**
 * The process-wide pool for the app server. One per process (kept on globalThis so that dev
 * reloads do not open a new pool each time).
 */
export function getDb(): Database {
  if (!globalForDb.__amcDb) {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error(
        "DATABASE_URL is not set. Start the app with `npm run dev` / `npm start`, which start the embedded PostgreSQL when no DATABASE_URL is given.",
      );
    }
    globalForDb.__amcDb = createDatabase(url);
  }
  return globalForDb.__amcDb.db;
}

const globalForSql = globalThis as unknown as { __amcSql?: postgres.Sql };

/**
 * A raw postgres.js client for COPY streams and cursors. Its own small pool, not drizzle's: the
 * drizzle driver switches its client's date serializers off (drizzle converts dates itself), so
 * a Date passed to that client's tagged template would fail.
 */
export function getSql(): postgres.Sql {
  if (!globalForSql.__amcSql) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set.");
    globalForSql.__amcSql = postgres(url, { max: 4, onnotice: () => {} });
  }
  return globalForSql.__amcSql;
}

export { schema };
