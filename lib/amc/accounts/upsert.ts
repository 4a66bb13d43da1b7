import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";

/**
 * In an INSERT … ON CONFLICT DO UPDATE, the value the conflicting row would have inserted for
 * `column`. Named through the column object so a renamed column cannot leave a stale name here.
 */
export function excluded(column: AnyPgColumn): SQL {
  return sql.raw(`excluded.${column.name}`);
}

/** An upsert's `set` that takes each of `keys` from the conflicting row (`excluded`). */
export function fromExcluded<T extends PgTable, K extends keyof T["_"]["columns"] & string>(table: T, keys: readonly K[]): Record<K, SQL> {
  const columns: Record<string, AnyPgColumn> = getTableColumns(table);
  return Object.fromEntries(keys.map((k) => [k, excluded(columns[k]!)])) as Record<K, SQL>;
}
