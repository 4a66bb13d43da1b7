import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * In an INSERT … ON CONFLICT DO UPDATE, the value the conflicting row would have inserted for
 * `column`. Named through the column object so a renamed column cannot leave a stale name here.
 */
export function excluded(column: AnyPgColumn): SQL {
  return sql.raw(`excluded.${column.name}`);
}
