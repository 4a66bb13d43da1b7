import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDatabase } from "./client";

export const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, "..", "drizzle");

/** Applies drizzle/ to `url`. Safe to run again: the journal skips applied migrations. */
export async function runMigrations(url: string): Promise<void> {
  const { db, close } = createDatabase(url, { max: 1 });
  try {
    await migrate(db as Parameters<typeof migrate>[0], {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
  } finally {
    await close();
  }
}
