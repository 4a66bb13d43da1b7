import { sql } from "drizzle-orm";
import { jsonb, timestamp, uuid } from "drizzle-orm/pg-core";

/** `id UUID PRIMARY KEY DEFAULT gen_random_uuid()`, as every seed table declares it. */
export const uuidPk = () => uuid("id").primaryKey().defaultRandom();

/** `TIMESTAMPTZ DEFAULT now()` — nullable, exactly as the seed writes created_at/updated_at. */
export const tsDefaultNow = (name: string) =>
  timestamp(name, { withTimezone: true }).default(sql`now()`);

export const tsz = (name: string) => timestamp(name, { withTimezone: true });

/** `JSONB NOT NULL DEFAULT '{}'::jsonb` */
export const jsonObject = (name: string) =>
  jsonb(name).notNull().default(sql`'{}'::jsonb`);
