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

/** The raw postgres.js client behind getDb(), for COPY streams and cursors. */
export function getSql(): postgres.Sql {
  getDb();
  return globalForDb.__amcDb!.client;
}

export { schema };
