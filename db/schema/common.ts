import { sql } from "drizzle-orm";
import { foreignKey, jsonb, text, timestamp, uuid, type AnyPgColumn, type UpdateDeleteAction } from "drizzle-orm/pg-core";

/** `id UUID PRIMARY KEY DEFAULT gen_random_uuid()`, as every seed table declares it. */
export const uuidPk = () => uuid("id").primaryKey().defaultRandom();

/** `TIMESTAMPTZ DEFAULT now()` — nullable, exactly as the seed writes created_at/updated_at. */
export const tsDefaultNow = (name: string) =>
  timestamp(name, { withTimezone: true }).default(sql`now()`);

export const tsz = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The seed's `created_at` / `updated_at TIMESTAMPTZ DEFAULT now()` pair, spread into a table's
 * columns where the seed puts them (column order is part of the seed conformance).
 */
export const timestamps = () => ({
  createdAt: tsDefaultNow("created_at"),
  updatedAt: tsDefaultNow("updated_at"),
});

/**
 * A human-readable business id next to the uuid (`report_id TEXT NOT NULL UNIQUE`), with the
 * constraint name PostgreSQL gives the seed's inline UNIQUE: `<table>_<column>_key`.
 */
export const textKey = (table: string, column: string) =>
  text(column).notNull().unique(`${table}_${column}_key`);

/**
 * `<name> UUID NOT NULL REFERENCES <parent>(id) ON DELETE CASCADE`: a row that only exists as part
 * of its parent (a dashboard's widget, a template's parameter) and goes with it.
 */
export const parentRef = (name: string, parentId: () => AnyPgColumn) =>
  uuid(name).notNull().references(parentId, { onDelete: "cascade" });

/** `JSONB NOT NULL DEFAULT '{}'::jsonb` */
export const jsonObject = (name: string) =>
  jsonb(name).notNull().default(sql`'{}'::jsonb`);

/**
 * A single-column foreign key under the name PostgreSQL gives the seed's inline REFERENCES
 * (`<table>_<column>_fkey`), which the seed-conformance test compares name for name.
 */
export const seedFk = (name: string, column: AnyPgColumn, foreignColumn: AnyPgColumn, onDelete: UpdateDeleteAction) =>
  foreignKey({ name, columns: [column], foreignColumns: [foreignColumn] }).onDelete(onDelete);
