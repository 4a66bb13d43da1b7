import postgres from "postgres";
import { drizzle, type PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import type { PgDatabase } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/** A database handle or a transaction: domain code takes this, so it composes inside transactions. */
export type Database = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

/**
 * How every pool of the app meets a database restart or failover. postgres.js reconnects a closed
 * connection on its next query, waiting a backoff that grows with consecutive failures: its
 * default reaches 20 s, so during an outage each request would hang that long before its 503 and
 * the first reconnect after PostgreSQL is back could wait as long. Capped at 1 s here (a few
 * servers × a few connections retrying each second is no storm). A host that drops packets
 * instead of refusing them fails the connect after 10 s rather than the default 30.
 *
 * The driver itself is patched for the null-socket bug that turned a terminated backend into an
 * uncaught TypeError and a dead pool slot (scripts/patch-postgres.mjs, run on install).
 */
export const CONNECTION_OPTIONS = {
  onnotice: () => {},
  connect_timeout: 10,
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;

export function createDatabase(url: string, options: { max?: number } = {}) {
  const client = postgres(url, { ...CONNECTION_OPTIONS, max: options.max ?? 10 });
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
    globalForSql.__amcSql = postgres(url, { ...CONNECTION_OPTIONS, max: 4 });
  }
  return globalForSql.__amcSql;
}

export { schema };
